/**
 * ClusterNetworkPolicy end to end, the issue's live proof: in a scratch namespace, an Admin-tier Deny
 * over a NetworkPolicy allow, an Admin Pass down to the NetworkPolicy (past a lower Admin Deny), and a
 * Baseline-tier default deny that lets DNS through. A scenario of `expect: policy` checks passes live
 * through `kubeknock run`, and `predict --from-cluster` gives the same verdicts as the network did.
 *
 * Only an enforcer of ClusterNetworkPolicy can agree: on the test cluster that is the
 * kube-network-policies profile (cluster.env ENFORCER; its npa-v1alpha2 binary watches the v1alpha2
 * objects used here, and drops what it denies: a timeout). Elsewhere (kube-router, none) the live part
 * does not run, and the part that holds everywhere does: the same objects from a file, offline, give
 * the same verdicts.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { ENFORCER, IMAGE, kubeknock, kubectl, managedPods, reportPath, useNamespace, writeScenario } from './cluster.js';

const NS = 'kk-e2e-cnp';
/** What the network did (skipped checks have no observation). */
const observedOf = (check: CheckResult | undefined): string | undefined => (check === undefined || check.status === 'skipped' ? undefined : check.observed);
const outcomeOf = (check: CheckResult | undefined): string | undefined => (check === undefined || check.status === 'skipped' ? undefined : check.outcome.class);


const OBJECTS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-admits-callers, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: server}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [client, intruder]}]}}]
      ports: [{port: 8080, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: callers-reach-server, namespace: ${NS}}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In, values: [client, intruder]}]}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: server}}}]
      ports: [{port: 8080, protocol: TCP}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: kk-e2e-cnp-deny-intruder}
spec:
  tier: Admin
  priority: 10
  subject: {pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}, podSelector: {matchLabels: {app: server}}}}
  ingress:
    - name: no-intruder
      action: Deny
      from: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}, podSelector: {matchLabels: {app: intruder}}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: kk-e2e-cnp-pass-client}
spec:
  tier: Admin
  priority: 20
  subject: {pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}, podSelector: {matchLabels: {app: server}}}}
  ingress:
    - name: client-to-namespace
      action: Pass
      from: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}, podSelector: {matchLabels: {app: client}}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: kk-e2e-cnp-deny-rest}
spec:
  tier: Admin
  priority: 30
  subject: {pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}, podSelector: {matchLabels: {app: server}}}}
  ingress:
    - {name: deny-rest, action: Deny, from: [{namespaces: {}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: kk-e2e-cnp-baseline}
spec:
  tier: Baseline
  priority: 10
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ${NS}}}}
  ingress:
    - {name: default-deny, action: Deny, from: [{namespaces: {}}]}
  egress:
    - name: dns
      action: Accept
      to: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}}]
      protocols: [{udp: {destinationPort: {number: 53}}}, {tcp: {destinationPort: {number: 53}}}]
    - {name: default-deny, action: Deny, to: [{namespaces: {}}]}
`;

/** A plain pod (not a probe pod: --from-cluster leaves those out) for predict to judge. */
const workload = (app: string): string => `apiVersion: v1
kind: Pod
metadata: {name: wl-${app}, namespace: ${NS}, labels: {app: ${app}, kk-e2e: workload}}
spec:
  terminationGracePeriodSeconds: 0
  securityContext: {runAsNonRoot: true, runAsUser: 65534, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: main
      image: "${IMAGE}"
      imagePullPolicy: Never
      command: [sleep, "3600"]
      ports: [{containerPort: 8080}]
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

/** Check name → source and destination actor, and the verdict the tiers give. */
const CELLS = [
  { name: 'admin-deny-over-np-allow', from: 'intruder', to: 'server', verdict: 'deny', decided: 'denied by ClusterNetworkPolicy kk-e2e-cnp-deny-intruder (Admin, priority 10) spec.ingress[0] "no-intruder": Deny' },
  { name: 'admin-pass-to-np', from: 'client', to: 'server', verdict: 'allow', decided: 'passed by ClusterNetworkPolicy kk-e2e-cnp-pass-client (Admin, priority 20) spec.ingress[0] "client-to-namespace": Pass' },
  { name: 'baseline-default-deny', from: 'bystander', to: 'client', verdict: 'deny', decided: 'denied by ClusterNetworkPolicy kk-e2e-cnp-baseline (Baseline, priority 10) spec.ingress[0] "default-deny": Deny' },
] as const;
const DNS_ACCEPTED = 'accepted by ClusterNetworkPolicy kk-e2e-cnp-baseline (Baseline, priority 10) spec.egress[0] "dns": Accept';

describe('the tiers, offline: the same objects from a file give the verdicts the live run must show (every profile)', () => {
  const file = reportPath('cnp-objects.yaml');
  beforeAll(() => {
    const namespaces = [NS, 'kube-system'].map((name) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: {kubernetes.io/metadata.name: ${name}}}\n---\n`).join('');
    writeFileSync(file, `${namespaces}${OBJECTS}`);
  });
  const explain = (from: string, to: string, port: number, protocol = 'TCP') =>
    kubeknock(['explain', '-f', file, '--from', `${NS}/${from}`, '--from-labels', `app=${from}`, '--to', to.includes('/') ? to : `${NS}/${to}`, '--to-labels', to.includes('/') ? 'k8s-app=kube-dns' : `app=${to}`, '--port', String(port), '--protocol', protocol]);

  it.each(CELLS)('$name: $from → $to:8080 $verdict', async ({ from, to, verdict, decided }) => {
    const run = await explain(from, to, 8080);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${NS}/${from} → ${NS}/${to} TCP/8080: ${verdict.toUpperCase()}\n`);
    expect(run.stdout).toContain(decided);
  });

  it('the Baseline tier lets DNS through, over TCP and UDP', async () => {
    for (const protocol of ['TCP', 'UDP']) {
      const run = await explain('bystander', 'kube-system/coredns', 53, protocol);
      expect(run.stdout, run.stderr).toContain(`${NS}/bystander → kube-system/coredns ${protocol}/53: ALLOW\n`);
      expect(run.stdout).toContain(DNS_ACCEPTED);
    }
  });
});

