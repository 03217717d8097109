/** `cronJobManifests`: the whole YAML stream, read back through the yaml parser as kubectl would. */
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cronJobOptions } from '../support/cronjob-options.js';
import { cronJobManifests, type CronJobManifestOptions } from '../../src/app/manifests.js';
import { InputError } from '../../src/model/errors.js';
import { NAMESPACED_PERMISSIONS, clusterPermissions, type ApiPermission } from '../../src/model/permissions.js';

const POSTGRES = 'scenarios/postgres-lockdown.yaml';
const POLICY = 'test/deploy/fixtures/valid-policy-three-namespaces.yaml';

const options = (overrides: Partial<CronJobManifestOptions> = {}): CronJobManifestOptions => cronJobOptions([POSTGRES], overrides);

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  data?: Record<string, string>;
  spec?: { jobTemplate: { spec: { activeDeadlineSeconds: number; template: { spec: { containers: { args: string[] }[] } } } } };
}

/** Parses like kubectl: every document, no YAML errors or warnings allowed. */
function parse(text: string): Obj[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new Error('expected a multi-document stream');
  for (const document of documents) {
    expect(document.errors, 'YAML errors').toEqual([]);
    expect(document.warnings, 'YAML warnings').toEqual([]);
  }
  return documents.map((document) => document.toJS() as Obj);
}

