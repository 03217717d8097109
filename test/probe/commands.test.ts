import { describe, expect, it } from 'vitest';
import type { ProbeTask } from '../../src/model/probe.js';
import { batchWorstCaseSeconds } from '../../src/probe/batch-script.js';
import { boundedProbeArgv, outerTimeoutSeconds, probeArgv, probeCommandLine } from '../../src/probe/commands.js';

describe('probeArgv', () => {
  it.each<[string, ProbeTask, string[]]>([
    ['tcp', { id: 'a', kind: 'tcp', host: '10.1.2.3', port: 5432, timeoutSeconds: 2 }, ['nc', '-z', '-vv', '-w', '2', '10.1.2.3', '5432']],
    ['http', { id: 'a', kind: 'http', url: 'http://api.prod.svc.cluster.local.:8080/healthz', host: 'api.prod.svc.cluster.local.', timeoutSeconds: 3 }, ['wget', '-q', '-Y', 'off', '-T', '3', '-O', '/dev/null', 'http://api.prod.svc.cluster.local.:8080/healthz']],
    ['dns with server', { id: 'a', kind: 'dns', name: 'kubernetes.default.svc.cluster.local.', server: '10.96.0.10', timeoutSeconds: 2 }, ['nslookup', '-type=a', '-timeout=2', '-retry=2', 'kubernetes.default.svc.cluster.local.', '10.96.0.10']],
    ['dns without server', { id: 'a', kind: 'dns', name: 'example.org.', timeoutSeconds: 5 }, ['nslookup', '-type=a', '-timeout=5', '-retry=2', 'example.org.']],
    ['udp: one query for the token to the responder at IP:PORT', { id: 'a', kind: 'udp', host: '10.1.2.3', port: 5353, token: 'c4.kubeknock-client-x7k2q.kubeknock.', timeoutSeconds: 2 }, ['nslookup', '-type=a', '-timeout=2', '-retry=1', 'c4.kubeknock-client-x7k2q.kubeknock.', '10.1.2.3:5353']],
    ['udp to an IPv6 pod: the server in brackets', { id: 'a', kind: 'udp', host: 'fd00::7', port: 53, token: 't.kubeknock.', timeoutSeconds: 3 }, ['nslookup', '-type=a', '-timeout=3', '-retry=1', 't.kubeknock.', '[fd00::7]:53']],
    ['fractional timeout rounds up', { id: 'a', kind: 'tcp', host: 'h', port: 1, timeoutSeconds: 1.2 }, ['nc', '-z', '-vv', '-w', '2', 'h', '1']],
    ['zero timeout becomes 1 (0 means "none" to BusyBox)', { id: 'a', kind: 'tcp', host: 'h', port: 1, timeoutSeconds: 0 }, ['nc', '-z', '-vv', '-w', '1', 'h', '1']],
  ])('%s', (_name, task, argv) => {
    expect(probeArgv(task)).toEqual(argv);
  });
});

describe('boundedProbeArgv', () => {
  it('wraps the probe in BusyBox timeout: TERM at timeout + 2 s, KILL 1 s later', () => {
    const task: ProbeTask = { id: 'a', kind: 'tcp', host: '10.1.2.3', port: 80, timeoutSeconds: 2 };
    expect(boundedProbeArgv(task)).toEqual(['timeout', '-k', '1', '4', 'nc', '-z', '-vv', '-w', '2', '10.1.2.3', '80']);
    expect(outerTimeoutSeconds(task)).toBe(4);
  });
});

describe('probeCommandLine', () => {
  it('reads like the command a human would type', () => {
    const task: ProbeTask = { id: 'a', kind: 'dns', name: 'kubernetes.default.svc.cluster.local.', timeoutSeconds: 2 };
    expect(probeCommandLine(task)).toBe('timeout -k 1 4 nslookup -type=a -timeout=2 -retry=2 kubernetes.default.svc.cluster.local.');
  });

  it('shows a udp probe with its token and responder address', () => {
    const task: ProbeTask = { id: 'a', kind: 'udp', host: '10.1.2.3', port: 5353, token: 'c4.kubeknock-client-x7k2q.kubeknock.', timeoutSeconds: 2 };
    expect(probeCommandLine(task)).toBe('timeout -k 1 4 nslookup -type=a -timeout=2 -retry=1 c4.kubeknock-client-x7k2q.kubeknock. 10.1.2.3:5353');
  });

  it('quotes anything that slipped past validation', () => {
    const task: ProbeTask = { id: 'a', kind: 'http', url: "http://x/$(id)'", host: 'x', timeoutSeconds: 2 };
    expect(probeCommandLine(task)).toBe("timeout -k 1 4 wget -q -Y off -T 2 -O /dev/null 'http://x/$(id)'\\'''");
  });
});

describe('batchWorstCaseSeconds', () => {
  it('is the slowest outer timeout plus the KILL delay', () => {
    const tasks: ProbeTask[] = [
      { id: 'a', kind: 'tcp', host: 'h', port: 1, timeoutSeconds: 2 },
      { id: 'b', kind: 'dns', name: 'n.', timeoutSeconds: 5 },
    ];
    expect(batchWorstCaseSeconds(tasks)).toBe(5 + 2 + 1);
  });
});
