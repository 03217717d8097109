/**
 * `expect: policy` expectations from in-memory policy objects: the real decoder and engine, the
 * probe pods added as the runner describes them, and the planner's real probes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { policyExpectations } from '../../src/app/policy-expectations.js';
import { runCommand } from '../../src/app/run.js';
import type { RunReport } from '../../src/model/report.js';
import { systemClock } from '../../src/probe/clock.js';
import type { Scenario } from '../../src/model/scenario.js';
import type { RawObject } from '../../src/policy/index.js';
import { probePodsOf, type PolicyJudgement, type ProbePod } from '../../src/probe/expectations.js';
import { planProbes, selectorKey, type PlannedProbe } from '../../src/probe/plan.js';
import { parseScenario } from '../../src/scenario/load.js';
import { namespace, pod, policy } from '../policy/builders.js';
import { raw } from '../policy/model.js';
import { FakeCluster } from '../support/fake-cluster.js';

const SCENARIO = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: policy-expect}
spec:
  actors:
    client: {namespace: shop, labels: {app: client}}
    db: {namespace: shop, labels: {app: db}, listen: [{port: 5432, name: pg}]}
    web: {namespace: shop, labels: {app: web}, listen: [8080]}
  checks:
    - {from: client, to: db:5432, expect: policy}
    - {from: client, to: web:8080, kind: http, expect: policy}
    - {from: client, to: {pods: {namespace: shop, matchLabels: {app: worker}}, port: 7000}, expect: policy}
    - {from: client, to: {host: 203.0.113.10, port: 443}, expect: policy}
`;

function loadScenario(): Scenario {
  const result = parseScenario('policy-expect.yaml', SCENARIO);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.scenario;
}

/** The probe pods as the runner hands them over: created names, IPs, labels and named ports. */
const PODS = new Map<string, ProbePod>([
  ['client', { actor: 'client', namespace: 'shop', name: 'kubeknock-client-a1', ip: '10.0.0.11', ips: ['10.0.0.11'], labels: { app: 'client', 'app.kubernetes.io/managed-by': 'kubeknock' }, containerPorts: [] }],
  ['db', { actor: 'db', namespace: 'shop', name: 'kubeknock-db-a2', ip: '10.0.0.12', ips: ['10.0.0.12'], labels: { app: 'db', 'app.kubernetes.io/managed-by': 'kubeknock' }, containerPorts: [{ port: 5432, name: 'pg', protocol: 'TCP' }] }],
  ['web', { actor: 'web', namespace: 'shop', name: 'kubeknock-web-a3', ip: '10.0.0.13', ips: ['10.0.0.13'], labels: { app: 'web', 'app.kubernetes.io/managed-by': 'kubeknock' }, containerPorts: [{ port: 8080, protocol: 'TCP' }] }],
]);

const WORKER = { namespace: 'shop', name: 'worker-0', labels: { app: 'worker' }, ip: '10.0.0.50', deleting: false };
const BASE_OBJECTS = [namespace('shop'), pod('shop/worker-0', { labels: { app: 'worker' }, ip: '10.0.0.50', ports: [{ containerPort: 7000 }] })];

/** Verdicts by column, e.g. `{'db:5432': 'deny', …}`, with the explanations kept for assertions. */
async function judge(objects: readonly unknown[], options: { worker?: boolean; pods?: ReadonlyMap<string, ProbePod> } = {}): Promise<Record<string, PolicyJudgement>> {
  const scenario = loadScenario();
  const pods = options.pods ?? PODS;
  const facts = { services: new Map(), selectedPods: new Map([[selectorKey('shop', { matchLabels: { app: 'worker' } }), options.worker === false ? [] : [WORKER]]]) };
  const probes = [...planProbes(scenario, pods, facts, { clusterDomain: 'cluster.local' }).values()].flat();
  const resolver = policyExpectations(async () => raw(objects, 'cluster'));
  const answers = await resolver(probes, pods);
  return Object.fromEntries(probes.map((p) => [p.toLabel, answers.get(p.id) ?? { type: 'unjudged', reason: 'missing' }]));
}

function verdicts(answers: Record<string, PolicyJudgement>): Record<string, string> {
  return Object.fromEntries(Object.entries(answers).map(([label, a]) => [label, a.type === 'judged' ? a.expect : `unjudged: ${a.reason}`]));
}

