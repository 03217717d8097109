/**
 * udp checks as a user runs them, against the real test cluster and its real NetworkPolicy enforcer:
 * a responder actor whose UDP port a policy opens to one client only, judged as written and from
 * the live policies (`expect: policy`), and no probe pod left behind.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { kubeknock, managedPods, useNamespace, writeScenario } from './cluster.js';
import { outcomeOf } from '../support/outcome.js';

const NS = 'kk-e2e-udp';
/** UDP 5353 on the cache from the client only; TCP 5353 on the same pod from nobody. */
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-udp-from-client, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: cache}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: client}}}]
      ports: [{protocol: UDP, port: 5353}]
`;

const ACTORS = `  actors:
    client: {namespace: ${NS}, labels: {app: client}}
    intruder: {namespace: ${NS}, labels: {app: intruder}}
    cache: {namespace: ${NS}, labels: {app: cache}, listen: [5353, {port: 5353, protocol: UDP, name: dns-alt}]}
`;

const DENY_CLASSES = ['timeout', 'refused', 'no-route'];

useNamespace(NS, POLICY);

describe('udp checks on the real cluster', () => {
  it('the responder echoes to the allowed client only, over UDP only, and leaves no pod behind', async () => {
    const file = writeScenario(
      'udp-written',
      `${ACTORS}  checks:
    - {from: client, to: cache:5353, kind: udp, expect: allow}
    - {from: intruder, to: cache:5353, kind: udp, expect: deny}
    - {from: client, to: cache:5353, expect: deny}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.summary).toMatchObject({ total: 3, passed: 3, failed: 0, skipped: 0 });
    expect(report.checks.map((c) => `${c.from} → ${c.to} [${c.kind}]`)).toEqual(['client → cache:5353/udp [udp]', 'intruder → cache:5353/udp [udp]', 'client → cache:5353 [tcp]']);
    const [allowed, ...denied] = report.checks;
    expect(allowed && outcomeOf(allowed)?.class).toBe('echoed');
    for (const check of denied) expect(DENY_CLASSES, check.name).toContain(outcomeOf(check)?.class);
    expect(await managedPods()).toEqual([]);
  });

  it('expect: policy derives allow and deny from the UDP rule, naming UDP/5353 in the explanation', async () => {
    const file = writeScenario(
      'udp-policy',
      `${ACTORS}  checks:
    - {from: [client, intruder], to: cache:5353, kind: udp, expect: policy}
`,
    );
    const run = await kubeknock(['run', file, '-o', 'json']);
    expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.checks.map((c) => [c.from, c.expectSource, c.expect, c.status])).toEqual([
      ['client', 'policy', 'allow', 'pass'],
      ['intruder', 'policy', 'deny', 'pass'],
    ]);
    expect(report.checks[0]?.explanation).toMatch(/→ kk-e2e-udp\/kubeknock-cache-\w+ UDP\/5353: ALLOW/);
    expect(report.checks[1]?.explanation).toMatch(/UDP\/5353: DENY[\s\S]*isolated by kk-e2e-udp\/cache-udp-from-client/);
    expect(await managedPods()).toEqual([]);
  });
});
