/** The runs every renderer is tested against, named after what they exercise. */
import type { RunReport } from '../../src/model/report.js';
import { check, report } from './builders.js';

export const allPass = report([
  check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'] }),
  check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['timeout'] }),
  check({ from: 'backend', to: 'dns:kubernetes.default', kind: 'dns', expect: 'allow', saw: ['resolved'] }),
]);

export const mixed = report([
  check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['refused', 'refused', 'refused'] }),
  check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['connected', 'connected', 'timeout'] }),
  check({ from: 'frontend', to: 'api:80', expect: 'deny', saw: ['connected', 'connected', 'connected'] }),
  check({ from: 'backend', to: 'api:80', expect: 'allow', saw: ['no-route'], overrides: { address: '10.244.2.9:80' } }),
  check({ from: 'monitoring', to: 'api:80', expect: 'allow', saw: ['exec-error'], overrides: { message: 'exec into production/kk-monitoring-x7f2q: socket closed' } }),
  check({ from: 'monitoring', to: 'postgres:5432', expect: 'deny', saw: ['timeout'] }),
]);

export const interrupted = report(
  [
    check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'] }),
    check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', skipped: 'interrupted by SIGINT before this check ran' }),
    check({ from: 'frontend', to: 'api:80', expect: 'allow', kind: 'http' }),
  ],
  {
    interrupted: true,
    errors: [{ kind: 'cleanup', message: 'deleting probe pod production/kk-frontend-x7f2q: 403 Forbidden' }],
    durationMs: 3_020,
    podStartMs: undefined,
    stats: { execs: 1, apiRequests: 9 },
  },
);

export const severalKindsInOneCell = report([
  check({ from: 'frontend', to: 'api:80', kind: 'tcp', expect: 'allow', saw: ['connected'] }),
  check({ from: 'frontend', to: 'api:80', kind: 'http', expect: 'allow', saw: ['http-status'], overrides: { id: 'frontend-api-http-root' } }),
  check({ from: 'frontend', to: 'api:80', kind: 'http', expect: 'deny', saw: ['http-status', 'http-status'] }),
  check({ from: 'frontend', to: 'dns:kubernetes.default', kind: 'dns', expect: 'allow', saw: ['dns-unreachable', 'dns-unreachable'] }),
  check({ from: 'backend', to: 'postgres:5432', kind: 'tcp', expect: 'deny', saw: ['timeout'] }),
]);

const NASTY = `a<b>&"c'|*_\`#\\ \u0001\u001b[31mred\u0007`;

export const needsEscaping = report(
  [
    check({
      from: 'back<end>',
      to: 'svc/"prod"/api&co:80',
      expect: 'deny',
      saw: ['connected'],
      overrides: {
        name: `name ${NASTY}`,
        command: `nc -z -w 2 'api' 80 # ${NASTY}`,
        attempts: [
          {
            outcome: { class: 'connected', detail: `detail ${NASTY}` },
            observed: 'allow',
            exitCode: 0,
            output: `line1 ${NASTY}\nline2 ]]> \uFFFE \ud800 end\n\`\`\`\nline4`,
            durationMs: 12,
          },
        ],
        outcome: { class: 'connected', detail: `detail ${NASTY}` },
      },
    }),
    check({ from: 'ops', to: 'x#y', expect: 'allow', skipped: `reason # with ${NASTY}` }),
  ],
  { scenario: { name: 'weird.name <x>', file: 'scenarios/we|rd.yaml' }, errors: [{ kind: 'pod-start', message: `pod failed: ${NASTY}` }] },
);

/** A run that stopped before any probe pod existed: nothing ran, nothing to show but the error. */
export const noPods = report([], {
  errors: [{ kind: 'pod-start', message: 'creating probe pod production/backend: namespaces "production" not found' }],
  busyboxVersion: undefined,
  podStartMs: undefined,
  durationMs: 310,
  stats: { execs: 0, apiRequests: 2 },
});

const DENY_EXPLANATION = `production/kk-frontend-x7f2q → production/kk-postgres-x7f2q TCP/5432: DENY
  egress  of production/kk-frontend-x7f2q: allow: no NetworkPolicy selects it for egress, so it is not isolated
  ingress of production/kk-postgres-x7f2q: DENY
    isolated by production/postgres-allow-backend; no ingress rule matched:
    - production/postgres-allow-backend spec.ingress[0]: port matched, peer did not (admits pods app=backend of namespace production)`;