describe('policyExpectations', () => {
  it('no policy: every connection is allowed, and the explanation says nothing isolates either end', async () => {
    const answers = await judge(BASE_OBJECTS);
    expect(verdicts(answers)).toEqual({ 'db:5432': 'allow', 'web:8080': 'allow', 'pod/shop/worker-0:7000': 'allow', '203.0.113.10:443': 'allow' });
    const db = answers['db:5432'];
    expect(db?.type === 'judged' && db.explanation).toContain('shop/kubeknock-client-a1 → shop/kubeknock-db-a2 TCP/5432: ALLOW');
    expect(db?.type === 'judged' && db.explanation).toContain('not isolated');
  });

  it('a cell only an ipBlock decides, for a pod whose IP is unknown, is left unjudged (never a guessed deny)', async () => {
    const egress = policy('shop/client-egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    expect(verdicts(await judge([...BASE_OBJECTS, egress]))['db:5432'], 'the db probe pod has 10.0.0.12').toBe('allow');
    const db = PODS.get('db');
    if (!db) throw new Error('no db probe pod');
    const withoutIp = new Map([...PODS, ['db', { ...db, ip: '', ips: [] }]]);
    expect(verdicts(await judge([...BASE_OBJECTS, egress], { pods: withoutIp }))['db:5432']).toMatch(/^unjudged: the policies cannot say offline \(an unknown pod IP, DNS or node addresses\): .*UNKNOWN/s);
  });

  it('a deny-all ingress policy on the target: deny, with the policy named in the explanation', async () => {
    const denyDb = policy('shop/deny-db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] });
    const answers = await judge([...BASE_OBJECTS, denyDb]);
    expect(verdicts(answers)).toMatchObject({ 'db:5432': 'deny', 'web:8080': 'allow' });
    const db = answers['db:5432'];
    expect(db?.type === 'judged' && db.explanation).toMatch(/TCP\/5432: DENY\n[\s\S]*isolated by shop\/deny-db/);
    expect(db?.type === 'judged' && db.explanation, 'plain text, no colour codes').not.toMatch(/\u001b/);
  });

  it('resolves a named port on the probe pod that listens on it (the destination)', async () => {
    const byName = (port: string) =>
      policy('shop/db-from-client', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port }] }],
      });
    expect(verdicts(await judge([...BASE_OBJECTS, byName('pg')]))['db:5432']).toBe('allow');
    expect(verdicts(await judge([...BASE_OBJECTS, byName('metrics')]))['db:5432']).toBe('deny');
  });

  it('judges the selected pod of a pods target by its IP, and an IP host through the egress ipBlock', async () => {
    const egress = policy('shop/client-egress', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'worker' } } }, { ipBlock: { cidr: '198.51.100.0/24' } }] }],
    });
    const answers = await judge([...BASE_OBJECTS, egress]);
    expect(verdicts(answers)).toEqual({ 'db:5432': 'deny', 'web:8080': 'deny', 'pod/shop/worker-0:7000': 'allow', '203.0.113.10:443': 'deny' });
    const worker = answers['pod/shop/worker-0:7000'];
    expect(worker?.type === 'judged' && worker.explanation).toContain('→ shop/worker-0 TCP/7000: ALLOW');
  });

  it('does not judge a pods target whose pod is not among the objects read (an outside address would be a guess)', async () => {
    const answers = await judge([namespace('shop')]);
    expect(verdicts(answers)['pod/shop/worker-0:7000']).toMatch(/^unjudged: pod\/shop\/worker-0:7000: no running pod with IP 10\.0\.0\.50/);
    expect(verdicts(answers)['db:5432']).toBe('allow');
  });

  it('judges a selected hostNetwork pod as what it is: no policy selects it', async () => {
    const objects = [namespace('shop'), pod('shop/worker-0', { labels: { app: 'worker' }, ip: '10.0.0.50', hostNetwork: true })];
    const denyAll = policy('shop/deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    const answers = await judge([...objects, denyAll]);
    expect(verdicts(answers)).toMatchObject({ 'pod/shop/worker-0:7000': 'allow', 'db:5432': 'deny' });
    const worker = answers['pod/shop/worker-0:7000'];
    expect(worker?.type === 'judged' && worker.explanation).toContain('ingress of shop/worker-0: allow: a hostNetwork pod, which no NetworkPolicy selects');
  });

  it('fails as a whole when the objects cannot be read or decoded', async () => {
    const scenario = loadScenario();
    const probes = [...planProbes(scenario, PODS, { services: new Map(), selectedPods: new Map() }, { clusterDomain: 'cluster.local' }).values()].flat();
    const forbidden = policyExpectations(async () => {
      throw new Error('listing NetworkPolicies: 403 Forbidden');
    });
    await expect(forbidden(probes, PODS)).rejects.toThrow(/^reading Namespaces, Pods and NetworkPolicies: listing NetworkPolicies: 403 Forbidden/);

    const broken: RawObject[] = raw([namespace('shop'), policy('shop/bad', { podSelector: {}, egress: [{ to: {} }] })], 'cluster:NetworkPolicy/shop/bad');
    await expect(policyExpectations(async () => broken)(probes, PODS)).rejects.toThrow(/could not be read as policies \(1 problem\(s\)\): cluster:NetworkPolicy\/shop\/bad: spec\.egress\[0\]\.to: must be a list/);
  });
});

