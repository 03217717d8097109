/**
 * udp checks through the whole runner over a simulated API (FakeCluster), with the real BusyBox on
 * loopback on both ends: nslookup in the exec, dnsd serving the probe pod's UDP container port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import type { Scenario } from '../../src/model/scenario.js';
import { exitCodeOf } from '../../src/app/run.js';
import { systemClock } from '../../src/probe/clock.js';
import { preflight } from '../../src/probe/preflight.js';
import { runScenario } from '../../src/probe/runner.js';
import { parseScenario } from '../../src/scenario/load.js';
import { FakeCluster, type FakeClusterOptions } from '../support/fake-cluster.js';
import { outcomeOf } from '../support/outcome.js';

let cluster: FakeCluster | undefined;
afterEach(() => cluster?.dispose());

function scenario(checks: string): Scenario {
  const result = parseScenario(
    'runner-udp.yaml',
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: runner-udp}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0}
  actors:
    client: {namespace: prod, labels: {app: client}}
    cache: {namespace: prod, labels: {app: cache}, listen: [5353, {port: 5353, protocol: UDP, name: dns-alt}, {port: 5354, protocol: UDP}]}
  checks:
${checks}`,
  );
  if (!result.ok) throw new Error(`test scenario invalid: ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

async function run(s: Scenario, options: Omit<FakeClusterOptions, 'namespaces'> = {}): Promise<{ report: RunReport; fake: FakeCluster }> {
  const fake = new FakeCluster({ namespaces: ['prod'], ...options });
  cluster = fake;
  const report = await runScenario(s, fake, {
    runId: 'udp12345',
    clusterDomain: 'cluster.local',
    keep: false,
    progress: { step: () => undefined, update: () => undefined, failed: () => undefined },
    clock: systemClock,
    toolVersion: '0.0.0-test',
    facts: await preflight(s, fake),
  });
  return { report, fake };
}

describe('runScenario with udp checks', () => {
  it('an echo from the UDP responder is an allow; the same port number over TCP is its own column', async () => {
    const { report, fake } = await run(
      scenario(`    - {from: client, to: cache:5353, kind: udp, expect: allow}
    - {from: client, to: cache:5353, expect: allow}
`),
    );
    expect(report.checks.map((c) => `${c.to} [${c.kind}] ${c.status} ${outcomeOf(c)?.class}`)).toEqual(['cache:5353/udp [udp] pass echoed', 'cache:5353 [tcp] pass connected']);
    const udp = report.checks[0];
    expect(udp?.command).toMatch(/^timeout -k 1 3 nslookup -type=a -timeout=1 -retry=1 c1\.kubeknock-client-\w+\.kubeknock\. 127\.\d+\.\d+\.\d+:5353$/);
    expect(udp && outcomeOf(udp)?.detail).toMatch(/^\*\* server can't find c1\.kubeknock-client-\w+\.kubeknock\.: NXDOMAIN \(kubeknock's responder answered, naming this probe's token\)$/);
    const ports = (fake.created.find((m) => m.metadata.generateName?.startsWith('kubeknock-cache-'))?.spec.containers as { ports: unknown[] }[] | undefined)?.[0]?.ports;
    expect(ports).toEqual([
      { containerPort: 5353, protocol: 'TCP' },
      { containerPort: 5353, protocol: 'UDP', name: 'dns-alt' },
      { containerPort: 5354, protocol: 'UDP' },
    ]);
    expect(exitCodeOf(report)).toBe(0);
  });

  it('a UDP port whose responder is gone (ICMP port unreachable) is refused: a deny', async () => {
    // Stop the responders just before the probe: from outside, a dead responder and no listener look alike.
    const { report } = await run(scenario('    - {from: client, to: cache:5354, kind: udp, expect: deny}\n'), {
      onExec: (_pod, fake) => {
        for (const pod of fake.pods.values()) for (const responder of pod.responders) responder.kill('SIGKILL');
      },
    });
    expect(report.checks[0]).toMatchObject({ to: 'cache:5354/udp', status: 'pass', observed: 'deny', outcome: { class: 'refused' } });
    const refused = report.checks[0];
    expect(refused && outcomeOf(refused)?.detail).toBe('nslookup: read: Connection refused');
  });
});