const ALLOW_EXPLANATION = `production/kk-backend-x7f2q → production/kk-postgres-x7f2q TCP/5432: ALLOW
  egress  of production/kk-backend-x7f2q: allow: no NetworkPolicy selects it for egress, so it is not isolated
  ingress of production/kk-postgres-x7f2q: allow
    isolated by production/postgres-allow-backend
    allowed by production/postgres-allow-backend spec.ingress[0]: peer from[0], port ports[0] (TCP 5432)`;

/** `expect: policy`: one met, one contradicted by the network (a CNI that enforces nothing), one the policies could not answer. */
export const policyExpectations = report(
  [
    check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'], overrides: { expectSource: 'policy', explanation: ALLOW_EXPLANATION } }),
    check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['connected', 'connected', 'connected'], overrides: { expectSource: 'policy', explanation: DENY_EXPLANATION } }),
    check({
      from: 'frontend',
      to: 'pods/production/app=worker:7000',
      expect: 'deny',
      overrides: { expect: 'policy', expectSource: 'policy' },
      skipped: 'the expectation could not be derived from policy: pods/production/app=worker:7000: no running pod with IP 10.244.1.9 among the pods read from the cluster (replaced since the run started?)',
    }),
    check({ from: 'backend', to: 'dns:kubernetes.default', kind: 'dns', expect: 'allow', saw: ['resolved'], overrides: { expectSource: 'scenario' } }),
  ],
  { errors: [{ kind: 'policy', message: '1 "expect: policy" check(s) not run, as their expectation could not be derived: no running pod with IP 10.244.1.9' }] },
);

/** Step 2 of a multi-step run: it applied a policy and relabelled a pod, and the network caught up on the second round. */
export const stepEnforced = report(
  [
    check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'] }),
    check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['connected', 'timeout'] }),
  ],
  {
    step: {
      index: 2,
      count: 5,
      name: 'deny all ingress in shop',
      changes: ['applied NetworkPolicy production/postgres-allow-backend', 'labelled frontend role=admin tier-'],
      enforcedAfterMs: 1_400,
      rounds: 2,
      durationMs: 3_900,
    },
  },
);

/** A step the network never caught up with: one check kept disagreeing, one never ran; its name needs escaping. */
export const stepNotEnforced = report(
  [
    check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'] }),
    check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['connected', 'connected', 'connected'] }),
    check({ from: 'frontend', to: 'api:80', expect: 'deny', skipped: 'interrupted by SIGINT before this check ran' }),
  ],
  {
    step: { index: 3, count: 3, name: `deny | "all" <now> # ${NASTY}`, changes: [`deleted NetworkPolicy production/allow-${NASTY}`], rounds: 3, durationMs: 7_200 },
  },
);

/** The node of each actor's probe pod in `crossNodeOnly`. */
const NODE_OF: Readonly<Record<string, string>> = { backend: 'kk-node1', postgres: 'kk-node1', 'backend-b': 'kk-node2', frontend: 'kk-node2', 'backend-c': 'kk-node3' };
const onNodes = (from: string, to?: string) => ({ fromNode: NODE_OF[from] ?? '?', ...(to === undefined ? {} : { toNode: NODE_OF[to] ?? '?' }) });

/** Three nodes; the only failures are connections into postgres from the other nodes: a policy that breaks cross-node traffic. */
export const crossNodeOnly = report([
  check({ from: 'backend', to: 'postgres:5432', expect: 'allow', saw: ['connected'], overrides: onNodes('backend', 'postgres') }),
  check({ from: 'backend-b', to: 'postgres:5432', expect: 'allow', saw: ['timeout', 'timeout', 'timeout'], overrides: onNodes('backend-b', 'postgres') }),
  check({ from: 'backend-c', to: 'postgres:5432', expect: 'allow', saw: ['timeout', 'timeout', 'timeout'], overrides: onNodes('backend-c', 'postgres') }),
  check({ from: 'frontend', to: 'postgres:5432', expect: 'deny', saw: ['timeout'], overrides: onNodes('frontend', 'postgres') }),
  check({ from: 'backend', to: 'dns:kubernetes.default', kind: 'dns', expect: 'allow', saw: ['resolved'], overrides: onNodes('backend') }),
]);

/** Every fixture by name, for table-driven and golden tests. */
export const FIXTURES: Readonly<Record<string, RunReport>> = {
  allPass,
  mixed,
  interrupted,
  severalKindsInOneCell,
  needsEscaping,
  noPods,
  policyExpectations,
  stepEnforced,
  stepNotEnforced,
  crossNodeOnly,
};

export { NASTY };