const grants = (rules: Obj['rules'] = []): string[] => rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`)))).sort();
const used = (permissions: readonly ApiPermission[]): string[] =>
  permissions.filter((p) => p.withoutIt !== 'nothing').map((p) => `${p.verb} ${p.group}/${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}`).sort();
const args = (objects: readonly Obj[]): string[] | undefined => objects.find((o) => o.kind === 'CronJob')?.spec?.jobTemplate.spec.template.spec.containers[0]?.args;

let temp: string | undefined;
afterEach(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
  temp = undefined;
});

describe('cronJobManifests', () => {
  it('postgres-lockdown: every object in apply order, labelled, with Roles in default and production', async () => {
    const objects = parse(await cronJobManifests(options()));
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Namespace /kubeknock',
      'ServiceAccount kubeknock/kubeknock-audit',
      'ClusterRole /kubeknock:kubeknock-audit',
      'ClusterRoleBinding /kubeknock:kubeknock-audit',
      'Role default/kubeknock-audit',
      'RoleBinding default/kubeknock-audit',
      'Role production/kubeknock-audit',
      'RoleBinding production/kubeknock-audit',
      'ConfigMap kubeknock/kubeknock-audit-scenarios',
      'CronJob kubeknock/kubeknock-audit',
    ]);
    for (const object of objects) {
      expect(object.metadata.labels, object.kind).toMatchObject({
        'app.kubernetes.io/name': 'kubeknock',
        'app.kubernetes.io/managed-by': 'kubeknock-manifests',
        'app.kubernetes.io/instance': 'kubeknock-audit',
      });
    }
    expect(objects[0]?.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('the ConfigMap holds the scenario text byte for byte, and the CronJob runs it', async () => {
    const objects = parse(await cronJobManifests(options({ probe: { image: 'busybox:1.36.1', imagePullPolicy: 'IfNotPresent' } })));
    expect(objects.find((o) => o.kind === 'ConfigMap')?.data).toEqual({ 'postgres-lockdown.yaml': await readFile(POSTGRES, 'utf8') });
    expect(args(objects)).toEqual(['run', '-o=json', '--image=busybox:1.36.1', '--image-pull-policy=IfNotPresent', '/etc/kubeknock/scenarios/postgres-lockdown.yaml']);
  });

  it('RBAC is the permission list doctor checks: each Role its namespaced part, the ClusterRole its cluster part', async () => {
    for (const [file, policy] of [[POSTGRES, false], [POLICY, true]] as const) {
      const objects = parse(await cronJobManifests(options({ scenarioFiles: [file] })));
      for (const role of objects.filter((o) => o.kind === 'Role')) expect(grants(role.rules), `${file}: Role in ${role.metadata.namespace}`).toEqual(used(NAMESPACED_PERMISSIONS));
      expect(grants(objects.find((o) => o.kind === 'ClusterRole')?.rules), `${file}: ClusterRole`).toEqual(used(clusterPermissions(policy)));
    }
  });

  it('expect: policy and three namespaces: a Role in each (a pods target included) and the cluster-wide lists', async () => {
    const objects = parse(await cronJobManifests(options({ scenarioFiles: [POLICY] })));
    expect(objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace)).toEqual(['data', 'payments', 'shop']);
    expect(objects.filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace)).toEqual(['data', 'payments', 'shop']);
    expect(grants(objects.find((o) => o.kind === 'ClusterRole')?.rules)).toEqual([
      'get /namespaces',
      'list /namespaces',
      'list /nodes',
      'list /pods',
      'list /services',
      'list networking.k8s.aws/clusternetworkpolicies',
      'list networking.k8s.io/networkpolicies',
      'list policy.networking.k8s.io/adminnetworkpolicies',
      'list policy.networking.k8s.io/baselineadminnetworkpolicies',
      'list policy.networking.k8s.io/clusternetworkpolicies',
    ]);
  });

  it('several scenarios: one ConfigMap key each, run in the order given, the deadline covers all of them', async () => {
    const one = parse(await cronJobManifests(options()));
    const both = parse(await cronJobManifests(options({ scenarioFiles: [POSTGRES, POLICY] })));
    expect(Object.keys(both.find((o) => o.kind === 'ConfigMap')?.data ?? {})).toEqual(['postgres-lockdown.yaml', 'valid-policy-three-namespaces.yaml']);
    expect(args(both)).toEqual(['run', '-o=json', '/etc/kubeknock/scenarios/postgres-lockdown.yaml', '/etc/kubeknock/scenarios/valid-policy-three-namespaces.yaml']);
    const deadline = (objects: Obj[]) => objects.find((o) => o.kind === 'CronJob')?.spec?.jobTemplate.spec.activeDeadlineSeconds ?? 0;
    expect(deadline(both)).toBeGreaterThan(deadline(one));
    expect(deadline(parse(await cronJobManifests(options({ deadlineSeconds: 3600 }))))).toBe(3600);
  });

  it('--canary: doctor --canary runs first as an init container (same image, scenarios, probe image), granted cluster-wide what it needs; the deadline covers it', async () => {
    const plain = parse(await cronJobManifests(options()));
    const text = await cronJobManifests(options({ canary: true, probe: { image: 'busybox:1.36.1', imagePullPolicy: 'IfNotPresent' } }));
    const objects = parse(text);
    type PodSpec = { initContainers?: { name: string; image: string; args: string[]; securityContext: unknown; volumeMounts: unknown }[]; containers: { image: string; securityContext: unknown; volumeMounts: unknown }[] };
    const pod = (objs: Obj[]) => objs.find((o) => o.kind === 'CronJob')?.spec?.jobTemplate.spec.template.spec as unknown as PodSpec;
    const [init] = pod(objects).initContainers ?? [];
    expect(init?.name).toBe('canary');
    expect(init?.args).toEqual(['doctor', '--canary', '--image=busybox:1.36.1', '--image-pull-policy=IfNotPresent', '/etc/kubeknock/scenarios/postgres-lockdown.yaml']);
    expect(init?.image).toBe(pod(objects).containers[0]?.image);
    expect(init?.securityContext, 'passes restricted like the audit container').toEqual(pod(objects).containers[0]?.securityContext);
    expect(pod(plain).initContainers, 'only when asked').toBeUndefined();
    const clusterRole = grants(objects.find((o) => o.kind === 'ClusterRole')?.rules);
    for (const grant of ['create /namespaces', 'delete /namespaces', 'list /namespaces', 'create /pods', 'create /pods/exec', 'get /pods/exec', 'create networking.k8s.io/networkpolicies', 'patch networking.k8s.io/networkpolicies']) {
      expect(clusterRole, grant).toContain(grant);
    }
    expect(clusterRole, 'the canary never deletes pods (they go with its namespace)').not.toContain('delete /pods');
    const deadline = (objs: Obj[]) => objs.find((o) => o.kind === 'CronJob')?.spec?.jobTemplate.spec.activeDeadlineSeconds ?? 0;
    expect(deadline(objects) - deadline(plain)).toBe(300);
    expect(text).toContain('Canary: each audit first runs "kubeknock doctor --canary"');
  });

  it('--no-create-namespace leaves the Namespace out, and allows a namespace the scenarios use', async () => {
    const objects = parse(await cronJobManifests(options({ createNamespace: false, identity: { name: 'audit', namespace: 'production' } })));
    expect(objects.map((o) => o.kind)).not.toContain('Namespace');
    await expect(cronJobManifests(options({ identity: { name: 'audit', namespace: 'production' } }))).rejects.toThrow(/relabel it.*--no-create-namespace/);
  });

  it('two scenario files with one file name: an InputError naming both', async () => {
    temp = await mkdtemp(path.join(tmpdir(), 'kk-manifests-'));
    await mkdir(path.join(temp, 'copy'));
    const copy = path.join(temp, 'copy', 'postgres-lockdown.yaml');
    await writeFile(copy, await readFile(POSTGRES, 'utf8'));
    const error = await cronJobManifests(options({ scenarioFiles: [POSTGRES, copy] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([{ file: copy, line: 0, path: '', message: `has the same file name as ${POSTGRES}; the ConfigMap holds files by name, so rename one of them` }]);
  });

  it.each([
    { name: 'no --image', overrides: { image: undefined }, message: /--image is required.*Dockerfile/ },
    { name: 'a 4-field schedule', overrides: { schedule: '0 * * *' }, message: /--schedule: needs 5 fields/ },
    { name: 'an unknown time zone', overrides: { timeZone: 'Mars/Base' }, message: /--timezone: unknown time zone/ },
    { name: 'an upper-case name', overrides: { identity: { name: 'Audit', namespace: 'kubeknock' } }, message: /--name "Audit"/ },
    { name: 'a namespace with a dot', overrides: { identity: { name: 'audit', namespace: 'a.b' } }, message: /--namespace "a.b"/ },
    { name: 'a deadline under a minute', overrides: { deadlineSeconds: 10 }, message: /--deadline must be a whole number from 60 to 604800 \(got 10\)/ },
    { name: 'a negative TTL', overrides: { ttlSecondsAfterFinished: -1 }, message: /--ttl must be a whole number from 0 to 31536000 \(got -1\)/ },
  ])('$name: InputError', async ({ overrides, message }) => {
    await expect(cronJobManifests(options(overrides as Partial<CronJobManifestOptions>))).rejects.toThrow(message);
  });
});
