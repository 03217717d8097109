/**
 * What a collector cost its node: the CPU time and the peak memory of its container's cgroup, which
 * the sampling execs run in. Read at the end of the window from inside the collector (cgroup v1 and
 * v2 name the files differently); what cannot be read is left out, never guessed.
 */
export const COST_SCRIPT = [
  'for f in /sys/fs/cgroup/cpuacct/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/cpuacct.usage /sys/fs/cgroup/cpu.stat /sys/fs/cgroup/memory/memory.max_usage_in_bytes /sys/fs/cgroup/memory.peak; do',
  '  [ -r "$f" ] && echo "$f $(tr "\\n" " " < "$f")"',
  'done',
  'true',
].join('\n');

export interface CollectorCost {
  readonly cpuSeconds?: number;
  readonly peakMemoryBytes?: number;
}

export function parseCollectorCost(text: string): CollectorCost {
  let cpuSeconds: number | undefined;
  let peakMemoryBytes: number | undefined;
  for (const line of text.split('\n')) {
    const [file, ...values] = line.trim().split(/\s+/);
    if (file === undefined) continue;
    if (file.endsWith('/cpuacct.usage') && values[0] !== undefined && /^\d+$/.test(values[0])) cpuSeconds = Number(values[0]) / 1e9;
    else if (file.endsWith('/cpu.stat')) {
      const index = values.indexOf('usage_usec');
      const usec = values[index + 1];
      if (index >= 0 && usec !== undefined && /^\d+$/.test(usec)) cpuSeconds = Number(usec) / 1e6;
    } else if ((file.endsWith('/memory.max_usage_in_bytes') || file.endsWith('/memory.peak')) && values[0] !== undefined && /^\d+$/.test(values[0])) peakMemoryBytes = Number(values[0]);
  }
  return { ...(cpuSeconds === undefined ? {} : { cpuSeconds }), ...(peakMemoryBytes === undefined ? {} : { peakMemoryBytes }) };
}

/** `kk-node1: 0.42 s CPU over 61 s (0.7 % of one core), peak memory 2.9 MiB`. */
export function describeCollectorCost(node: string, cost: CollectorCost, windowSeconds: number): string {
  const parts: string[] = [];
  if (cost.cpuSeconds !== undefined) {
    const share = windowSeconds > 0 ? ` (${((cost.cpuSeconds / windowSeconds) * 100).toFixed(1)} % of one core)` : '';
    parts.push(`${cost.cpuSeconds.toFixed(2)} s CPU over ${Math.round(windowSeconds)} s${share}`);
  }
  if (cost.peakMemoryBytes !== undefined) parts.push(`peak memory ${(cost.peakMemoryBytes / 1024 / 1024).toFixed(1)} MiB`);
  return `${node}: ${parts.length > 0 ? parts.join(', ') : 'its cgroup could not be read'}`;
}