describe('runCommand with expect: policy (FakeCluster: a network that enforces nothing, like Flannel)', () => {
  let fake: FakeCluster | undefined;
  afterEach(() => fake?.dispose());

  async function runFile(checks: string, readPolicyObjects?: () => Promise<RawObject[]>): Promise<{ report: RunReport; exitCode: number; reads: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'kk-policy-run-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'audit.yaml');
    writeFileSync(
      file,
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: audit}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0}
  actors:
    client: {namespace: shop, labels: {app: client}}
    db: {namespace: shop, labels: {app: db}, listen: [5432]}
  checks:
${checks}`,
    );
    const cluster = new FakeCluster({ namespaces: ['shop'] });
    fake = cluster;
    let reads = 0;
    const counted =
      readPolicyObjects &&
      (() => {
        reads += 1;
        return readPolicyObjects();
      });
    const quiet = { step: () => undefined, update: () => undefined, failed: () => undefined, finish: () => undefined };
    const { reports, exitCode } = await runCommand(
      { files: [file], overrides: {}, output: 'json', reportFormat: 'json', keep: false, clusterDomain: 'cluster.local', color: false },
      { connect: () => cluster, progress: quiet, clock: systemClock, write: () => undefined, toolVersion: '0.0.0-test', ...(counted ? { readPolicyObjects: counted } : {}) },
    );
    expect(reports).toHaveLength(1);
    const [report] = reports;
    if (!report) throw new Error('no report');
    return { report, exitCode, reads };
  }

  const denyDb = policy('shop/deny-db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] });

  it('the policies say deny, the network connects: the check fails with the explanation, exit 1', async () => {
    const { report, exitCode, reads } = await runFile('    - {from: client, to: db:5432, expect: policy}\n', async () => raw([namespace('shop'), denyDb], 'cluster'));
    expect(reads, 'policies read once').toBe(1);
    expect(report.checks[0]).toMatchObject({ status: 'fail', expect: 'deny', expectSource: 'policy', observed: 'allow', outcome: { class: 'connected' } });
    expect(report.checks[0]?.explanation).toMatch(/^shop\/kubeknock-client-\w+ → shop\/kubeknock-db-\w+ TCP\/5432: DENY\n[\s\S]*isolated by shop\/deny-db/);
    expect(exitCode).toBe(1);
  });

  it('reads no policies when no check says expect: policy', async () => {
    const { report, exitCode, reads } = await runFile('    - {from: client, to: db:5432, expect: allow}\n', async () => raw([namespace('shop'), denyDb], 'cluster'));
    expect(reads).toBe(0);
    expect(report.checks[0]).toMatchObject({ status: 'pass', expectSource: 'scenario' });
    expect(exitCode).toBe(0);
  });

  it('policies that cannot be read: the check is skipped, the run errs (kind policy), exit 2', async () => {
    const { report, exitCode } = await runFile('    - {from: client, to: db:5432, expect: policy}\n', async () => {
      throw new Error('networkpolicies.networking.k8s.io is forbidden: cannot list resource "networkpolicies" at the cluster scope');
    });
    expect(report.checks[0]).toMatchObject({ status: 'skipped', expect: 'policy', message: expect.stringContaining('cannot list resource "networkpolicies"') });
    expect(report.errors.map((e) => e.kind)).toEqual(['policy']);
    expect(exitCode).toBe(2);
  });
});

describe('policyExpectations for udp checks', () => {
  const UDP_SCENARIO = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: policy-expect-udp}
spec:
  actors:
    client: {namespace: shop, labels: {app: client}}
    cache: {namespace: shop, labels: {app: cache}, listen: [{port: 5353, name: dns-tcp}, {port: 5353, protocol: UDP, name: dns-alt}]}
  checks:
    - {from: client, to: cache:5353, kind: udp, expect: policy}
    - {from: client, to: cache:5353, expect: policy}
`;

  /** The probe pods as probePodsOf describes them, from the scenario's listen ports. */
  function udpProbes(): { probes: PlannedProbe[]; pods: Map<string, ProbePod> } {
    const result = parseScenario('policy-expect-udp.yaml', UDP_SCENARIO);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const running = new Map([
      ['client', { namespace: 'shop', name: 'kubeknock-client-u1', ip: '10.0.0.21', ips: ['10.0.0.21'] }],
      ['cache', { namespace: 'shop', name: 'kubeknock-cache-u2', ip: '10.0.0.22', ips: ['10.0.0.22'] }],
    ]);
    const created = [
      { actor: 'client', labels: { app: 'client' } },
      { actor: 'cache', labels: { app: 'cache' } },
    ];
    const pods = probePodsOf(result.scenario.actors, created, running);
    const probes = [...planProbes(result.scenario, running, { services: new Map(), selectedPods: new Map() }, { clusterDomain: 'cluster.local' }).values()].flat();
    return { probes, pods };
  }

  async function udpVerdicts(objects: readonly unknown[]): Promise<Record<string, PolicyJudgement>> {
    const { probes, pods } = udpProbes();
    const answers = await policyExpectations(async () => raw(objects, 'cluster'))(probes, pods);
    return Object.fromEntries(probes.map((p) => [p.toLabel, answers.get(p.id) ?? { type: 'unjudged', reason: 'missing' }]));
  }

  const allowFromClient = (port: number | string, protocol?: string) =>
    policy('shop/cache-from-client', {
      podSelector: { matchLabels: { app: 'cache' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port, ...(protocol ? { protocol } : {}) }] }],
    });

  it('declares the probe pod ports with their protocol', () => {
    expect(udpProbes().pods.get('cache')?.containerPorts).toEqual([
      { port: 5353, protocol: 'TCP', name: 'dns-tcp' },
      { port: 5353, protocol: 'UDP', name: 'dns-alt' },
    ]);
  });

  it('asks the engine about UDP for a udp check: a UDP rule opens it, and not the TCP port of the same number', async () => {
    const answers = await udpVerdicts([namespace('shop'), allowFromClient(5353, 'UDP')]);
    expect(verdicts(answers)).toEqual({ 'cache:5353/udp': 'allow', 'cache:5353': 'deny' });
    const udp = answers['cache:5353/udp'];
    expect(udp?.type === 'judged' && udp.explanation).toContain('shop/kubeknock-client-u1 → shop/kubeknock-cache-u2 UDP/5353: ALLOW');
  });

  it('a rule without protocol is TCP, and leaves UDP denied', async () => {
    expect(verdicts(await udpVerdicts([namespace('shop'), allowFromClient(5353)]))).toEqual({ 'cache:5353/udp': 'deny', 'cache:5353': 'allow' });
  });

  it('resolves a named UDP port by name and protocol on the destination probe pod', async () => {
    expect(verdicts(await udpVerdicts([namespace('shop'), allowFromClient('dns-alt', 'UDP')]))).toEqual({ 'cache:5353/udp': 'allow', 'cache:5353': 'deny' });
    // The TCP port's name does not open the UDP port, even with the same number.
    expect(verdicts(await udpVerdicts([namespace('shop'), allowFromClient('dns-tcp', 'UDP')]))['cache:5353/udp']).toBe('deny');
  });
});

