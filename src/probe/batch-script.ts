/**
 * The one script a probe pod runs per attempt round: every probe of the pod runs concurrently inside
 * the pod, so a round costs one exec (one API round trip) and about one timeout, whatever the number
 * of probes. Results come back framed on stdout.
 *
 * Frame format (one per task, after all tasks finished):
 *   @@kubeknock begin <index> <exitCode> <durationMs> <byteLength>
 *   <base64 of the probe's combined stdout+stderr, wrapped at 76 columns>
 *   @@kubeknock end <index>
 * `index` is the task's position in the list given to buildBatchScript; ids never enter the script,
 * so no id can break it. Payloads are base64, whose alphabet cannot spell a frame line, so nothing a
 * probe prints can forge or end a frame; the byte length catches truncation.
 */
import type { ProbeTask, RawTaskResult } from '../model/probe.js';
import { boundedProbeArgv, outerTimeoutSeconds, PROBE_KILL_AFTER_SECONDS } from './commands.js';
import { shellJoin } from './shell-quote.js';

export const FRAME_PREFIX = '@@kubeknock';

/**
 * Shell prelude. Why each piece:
 * - `busybox` may be missing from PATH in some images: fall back to /bin/busybox, and leave the
 *   version empty rather than fail the batch if neither exists.
 * - `mktemp -d` under /tmp: probe pods run as 65534 with a read-only root and an emptyDir at /tmp.
 * - Traps are reset in subshells, so the EXIT cleanup runs once, in the main shell, after `wait`.
 * - Durations come from /proc/uptime in centiseconds because BusyBox `date` has no %N; leading zeros
 *   are stripped so arithmetic never reads the number as octal.
 * - `run` keeps stdin closed so no probe can wait on the exec's stdin.
 */
const PRELUDE = `bb=$(command -v busybox 2>/dev/null || echo /bin/busybox)
echo "${FRAME_PREFIX} busybox $("$bb" 2>/dev/null | head -n 1)"
d=$(mktemp -d /tmp/kubeknock.XXXXXX) || { echo "${FRAME_PREFIX} error cannot create a temporary directory under /tmp"; exit 70; }
trap 'rm -rf "$d"' EXIT
trap 'exit 143' HUP INT TERM
cs() { read -r u _ </proc/uptime; u=\${u%.*}\${u#*.}; u=\${u#"\${u%%[!0]*}"}; echo "\${u:-0}"; }
run() { i=$1; shift; s=$(cs); "$@" >"$d/$i.out" 2>&1 </dev/null; r=$?; e=$(cs); echo "$r $(( (e - s) * 10 ))" >"$d/$i.st"; }`;

/** Prints each finished task's frame; a task without a status file is left for the parser to call missing. */
function epilogue(count: number): string {
  return `wait
i=0
while [ "$i" -lt ${count} ]; do
  if read -r r t <"$d/$i.st"; then
    echo "${FRAME_PREFIX} begin $i $r $t $(wc -c <"$d/$i.out")"
    base64 "$d/$i.out"
    echo "${FRAME_PREFIX} end $i"
  fi 2>/dev/null
  i=$((i + 1))
done`;
}

/** The `sh -c` script that runs `tasks` concurrently in one probe pod. */
export function buildBatchScript(tasks: readonly ProbeTask[]): string {
  const launches = tasks.map((task, index) => `run ${index} ${shellJoin(boundedProbeArgv(task))} &`);
  return [PRELUDE, ...launches, epilogue(tasks.length), ''].join('\n');
}

/**
 * The longest a batch can run in the pod: its slowest probe's outer timeout, plus the KILL delay for a
 * probe that ignores TERM. The exec's own timeout is this plus a grace: batchBudgetMs in run-limits.ts.
 */
export function batchWorstCaseSeconds(tasks: readonly Pick<ProbeTask, 'timeoutSeconds'>[]): number {
  return Math.max(0, ...tasks.map(outerTimeoutSeconds)) + PROBE_KILL_AFTER_SECONDS;
}

export interface BatchOutput {
  /** First line of `busybox` in the pod, when the script could print it. */
  readonly busyboxVersion?: string;
  /** One result per task whose frame arrived intact, in task order. */
  readonly results: RawTaskResult[];
  /** Ids of tasks without an intact frame (the script was cut short, or its output was mangled). */
  readonly missing: string[];
  /** Errors the script itself reported (e.g. no writable /tmp). */
  readonly scriptErrors: string[];
}

const BEGIN = new RegExp(`^${FRAME_PREFIX} begin (\\d+) (\\d+) (\\d+) (\\d+)$`);
const END = new RegExp(`^${FRAME_PREFIX} end (\\d+)$`);
const VERSION = new RegExp(`^${FRAME_PREFIX} busybox (.*)$`);
const SCRIPT_ERROR = new RegExp(`^${FRAME_PREFIX} error (.*)$`);
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

interface OpenFrame {
  readonly index: number;
  readonly exitCode: number;
  readonly durationMs: number;
  readonly byteLength: number;
  readonly payload: string[];
}

/**
 * Reads the framed output of buildBatchScript. `taskIds` must list the ids of the same tasks in the
 * same order. Anything outside a frame is ignored; a frame that is truncated, interrupted by another
 * frame, not base64, of the wrong length, for an unknown index or a repeat is dropped, and its task is
 * reported missing: a damaged result is never guessed at.
 */
export function parseBatchOutput(stdout: string, taskIds: readonly string[]): BatchOutput {
  const byIndex = new Map<number, RawTaskResult>();
  const scriptErrors: string[] = [];
  let busyboxVersion: string | undefined;
  let open: OpenFrame | undefined;

  for (const line of stdout.split(/\r?\n/)) {
    const begin = BEGIN.exec(line);
    if (begin) {
      // A new begin while a frame is open means the open one was cut short: drop it.
      open = {
        index: Number(begin[1]),
        exitCode: Number(begin[2]),
        durationMs: Number(begin[3]),
        byteLength: Number(begin[4]),
        payload: [],
      };
      continue;
    }
    if (open) {
      const end = END.exec(line);
      if (end) {
        const closed = open;
        open = undefined;
        if (Number(end[1]) !== closed.index) continue;
        const id = taskIds[closed.index];
        if (id === undefined || byIndex.has(closed.index)) continue;
        const bytes = Buffer.from(closed.payload.join(''), 'base64');
        if (bytes.length !== closed.byteLength) continue;
        byIndex.set(closed.index, {
          id,
          exitCode: closed.exitCode,
          output: bytes.toString('utf8'),
          durationMs: closed.durationMs,
        });
      } else if (BASE64_LINE.test(line)) {
        open.payload.push(line);
      } else {
        open = undefined;
      }
      continue;
    }
    const version = VERSION.exec(line);
    if (version) {
      const text = version[1]?.trim();
      if (text) busyboxVersion ??= text;
      continue;
    }
    const error = SCRIPT_ERROR.exec(line);
    if (error?.[1]) scriptErrors.push(error[1]);
  }

  const results: RawTaskResult[] = [];
  const missing: string[] = [];
  taskIds.forEach((id, index) => {
    const result = byIndex.get(index);
    if (result) results.push(result);
    else missing.push(id);
  });
  return busyboxVersion === undefined
    ? { results, missing, scriptErrors }
    : { busyboxVersion, results, missing, scriptErrors };
}
