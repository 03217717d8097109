/**
 * The runner end to end over a simulated API (FakeCluster) with the real BusyBox doing the probing on
 * loopback: pods, one exec per pod, retries bounded by attempts, and teardown on every path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, RUN_ID_LABEL } from '../../src/model/labels.js';
import type { RunReport } from '../../src/model/report.js';
import type { Scenario } from '../../src/model/scenario.js';
import { systemClock } from '../../src/probe/clock.js';
import { preflight } from '../../src/probe/preflight.js';
import { runScenario, type RunOptions } from '../../src/probe/runner.js';
import { batchBudgetMs } from '../../src/probe/run-limits.js';
import { parseScenario } from '../../src/scenario/load.js';
import { exitCodeOf } from '../../src/app/run.js';
import type { ExpectationResolver, PolicyJudgement, ProbePod } from '../../src/probe/expectations.js';
import type { PlannedProbe } from '../../src/probe/plan.js';
import { FakeCluster, type FakeClusterOptions } from '../support/fake-cluster.js';
import { observedOf, outcomeOf } from '../support/outcome.js';

let cluster: FakeCluster | undefined;
afterEach(() => cluster?.dispose());

function scenario(checks: string, defaults = ''): Scenario {
  const result = parseScenario(
    'runner.yaml',
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: runner}
spec:
  defaults: {timeoutSeconds: 1, attempts: 3, retryDelaySeconds: 0, settleSeconds: 0${defaults}}
  actors:
    backend: {namespace: prod, labels: {app: backend}}
    frontend: {namespace: prod, labels: {app: frontend}}
    postgres: {namespace: prod, labels: {app: postgres}, listen: [5432]}
    web: {namespace: prod, labels: {app: web}, listen: [8080, 8081]}
  checks:
${checks}`,
  );
  if (!result.ok) throw new Error(`test scenario invalid: ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

async function run(s: Scenario, options: FakeClusterOptions = {}, extra: Partial<RunOptions> = {}): Promise<{ report: RunReport; fake: FakeCluster }> {
  const fake = new FakeCluster({ namespaces: ['prod'], ...options });
  cluster = fake;
  const steps: string[] = [];
  const facts = await preflight(s, fake);
  const report = await runScenario(s, fake, {
    runId: 'test1234',
    clusterDomain: 'cluster.local',
    keep: false,
    progress: { step: (t) => steps.push(t), update: () => undefined, failed: () => undefined },
    clock: systemClock,
    toolVersion: '0.0.0-test',
    facts,
    ...extra,
  });
  return { report, fake };
}

describe('runScenario', () => {
  it('creates one labelled pod per actor, runs all probes of a pod in one exec, passes, and deletes every pod', async () => {
    const s = scenario(`    - {from: [backend, frontend], to: [postgres:5432, web:8080], expect: allow}
    - {from: backend, to: web:8081, kind: http, expect: allow}
`);
    const { report, fake } = await run(s);
    expect(report.checks.map((c) => `${c.from}→${c.to}:${c.status}:${outcomeOf(c)?.class}`)).toEqual([
      'backend→postgres:5432:pass:connected',
      'backend→web:8080:pass:connected',
      'frontend→postgres:5432:pass:connected',
      'frontend→web:8080:pass:connected',
      'backend→web:8081:pass:http-status',
    ]);
    expect(report.summary).toEqual({ total: 5, passed: 5, failed: 0, skipped: 0 });
    expect(fake.created).toHaveLength(4);
    for (const manifest of fake.created) {
      expect(manifest.metadata.labels[MANAGED_BY_LABEL]).toBe('kubeknock');
      expect(manifest.metadata.labels[RUN_ID_LABEL]).toBe('test1234');
    }
    expect(fake.stats().execs, 'one exec per source pod, not per check').toBe(2);
    expect(fake.pods.size, 'every probe pod deleted').toBe(0);
    expect(report.busyboxVersion).toMatch(/^BusyBox v1\.\d+\.\d+/);
    // Measured from the run's start to the pods running: within the run, not a clock reading or a sum.
    expect(report.podStartMs).toBeGreaterThanOrEqual(0);
    expect(report.podStartMs, 'pod start is part of the run').toBeLessThanOrEqual(report.durationMs);
    expect((report.podStartMs ?? 0) + (report.probeMs ?? 0), 'pod start and probes follow each other within the run').toBeLessThanOrEqual(report.durationMs);
    expect(exitCodeOf(report)).toBe(0);
  });

  it('gives each exec the batch budget the audit deadline counts with: slowest probe + grace', async () => {
    const s = scenario('    - {from: backend, to: postgres:5432, expect: allow}\n    - {from: backend, to: web:8080, expect: allow, timeoutSeconds: 3}\n');
    const { fake } = await run(s);
    expect(fake.execTimeoutsMs, 'one exec, budget of its slowest probe (3 s): (3 + 2 + 1) s in the pod + 15 s').toEqual([batchBudgetMs([{ timeoutSeconds: 3 }])]);
    expect(batchBudgetMs([{ timeoutSeconds: 3 }])).toBe(21_000);
  });

  it('retries only checks whose result differs from the expectation, up to their attempts, and reports each attempt', async () => {
    const s = scenario(`    - {from: backend, to: postgres:5432, expect: deny, attempts: 3}
    - {from: backend, to: web:8080, expect: allow}
`);
    const { report, fake } = await run(s);
    const [wrong, right] = report.checks;
    expect(wrong?.status).toBe('fail');
    expect(wrong?.attempts.map((a) => a.observed)).toEqual(['allow', 'allow', 'allow']);
    expect(wrong?.message).toMatch(/expected deny, observed allow \(connected: .*\) after 3 attempts/);
    expect(right?.status).toBe('pass');
    expect(right?.attempts).toHaveLength(1);
    expect(fake.stats().execs, 'round 1 plus two retry rounds with only the failing probe').toBe(3);
    expect(fake.execScripts.slice(1).every((script) => !script.includes(' 8080')), 'passing probe is not re-run').toBe(true);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('judges "refused" as deny by default, and as a failure when denyOutcomes is [timeout]', async () => {
    // backend does not listen: nothing there, so the kernel answers RST ("refused").
    const lenient = await run(scenario('    - {from: frontend, to: {host: 127.0.0.1, port: 1}, expect: deny}\n'));
    expect(lenient.report.checks[0]).toMatchObject({ status: 'pass', observed: 'deny', outcome: { class: 'refused' } });
    cluster?.dispose();
    const strict = await run(scenario('    - {from: frontend, to: {host: 127.0.0.1, port: 1}, expect: deny, attempts: 1}\n', ', denyOutcomes: [timeout]'));
    expect(strict.report.checks[0]).toMatchObject({ status: 'fail', observed: 'error', outcome: { class: 'refused' } });
  });

  it('turns a pod deleted mid-run into exec-errors that never pass, and still finishes', async () => {
    const s = scenario('    - {from: backend, to: postgres:5432, expect: deny, attempts: 2}\n');
    const { report } = await run(s, {
      onExec: (pod, fake) => {
        if (pod.name.startsWith('kubeknock-backend-')) fake.removePod(pod);
      },
    });
    expect(report.checks[0]?.status).toBe('fail');
    expect(report.checks[0]?.attempts.map((a) => a.outcome.class)).toEqual(['exec-error', 'exec-error']);
    expect(report.checks[0] && observedOf(report.checks[0])).toBe('error');
  });

  it("a pod with no writable /tmp: the batch script's own reason reaches the check result, never a pass", async () => {
    const s = scenario('    - {from: backend, to: postgres:5432, expect: allow, attempts: 1}\n');
    const { report } = await run(s, { readOnlyTmp: true });
    const [check] = report.checks;
    expect(check?.status, 'an exec-error is never a pass').toBe('fail');
    const reason = 'cannot create a temporary directory under /tmp';
    expect(check && outcomeOf(check), 'the outcome names what the script said').toMatchObject({ class: 'exec-error', detail: expect.stringContaining(reason) });
    expect(check?.message, 'the one-line message carries it too').toContain(`the probe script failed (exit 70): ${reason} in prod/kubeknock-backend-`);
    expect(check?.attempts[0]?.output, "mktemp's own complaint is kept as the attempt's output").toMatch(/mktemp/);
  });

  it('an exec that throws in a retry round keeps every attempt made so far, records the error, and still tears down', async () => {
    const s = scenario('    - {from: backend, to: postgres:5432, expect: allow}\n    - {from: frontend, to: web:8080, expect: deny, attempts: 2}\n');
    let execs = 0;
    const { report, fake } = await run(s, {
      onExec: () => {
        execs += 1;
        if (execs === 3) throw new Error('the API server went away mid-round');
      },
    });
    expect(report.checks.map((c) => [c.from, c.status, c.attempts.length]), 'round 1 results kept: the pass, and the failed first try').toEqual([
      ['backend', 'pass', 1],
      ['frontend', 'fail', 1],
    ]);
    expect(report.errors).toEqual([{ kind: 'run', message: 'the API server went away mid-round' }]);
    expect(fake.pods.size, 'every probe pod deleted').toBe(0);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('fails fast when a pod cannot start: error recorded, checks skipped, pods deleted, exit 2', async () => {
    const { report, fake } = await run(scenario('    - {from: backend, to: postgres:5432, expect: allow}\n'), { failStart: 'ErrImagePull' });
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'pod-start', message: expect.stringContaining('ErrImagePull') })]);
    expect(report.checks[0]).toMatchObject({ status: 'skipped', message: 'probe pods could not start' });
    expect(fake.pods.size).toBe(0);
    expect(fake.stats().execs).toBe(0);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('deletes a pod whose create answer was lost (found by its run-id label), and reports the create failure', async () => {
    const { report, fake } = await run(scenario('    - {from: backend, to: postgres:5432, expect: allow}\n'), { loseCreateAnswerFor: 'postgres' });
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'pod-create', message: expect.stringContaining('socket hang up') })]);
    expect(fake.created.map((m) => m.metadata.generateName)).toContain('kubeknock-postgres-');
    expect(fake.pods.size, 'the unconfirmed pod is gone too').toBe(0);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('reports a cleanup failure as an error (exit 2) even when every check passed', async () => {
    const { report } = await run(scenario('    - {from: backend, to: postgres:5432, expect: allow}\n'), { failDelete: true });
    expect(report.summary.passed).toBe(1);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'cleanup', message: expect.stringContaining('kubeknock cleanup --run-id test1234') })]);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('stops on abort: unfinished checks are skipped, the run is marked interrupted, pods are deleted', async () => {
    const controller = new AbortController();
    const s = scenario('    - {from: backend, to: postgres:5432, expect: allow}\n', '').checks;
    const withSettle = { ...scenario('    - {from: backend, to: postgres:5432, expect: allow}\n'), checks: s };
    const slow = { ...withSettle, defaults: { ...withSettle.defaults, settleSeconds: 30 } };
    setTimeout(() => controller.abort(new Error('interrupted by SIGTERM')), 300);
    const started = Date.now();
    const { report, fake } = await run(slow, {}, { signal: controller.signal });
    expect(Date.now() - started, 'abort cuts the 30 s settle short').toBeLessThan(10_000);
    expect(report.interrupted).toBe(true);
    expect(report.checks[0]).toMatchObject({ status: 'skipped', message: expect.stringContaining('interrupted') });
    expect(fake.pods.size).toBe(0);
    expect(exitCodeOf(report, controller.signal)).toBe(143);
  });

  it('leaves pods in place with keep, and says how to remove them', async () => {
    const s = scenario('    - {from: backend, to: postgres:5432, expect: allow}\n');
    const { fake } = await run(s, {}, { keep: true });
    expect(fake.pods.size).toBe(4);
  });
});

describe('runScenario with expect: policy', () => {
  /** A resolver that answers from a table keyed by `from→to`, and remembers what it was asked. */
  function fakeResolver(verdicts: Readonly<Record<string, PolicyJudgement>>): { resolver: ExpectationResolver; asked: { probes: PlannedProbe[]; pods: Map<string, ProbePod> }[] } {
    const asked: { probes: PlannedProbe[]; pods: Map<string, ProbePod> }[] = [];
    const resolver: ExpectationResolver = async (probes, pods) => {
      asked.push({ probes: [...probes], pods: new Map(pods) });
      const unknown: PolicyJudgement = { type: 'unjudged', reason: 'not in the test table' };
      return new Map(probes.map((p) => [p.id, verdicts[`${p.check.from}→${p.toLabel}`] ?? unknown]));
    };
    return { resolver, asked };
  }

  const explanation = (verdict: string): string => `prod/x → prod/y TCP/5432: ${verdict}\n  ingress of prod/y: ${verdict}`;

  it('judges against the derived expectation, and a mismatch carries the explanation', async () => {
    const s = scenario(`    - {from: backend, to: postgres:5432, expect: policy}
    - {from: frontend, to: postgres:5432, expect: policy, attempts: 2}
    - {from: backend, to: web:8080, expect: allow}
`);
    const { resolver, asked } = fakeResolver({
      'backend→postgres:5432': { type: 'judged', expect: 'allow', explanation: explanation('ALLOW') },
      // The fake network enforces nothing, like Flannel: the connection succeeds although policy says deny.
      'frontend→postgres:5432': { type: 'judged', expect: 'deny', explanation: explanation('DENY') },
    });
    const { report } = await run(s, {}, { resolveExpectations: resolver });

    expect(asked, 'the resolver is asked once').toHaveLength(1);
    expect(asked[0]?.probes.map((p) => p.id), 'only the probes of expect: policy checks').toEqual(['c1', 'c2']);
    const postgres = asked[0]?.pods.get('postgres');
    expect(postgres?.labels, 'the labels the probe pod was created with').toMatchObject({ app: 'postgres', [MANAGED_BY_LABEL]: 'kubeknock', [RUN_ID_LABEL]: 'test1234' });
    expect(postgres?.containerPorts).toEqual([{ port: 5432, protocol: 'TCP' }]);
    expect(postgres?.ip).toMatch(/^127\.\d+\.\d+\.\d+$/);

    const [met, broken, declared] = report.checks;
    expect(met).toMatchObject({ status: 'pass', expect: 'allow', expectSource: 'policy', explanation: explanation('ALLOW') });
    expect(broken).toMatchObject({ status: 'fail', expect: 'deny', expectSource: 'policy', observed: 'allow', explanation: explanation('DENY') });
    expect(broken?.message).toMatch(/^expected deny \(from policy\), observed allow \(connected/);
    expect(broken?.attempts, 'retried like any check whose result differs').toHaveLength(2);
    expect(declared).toMatchObject({ status: 'pass', expect: 'allow', expectSource: 'scenario' });
    expect(declared?.explanation).toBeUndefined();
    expect(report.errors).toEqual([]);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('without a resolver: the policy checks are skipped with the reason, the others run, exit 2', async () => {
    const s = scenario(`    - {from: backend, to: postgres:5432, expect: policy}
    - {from: frontend, to: web:8080, expect: allow}
`);
    const { report, fake } = await run(s);
    expect(report.checks[0]).toMatchObject({ status: 'skipped', expect: 'policy', expectSource: 'policy', message: expect.stringContaining('no NetworkPolicy source was given') });
    expect(report.checks[0]?.attempts).toEqual([]);
    expect(report.checks[1]).toMatchObject({ status: 'pass', expectSource: 'scenario' });
    expect(report.errors).toEqual([{ kind: 'policy', message: expect.stringContaining('1 "expect: policy" check(s) not run') }]);
    expect(fake.execScripts.some((script) => script.includes(' 5432')), 'a check without an expectation is never probed').toBe(false);
    expect(fake.pods.size).toBe(0);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('a resolver that fails: every policy check skipped with its message, error kind policy, exit 2, nothing guessed', async () => {
    const s = scenario(`    - {from: [backend, frontend], to: postgres:5432, expect: policy}
`);
    const failing: ExpectationResolver = async () => {
      throw new Error('listing NetworkPolicies: 403 Forbidden');
    };
    const { report, fake } = await run(s, {}, { resolveExpectations: failing });
    expect(report.checks.map((c) => c.status)).toEqual(['skipped', 'skipped']);
    for (const check of report.checks) expect(check.message).toMatch(/deriving expectations from NetworkPolicies failed: listing NetworkPolicies: 403 Forbidden/);
    expect(report.errors).toEqual([{ kind: 'policy', message: expect.stringContaining('403 Forbidden') }]);
    expect(fake.stats().execs, 'nothing to probe: no exec at all').toBe(0);
    expect(fake.pods.size, 'pods still deleted').toBe(0);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('a probe the resolver cannot judge is skipped alone; the judged ones run', async () => {
    const s = scenario(`    - {from: [backend, frontend], to: postgres:5432, expect: policy}
`);
    const { resolver } = fakeResolver({ 'backend→postgres:5432': { type: 'judged', expect: 'allow', explanation: explanation('ALLOW') } });
    const { report } = await run(s, {}, { resolveExpectations: resolver });
    expect(report.checks.map((c) => `${c.from}:${c.status}`)).toEqual(['backend:pass', 'frontend:skipped']);
    expect(report.checks[1]?.message).toContain('not in the test table');
    expect(report.errors.map((e) => e.kind)).toEqual(['policy']);
    expect(exitCodeOf(report)).toBe(2);
  });
});

describe('runScenario with a family the cluster does not give', () => {
  it('stops with a run error naming the actor and saying the cluster is not dual-stack: no check fails, none runs, pods deleted', async () => {
    // The fake cluster's pods have IPv4 addresses only, as on a single-stack cluster.
    const { report, fake } = await run(scenario('    - {from: backend, to: postgres:5432, family: both, expect: allow}\n'));
    expect(report.errors).toEqual([
      {
        kind: 'run',
        message: expect.stringMatching(/^c1@ipv6 \(runner\.yaml:12\) asks for IPv6, but the probe pod of actor "postgres" \(prod\/kubeknock-postgres-\S+\) has no IPv6 address \(its addresses: 127\.[\d.]+\): the cluster is not dual-stack/),
      },
    ]);
    expect(report.checks.map((c) => [c.id, c.status, c.family])).toEqual([
      ['c1@ipv4', 'skipped', 'ipv4'],
      ['c1@ipv6', 'skipped', 'ipv6'],
    ]);
    expect(report.summary).toEqual({ total: 2, passed: 0, failed: 0, skipped: 2, byFamily: { ipv4: { total: 1, passed: 0, failed: 0, skipped: 1 }, ipv6: { total: 1, passed: 0, failed: 0, skipped: 1 } } });
    expect(fake.stats().execs).toBe(0);
    expect(fake.pods.size).toBe(0);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('records the family of every result of a run without one', async () => {
    const { report } = await run(scenario('    - {from: backend, to: postgres:5432, expect: allow}\n'));
    expect(report.checks.map((c) => [c.id, c.status, c.family])).toEqual([['c1', 'pass', 'ipv4']]);
    expect(report.summary.byFamily).toBeUndefined();
  });
});