describe('policyExpectations per address family', () => {
  const yaml = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: family-expect}
spec:
  actors:
    client: {namespace: shop, labels: {app: client}}
    db: {namespace: shop, labels: {app: db}, listen: [5432]}
  checks:
    - {from: client, to: db:5432, family: both, expect: policy}
    - {from: client, to: {host: "fd00:beef::10", port: 443}, family: ipv6, expect: policy}
`;
  const dual = new Map<string, ProbePod>([
    ['client', { actor: 'client', namespace: 'shop', name: 'kubeknock-client-d1', ip: '10.0.0.11', ips: ['10.0.0.11', 'fd00:10:244:1::11'], labels: { app: 'client' }, containerPorts: [] }],
    ['db', { actor: 'db', namespace: 'shop', name: 'kubeknock-db-d2', ip: '10.0.0.12', ips: ['10.0.0.12', 'fd00:10:244:2::12'], labels: { app: 'db' }, containerPorts: [{ port: 5432, protocol: 'TCP' }] }],
  ]);

  it("judges each family's probe by the probe pod's address of that family (ipBlock per family)", async () => {
    const parsed = parseScenario('family-expect.yaml', yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    // db admits the clients' IPv4 subnet only; client may send to fd00:beef::/32 only (and to db).
    const objects = [
      namespace('shop'),
      policy('shop/db-v4-only', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] }),
      policy('shop/client-out', {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }, { to: [{ ipBlock: { cidr: 'fd00:beef::/32' } }] }],
      }),
    ];
    const probes = [...planProbes(parsed.scenario, dual, { services: new Map(), selectedPods: new Map() }, { clusterDomain: 'cluster.local' }).values()].flat();
    const answers = await policyExpectations(async () => raw(objects, 'cluster'))(probes, dual);
    expect(probes.map((p) => [p.id, p.family, answers.get(p.id)?.type === 'judged' ? (answers.get(p.id) as { expect: string }).expect : 'unjudged'])).toEqual([
      ['c1@ipv4', 'ipv4', 'allow'],
      ['c1@ipv6', 'ipv6', 'deny'],
      ['c2', 'ipv6', 'allow'],
    ]);
  });
});
