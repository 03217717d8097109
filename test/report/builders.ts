/**
 * In-memory RunReports for renderer tests: say what each check saw, get a consistent record (status
 * from expectation vs observation, summary from the checks, BusyBox-like output per outcome).
 */
import type { Expectation, Observed, Outcome, OutcomeClass } from '../../src/model/outcome.js';
import type { Attempt, CheckResult, FailedCheck, RunReport } from '../../src/model/report.js';
import type { CheckExpectation, CheckKind } from '../../src/model/scenario.js';

/** How the default classification maps a raw outcome to a judgement (the runner's rule, simplified). */
const OBSERVED: Readonly<Record<OutcomeClass, Observed>> = {
  connected: 'allow',
  'http-status': 'allow',
  resolved: 'allow',
  echoed: 'allow',
  'name-not-found': 'allow',
  refused: 'deny',
  timeout: 'deny',
  'no-route': 'deny',
  'dns-unreachable': 'deny',
  'exec-error': 'error',
};

/** What the genuine defconfig BusyBox prints (see KNOWLEDGE.md), so excerpts look like the real thing. */
const OUTPUT: Readonly<Record<OutcomeClass, { detail: string; output: string; exitCode: number | null }>> = {
  connected: { detail: 'open', output: '10.244.1.7 (10.244.1.7:5432) open', exitCode: 0 },
  'http-status': { detail: 'HTTP/1.1 404 Not Found', output: 'wget: server returned error: HTTP/1.1 404 Not Found', exitCode: 1 },
  resolved: { detail: 'answered with 1 address', output: 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1', exitCode: 0 },
  echoed: {
    detail: "** server can't find c4.kubeknock-client-x7k2q.kubeknock.: NXDOMAIN (kubeknock's responder answered, naming this probe's token)",
    output: "Server:\t\t10.244.1.9:5353\nAddress:\t10.244.1.9:5353\n\n** server can't find c4.kubeknock-client-x7k2q.kubeknock.: NXDOMAIN",
    exitCode: 1,
  },
  'name-not-found': { detail: 'NXDOMAIN', output: "** server can't find nope.example.: NXDOMAIN", exitCode: 1 },
  refused: { detail: 'Connection refused', output: 'nc: 10.244.1.7 (10.244.1.7:5432): Connection refused\nsent 0, rcvd 0', exitCode: 1 },
  timeout: {
    detail: 'Connection timed out',
    output: 'nc: 10.244.1.7 (10.244.1.7:5432): Connection timed out\nsent 0, rcvd 0\npunt!\nextra line 4\nextra line 5',
    exitCode: 1,
  },
  'no-route': { detail: 'No route to host', output: 'nc: 10.244.2.9 (10.244.2.9:80): No route to host\nsent 0, rcvd 0', exitCode: 1 },
  'dns-unreachable': { detail: 'no servers could be reached', output: ';; connection timed out; no servers could be reached', exitCode: 1 },
  'exec-error': { detail: 'exec stream closed without a status', output: '', exitCode: null },
};

export function outcome(cls: OutcomeClass): Outcome {
  const { detail } = OUTPUT[cls];
  switch (cls) {
    case 'http-status':
      return { class: cls, httpStatus: 404, detail };
    case 'resolved':
      return { class: cls, addresses: ['10.96.0.1'], detail };
    default:
      return { class: cls, detail };
  }
}

export function attempt(cls: OutcomeClass, overrides: Partial<Attempt> = {}): Attempt {
  const { output, exitCode } = OUTPUT[cls];
  return { outcome: outcome(cls), observed: OBSERVED[cls], exitCode, output, durationMs: cls === 'timeout' ? 2004 : 41, ...overrides };
}

export interface CheckSpec {
  readonly from: string;
  readonly to: string;
  readonly expect: Expectation;
  readonly kind?: CheckKind;
  /** The raw outcome of each attempt, in order; the last decides. Omit with `skipped`. */
  readonly saw?: readonly OutcomeClass[];
  /** Why the check never ran. */
  readonly skipped?: string;
  /** Fields to set as given; `expect: policy` only on a skipped check (a judged one has a verdict). */
  readonly overrides?: Partial<Omit<FailedCheck, 'status' | 'expect' | 'observed'>> & { readonly expect?: CheckExpectation };
}

export function check(spec: CheckSpec): CheckResult {
  const kind = spec.kind ?? 'tcp';
  const base = {
    id: `${spec.from}-${spec.to}-${kind}`,
    name: `${spec.from} to ${spec.to} (${kind})`,
    from: spec.from,
    to: spec.to,
    kind,
    family: 'ipv4' as const,
    expect: spec.expect,
  };
  const { outcome: outcomeOverride, expect: expectOverride, ...common } = spec.overrides ?? {};
  if (spec.skipped !== undefined || spec.saw === undefined || spec.saw.length === 0) {
    return { ...base, status: 'skipped', attempts: [], durationMs: 0, message: spec.skipped, ...common, ...(expectOverride ? { expect: expectOverride } : {}) };
  }
  if (expectOverride === 'policy') throw new Error(`check ${base.id}: a judged check needs an allow/deny expectation, not policy`);
  const port = /:(\d+)(?:\/udp)?$/.exec(spec.to)?.[1] ?? '80';
  const address = `10.244.1.7:${port}`;
  const attempts = spec.saw.map((cls) => attempt(cls));
  const last = attempts[attempts.length - 1] as Attempt;
  return {
    ...base,
    fromPod: `production/kk-${spec.from}-x7f2q`,
    address,
    status: last.observed === spec.expect ? 'pass' : 'fail',
    observed: last.observed,
    outcome: last.outcome,
    command: commandFor(kind, address),
    attempts,
    durationMs: attempts.reduce((sum, a) => sum + a.durationMs, 0),
    ...common,
    ...(outcomeOverride ? { outcome: outcomeOverride } : {}),
    ...(expectOverride ? { expect: expectOverride } : {}),
  };
}

function commandFor(kind: CheckKind, address: string): string {
  switch (kind) {
    case 'tcp':
      return `nc -z -vv -w 2 ${address.replace(':', ' ')}`;
    case 'http':
      return `wget -q -T 2 -O /dev/null http://${address}/`;
    case 'dns':
      return 'nslookup -type=a -timeout=2 -retry=1 kubernetes.default.svc.cluster.local.';
    case 'udp':
      return `nslookup -type=a -timeout=2 -retry=1 c4.kubeknock-client-x7k2q.kubeknock. ${address}`;
  }
}

export function report(checks: readonly CheckResult[], overrides: Partial<RunReport> = {}): RunReport {
  const count = (status: CheckResult['status']): number => checks.filter((c) => c.status === status).length;
  return {
    tool: { name: 'kubeknock', version: '0.1.0' },
    scenario: { name: 'postgres-lockdown', file: 'scenarios/postgres-lockdown.yaml' },
    runId: 'r7x2k',
    startedAt: '2026-11-26T07:00:00.000Z',
    finishedAt: '2026-11-26T07:00:12.345Z',
    durationMs: 12_345,
    podStartMs: 4_100,
    busyboxVersion: 'BusyBox v1.36.1 (2026-11-20 10:00:00 UTC) multi-call binary.',
    image: 'docker.io/library/busybox:1.36.1',
    cluster: { server: 'https://127.0.0.1:6443', context: 'kubeknock-test' },
    checks,
    summary: { total: checks.length, passed: count('pass'), failed: count('fail'), skipped: count('skipped') },
    errors: [],
    interrupted: false,
    stats: { execs: 3, apiRequests: 17 },
    ...overrides,
  };
}
