import { describe, expect, it } from 'vitest';
import { describeCollectorCost, parseCollectorCost } from '../../src/flows/collector-cost.js';

describe('collector cost', () => {
  it('reads cgroup v1 (cpuacct.usage in ns, memory.max_usage_in_bytes)', () => {
    const cost = parseCollectorCost('/sys/fs/cgroup/cpuacct/cpuacct.usage 723456789 \n/sys/fs/cgroup/memory/memory.max_usage_in_bytes 4089856 \n');
    expect(cost).toEqual({ cpuSeconds: 0.723456789, peakMemoryBytes: 4089856 });
    expect(describeCollectorCost('kk-node1', cost, 61)).toBe('kk-node1: 0.72 s CPU over 61 s (1.2 % of one core), peak memory 3.9 MiB');
  });

  it('reads cgroup v2 (cpu.stat usage_usec, memory.peak)', () => {
    expect(parseCollectorCost('/sys/fs/cgroup/cpu.stat usage_usec 1500000 user_usec 1000000 system_usec 500000 \n/sys/fs/cgroup/memory.peak 2097152 \n')).toEqual({ cpuSeconds: 1.5, peakMemoryBytes: 2097152 });
  });

  it('says when nothing could be read, and never invents a number', () => {
    expect(parseCollectorCost('')).toEqual({});
    expect(parseCollectorCost('/sys/fs/cgroup/cpu.stat user_usec 5 \n/sys/fs/cgroup/memory.peak max\n')).toEqual({});
    expect(describeCollectorCost('kk-node2', {}, 60)).toBe('kk-node2: its cgroup could not be read');
  });
});
