/** `kubeknock manifests cronjob` in-process: what reaches stdout, stderr and the exit code. */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../support/cli.js';

const IMAGE = ['--image', 'registry.example/kubeknock:0.1.0'];

describe('kubeknock manifests cronjob', () => {
  it('prints a YAML stream that parses, with the flags applied, and exits 0', async () => {
    const { code, stdout, stderr } = await runCli([
      'manifests', 'cronjob', 'scenarios/postgres-lockdown.yaml', ...IMAGE,
      '--schedule', '*/30 * * * *', '--timezone', 'Europe/Berlin', '-n', 'audits', '--name', 'pg-audit',
      '--probe-image', 'busybox:1.36.1', '--probe-image-pull-policy', 'Always', '--ttl', '86400', '--image-pull-secret', 'regcred',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const documents = parseAllDocuments(stdout);
    const objects = (Array.isArray(documents) ? documents : []).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> });
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Role', 'RoleBinding', 'ConfigMap', 'CronJob']);
    const cronJob = objects.at(-1);
    expect(cronJob?.metadata).toMatchObject({ name: 'pg-audit', namespace: 'audits' });
    expect(cronJob?.spec).toMatchObject({
      schedule: '*/30 * * * *',
      timeZone: 'Europe/Berlin',
      jobTemplate: {
        spec: {
          ttlSecondsAfterFinished: 86400,
          template: {
            spec: {
              imagePullSecrets: [{ name: 'regcred' }],
              containers: [{ image: 'registry.example/kubeknock:0.1.0', args: ['run', '-o=json', '--image=busybox:1.36.1', '--image-pull-policy=Always', '/etc/kubeknock/scenarios/postgres-lockdown.yaml'] }],
            },
          },
        },
      },
    });
  });

  it.each([
    {
      name: 'an invalid scenario: the loader’s file:line messages',
      argv: ['manifests', 'cronjob', 'test/scenario/fixtures/invalid-three-mistakes.yaml', ...IMAGE],
      stderr: ['test/scenario/fixtures/invalid-three-mistakes.yaml:9: spec.checks[0].to: actor "postgres" does not listen on 5433', 'invalid-three-mistakes.yaml:11: spec.checks[2].expect'],
    },
    {
      name: 'a missing file',
      argv: ['manifests', 'cronjob', 'scenarios/nope.yaml', ...IMAGE],
      stderr: ['scenarios/nope.yaml: no such file'],
    },
    {
      name: 'no --image: how to build and push one',
      argv: ['manifests', 'cronjob', 'scenarios/postgres-lockdown.yaml'],
      stderr: ["--image is required: kubeknock publishes no image. Build one with the repository's Dockerfile and push it"],
    },
    {
      name: 'a bad schedule',
      argv: ['manifests', 'cronjob', 'scenarios/postgres-lockdown.yaml', ...IMAGE, '--schedule', '0 25 * * *'],
      stderr: ['--schedule: hour field "25"'],
    },
    {
      name: 'a bad probe pull policy',
      argv: ['manifests', 'cronjob', 'scenarios/postgres-lockdown.yaml', ...IMAGE, '--probe-image-pull-policy', 'Sometimes'],
      stderr: ['probe-image-pull-policy'],
    },
    {
      name: 'no scenario',
      argv: ['manifests', 'cronjob', ...IMAGE],
      stderr: ['Not enough non-option arguments'],
    },
    {
      name: 'no kind',
      argv: ['manifests'],
      stderr: ['Name the kind of manifests: cronjob'],
    },
  ])('$name: exit 2, nothing on stdout', async ({ argv, stderr }) => {
    const result = await runCli(argv);
    expect(result.stdout).toBe('');
    for (const text of stderr) expect(result.stderr).toContain(text);
    expect(result.code).toBe(2);
  });
});