describe.runIf(ENFORCER === 'kube-network-policies')('ClusterNetworkPolicy live (only kube-network-policies enforces it on the test cluster)', () => {
  useNamespace(NS, ['client', 'server', 'intruder', 'bystander'].map(workload).join('---\n'));
  beforeAll(async () => {
    await kubectl(['apply', '-f', '-'], OBJECTS);
    await kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'kk-e2e=workload', '-n', NS, '--timeout=120s']);
  }, 240_000);
  afterAll(async () => {
    await kubectl(['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', '-f', '-'], OBJECTS);
  }, 240_000);

  const scenario = () =>
    writeScenario(
      'cluster-network-policy',
      `  actors:
    client: {namespace: ${NS}, labels: {app: client}, listen: [8080]}
    server: {namespace: ${NS}, labels: {app: server}, listen: [8080]}
    intruder: {namespace: ${NS}, labels: {app: intruder}}
    bystander: {namespace: ${NS}, labels: {app: bystander}}
  checks:
${CELLS.map((cell) => `    - {name: ${cell.name}, from: ${cell.from}, to: ${cell.to}:8080, expect: policy}`).join('\n')}
    - {name: baseline-dns-tcp, from: bystander, to: {pods: {namespace: kube-system, matchLabels: {k8s-app: kube-dns}}, port: 53, select: each}, expect: policy}
    - {name: baseline-dns-udp, from: bystander, dns: kubernetes.default.svc.cluster.local., expect: allow}
`,
      'timeoutSeconds: 2, attempts: 4, settleSeconds: 3',
    );

  it('expect: policy passes live; predict --from-cluster gives the verdicts the network gave', async () => {
    const run = await kubeknock(['run', scenario(), '-o', 'json']);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    const named = (name: string): CheckResult[] => report.checks.filter((check) => check.name === name || check.name.startsWith(`${name} `) || check.name.startsWith(`${name}[`));
    expect(report.checks.every((check) => check.status === 'pass'), report.checks.map((c) => `${c.name} ${c.status} ${c.expect} ${observedOf(c)}`).join('; ')).toBe(true);

    const [matrix8080, matrix53] = await Promise.all(
      ['8080', '53'].map(async (port) => {
        const predict = await kubeknock(['predict', '--from-cluster', '--port', port, '-o', 'json']);
        expect(predict.code, predict.stderr).toBe(0);
        return (JSON.parse(predict.stdout) as { results: { from: string; to: string; verdict: string }[] }).results;
      }),
    );
    for (const cell of CELLS) {
      const [check] = named(cell.name);
      expect(check, cell.name).toMatchObject({ expectSource: 'policy', expect: cell.verdict, observed: cell.verdict, status: 'pass' });
      expect(check?.explanation).toContain(cell.decided);
      // kube-network-policies drops what it denies.
      if (cell.verdict === 'deny') expect(outcomeOf(check), cell.name).toBe('timeout');
      const predicted = matrix8080?.find((row) => row.from === `${NS}/wl-${cell.from}` && row.to === `${NS}/wl-${cell.to}`);
      expect(predicted?.verdict, `predict --from-cluster ${cell.from} → ${cell.to}:8080`).toBe(observedOf(check));
    }

    const dnsTcp = named('baseline-dns-tcp');
    expect(dnsTcp.length, 'one check per DNS pod').toBeGreaterThan(0);
    for (const check of dnsTcp) {
      expect(check).toMatchObject({ expectSource: 'policy', expect: 'allow', observed: 'allow', status: 'pass' });
      expect(check.explanation).toContain(DNS_ACCEPTED);
      // `pod/kube-system/coredns-…:53`: the DNS pod this check knocked on.
      const pod = /^pod\/(kube-system\/[^:]+):53/.exec(check.to)?.[1];
      const predicted = matrix53?.find((row) => row.from === `${NS}/wl-bystander` && row.to === pod);
      expect(predicted?.verdict, `predict --from-cluster bystander → ${check.to}`).toBe(observedOf(check));
    }
    expect(named('baseline-dns-udp')).toMatchObject([{ expect: 'allow', observed: 'allow', status: 'pass' }]);
    expect(await managedPods()).toEqual([]);
  });
});
