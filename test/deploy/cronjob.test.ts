import { describe, expect, it } from 'vitest';
import { auditArgs, buildCronJob, type CronJobInput } from '../../src/deploy/cronjob.js';

const base: CronJobInput = {
  identity: { name: 'audit', namespace: 'kk' },
  image: 'registry.example/kubeknock:1',
  imagePullSecrets: [],
  schedule: '0 * * * *',
  configMapName: 'audit-scenarios',
  scenarioKeys: ['a.yaml'],
  probe: {},
  activeDeadlineSeconds: 600,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 5,
};

/** The parts of a built CronJob the tests look at, typed just enough to read them. */
interface Built {
  spec: {
    timeZone?: string;
    concurrencyPolicy: string;
    startingDeadlineSeconds: number;
    jobTemplate: {
      spec: {
        backoffLimit: number;
        activeDeadlineSeconds: number;
        ttlSecondsAfterFinished?: number;
        template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
      };
    };
  };
}
interface PodSpec {
  serviceAccountName: string;
  restartPolicy: string;
  imagePullSecrets?: { name: string }[];
  securityContext: Record<string, unknown>;
  containers: { image: string; command?: unknown; args: string[]; securityContext: Record<string, unknown>; resources: { requests: object; limits: object }; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  volumes: { name: string; configMap?: { name: string } }[];
}
const build = (input: Partial<CronJobInput> = {}): Built => buildCronJob({ ...base, ...input }) as unknown as Built;
const pod = (built: Built): PodSpec => built.spec.jobTemplate.spec.template.spec;

describe('auditArgs', () => {
  it.each([
    { keys: ['a.yaml'], probe: {}, args: ['run', '-o=json', '/etc/kubeknock/scenarios/a.yaml'] },
    { keys: ['a.yaml', 'b.yaml'], probe: {}, args: ['run', '-o=json', '/etc/kubeknock/scenarios/a.yaml', '/etc/kubeknock/scenarios/b.yaml'] },
    { keys: ['a.yaml'], probe: { image: 'busybox:1.36.1' }, args: ['run', '-o=json', '--image=busybox:1.36.1', '/etc/kubeknock/scenarios/a.yaml'] },
    {
      keys: ['a.yaml'],
      probe: { image: 'busybox:1.36.1', imagePullPolicy: 'Always' as const },
      args: ['run', '-o=json', '--image=busybox:1.36.1', '--image-pull-policy=Always', '/etc/kubeknock/scenarios/a.yaml'],
    },
    { keys: ['a.yaml'], probe: { imagePullPolicy: 'Never' as const }, args: ['run', '-o=json', '--image-pull-policy=Never', '/etc/kubeknock/scenarios/a.yaml'] },
  ])('$keys with $probe', ({ keys, probe, args }) => {
    expect(auditArgs(keys, probe)).toEqual(args);
  });
});

describe('buildCronJob', () => {
  it('never overlaps, never retries, stops at the deadline', () => {
    const built = build();
    expect(built.spec.concurrencyPolicy).toBe('Forbid');
    expect(built.spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(built.spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(built.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(600);
    expect(pod(built).restartPolicy).toBe('Never');
  });

  it.each([
    { name: 'no time zone, no TTL by default', input: {}, timeZone: undefined, ttl: undefined },
    { name: 'a time zone and a TTL when asked', input: { timeZone: 'Europe/Berlin', ttlSecondsAfterFinished: 3600 }, timeZone: 'Europe/Berlin', ttl: 3600 },
    { name: 'a TTL of 0 is kept', input: { ttlSecondsAfterFinished: 0 }, timeZone: undefined, ttl: 0 },
  ])('$name', ({ input, timeZone, ttl }) => {
    const built = build(input);
    expect(built.spec.timeZone).toBe(timeZone);
    expect(built.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBe(ttl);
    expect('timeZone' in built.spec).toBe(timeZone !== undefined);
  });

  it('the pod passes Pod Security restricted', () => {
    const spec = pod(build());
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0]?.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
  });

  it('runs the CLI image by its ENTRYPOINT (args, no command) as the audit ServiceAccount, with the scenarios mounted read-only', () => {
    const spec = pod(build({ scenarioKeys: ['a.yaml', 'b.yaml'] }));
    const container = spec.containers[0];
    expect(spec.serviceAccountName).toBe('audit');
    expect(container?.image).toBe('registry.example/kubeknock:1');
    expect(container?.command).toBeUndefined();
    expect(container?.args).toEqual(auditArgs(['a.yaml', 'b.yaml'], {}));
    expect(container?.volumeMounts).toContainEqual({ name: 'scenarios', mountPath: '/etc/kubeknock/scenarios', readOnly: true });
    expect(spec.volumes.find((v) => v.name === 'scenarios')?.configMap?.name).toBe('audit-scenarios');
    expect(container?.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  it('pull secrets for the CLI image only when given', () => {
    expect(pod(build()).imagePullSecrets).toBeUndefined();
    expect(pod(build({ imagePullSecrets: ['regcred'] })).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('the audit pods are labelled so that `kubeknock cleanup` leaves them alone', () => {
    expect(build().spec.jobTemplate.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'kubeknock',
      'app.kubernetes.io/managed-by': 'kubeknock-manifests',
      'app.kubernetes.io/instance': 'audit',
    });
  });
});
