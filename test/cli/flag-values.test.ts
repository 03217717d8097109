/**
 * Issue 9 item 8: values given on the command line are held to the same rules as the scenario fields
 * they stand for — numbers to the schema's bounds, images to the reference grammar, names to the
 * API's rules — and every refusal is exit 2 with the flag and the value in the message, before any
 * file is read or any cluster is contacted.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { auditArgs } from '../../src/deploy/cronjob.js';
import { runCli } from '../support/cli.js';

const SCENARIO = 'scenarios/postgres-lockdown.yaml';
const CRONJOB = ['manifests', 'cronjob', SCENARIO, '--image', 'registry.example/kubeknock:0.1.0'];

const REFUSED: readonly { name: string; argv: string[]; message: string }[] = [
  { name: 'run --timeout 1e21', argv: ['run', SCENARIO, '--dry-run', '--timeout', '1e21'], message: '--timeout must be a whole number from 1 to 3600 (got 1e+21)' },
  { name: 'run --timeout past setTimeout', argv: ['run', SCENARIO, '--dry-run', '--timeout', '2147484'], message: '--timeout must be a whole number from 1 to 3600 (got 2147484)' },
  { name: 'run --timeout 1.5', argv: ['run', SCENARIO, '--dry-run', '--timeout', '1.5'], message: '--timeout must be a whole number from 1 to 3600 (got 1.5)' },
  { name: 'run --attempts 1000', argv: ['run', SCENARIO, '--dry-run', '--attempts', '1000'], message: '--attempts must be a whole number from 1 to 20 (got 1000)' },
  { name: 'run --concurrency 100000', argv: ['run', SCENARIO, '--dry-run', '--concurrency', '100000'], message: '--concurrency must be a whole number from 1 to 256 (got 100000)' },
  { name: 'run --settle 601', argv: ['run', SCENARIO, '--dry-run', '--settle', '601'], message: '--settle must be a whole number from 0 to 600 (got 601)' },
  { name: 'run --settle abc', argv: ['run', SCENARIO, '--dry-run', '--settle', 'abc'], message: '--settle must be a whole number from 0 to 600 (got NaN)' },
  { name: 'run --max-pods 0', argv: ['run', SCENARIO, '--dry-run', '--max-pods', '0'], message: '--max-pods must be a whole number from 1 to 100000 (got 0)' },
  { name: 'run --max-checks 1e9', argv: ['run', SCENARIO, '--dry-run', '--max-checks', '1e9'], message: '--max-checks must be a whole number from 1 to 10000000 (got 1000000000)' },
  { name: 'run --image with shell characters', argv: ['run', SCENARIO, '--dry-run', '--image', 'busybox;rm -rf /'], message: '--image: "busybox;rm -rf /" is not an image reference' },
  { name: 'run --image BusyBox:1.36', argv: ['run', SCENARIO, '--dry-run', '--image', 'BusyBox:1.36'], message: '--image: image "BusyBox:1.36": the repository path must be lower case' },
  { name: 'run --image=--dry-run', argv: ['run', SCENARIO, '--image=--dry-run'], message: '--image: "--dry-run" is not an image reference' },
  { name: 'run --image ""', argv: ['run', SCENARIO, '--dry-run', '--image', ''], message: '--image: the image must not be empty' },
  { name: 'run --run-id with a comma', argv: ['run', SCENARIO, '--dry-run', '--run-id', 'a,b'], message: '--run-id: "a,b" must be lower-case letters' },
  { name: 'run --cluster-domain with a space', argv: ['run', SCENARIO, '--dry-run', '--cluster-domain', 'cluster local'], message: '--cluster-domain: "cluster local" must be a DNS subdomain' },
  { name: 'cleanup -n Bad_NS', argv: ['cleanup', '-n', 'Bad_NS'], message: '--namespace: "Bad_NS" is not a namespace name' },
  { name: 'cleanup --run-id with a selector in it', argv: ['cleanup', '--run-id', 'x,app=web'], message: '--run-id: value "x,app=web" must be empty or letters' },
  { name: 'cleanup --run-id ""', argv: ['cleanup', '--run-id', ''], message: '--run-id: must not be empty' },
  { name: 'doctor -n Bad_NS', argv: ['doctor', '-n', 'ok', '-n', 'Bad_NS'], message: '--namespace: "Bad_NS" is not a namespace name' },
  { name: 'explain --from-labels with a bad key', argv: ['explain', '-f', 'scenarios/three-tier/policies.yaml', '--from', 'shop/x', '--to', 'shop/y', '--port', '80', '--from-labels', 'App.IO/x=y'], message: '--from-labels: label key "App.IO/x"' },
  { name: 'explain --from-labels with a bad namespace', argv: ['explain', '-f', 'scenarios/three-tier/policies.yaml', '--from', 'Bad_NS/x', '--to', 'shop/y', '--port', '80', '--from-labels', 'app=x'], message: '--from: "Bad_NS" is not a namespace name' },
  { name: 'explain --to-labels with a bad pod name', argv: ['explain', '-f', 'scenarios/three-tier/policies.yaml', '--from', 'shop/x', '--to', 'shop/Web_1', '--port', '80', '--to-labels', 'app=x'], message: '--to: pod name "Web_1" must be a DNS subdomain' },
  { name: 'manifests cronjob --probe-image=--dry-run', argv: [...CRONJOB, '--probe-image=--dry-run'], message: '--probe-image: "--dry-run" is not an image reference' },
  { name: 'manifests cronjob --image with shell characters', argv: ['manifests', 'cronjob', SCENARIO, '--image', 'kk;id'], message: '--image: "kk;id" is not an image reference' },
  { name: 'manifests cronjob --image-pull-secret Bad_Secret', argv: [...CRONJOB, '--image-pull-secret', 'Bad_Secret'], message: '--image-pull-secret: "Bad_Secret" must be a DNS subdomain' },
  { name: 'manifests cronjob --deadline 1e9', argv: [...CRONJOB, '--deadline', '1e9'], message: '--deadline must be a whole number from 60 to 604800 (got 1000000000)' },
  { name: 'manifests cronjob --ttl 1e12', argv: [...CRONJOB, '--ttl', '1e12'], message: '--ttl must be a whole number from 0 to 31536000 (got 1000000000000)' },
  { name: 'manifests cronjob --max-pods 0', argv: [...CRONJOB, '--max-pods', '0'], message: '--max-pods must be a whole number from 1 to 100000 (got 0)' },
];

describe('flag values are validated like the scenario fields they stand for', () => {
  it.each(REFUSED)('$name', async ({ argv, message }) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(stderr).toContain(message);
    expect(code, stderr).toBe(2);
    expect(stdout, 'nothing is printed on stdout').toBe('');
    expect(stderr, 'no stack trace').not.toMatch(/unexpected error|\n\s+at /);
  });

  it('accepts in-range overrides and applies them (dry run)', async () => {
    const { code, stdout, stderr } = await runCli(['run', SCENARIO, '--dry-run', '-o', 'json', '--timeout', '3600', '--attempts', '20', '--concurrency', '256', '--settle', '0', '--image', 'registry.example:5000/probe/busybox:1.36.1']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { pods: { spec: { containers: { image: string }[] } }[]; probes: { timeoutSeconds: number; attempts: number }[] };
    expect(plan.pods[0]?.spec.containers[0]?.image).toBe('registry.example:5000/probe/busybox:1.36.1');
    expect(plan.probes.every((p) => p.timeoutSeconds === 3600 && p.attempts === 20)).toBe(true);
  });
});

describe('the audit CronJob argv', () => {
  it('carries every value in --flag=value form and the scenarios as absolute paths, so no value can become a flag', () => {
    const args = auditArgs(['a.yaml', '-x.yaml'], { image: 'busybox:1.36.1', imagePullPolicy: 'Always' }, { pods: 200, checks: 20_000 });
    const flags = args.filter((arg) => arg.startsWith('-'));
    expect(flags.every((arg) => /^--?[a-z-]+=/.test(arg)), args.join(' ')).toBe(true);
    expect(args.slice(1 + flags.length)).toEqual(['/etc/kubeknock/scenarios/a.yaml', '/etc/kubeknock/scenarios/-x.yaml']);
  });

  it('is read by the CLI as meant: values to their flags, paths as scenarios', async () => {
    const args = auditArgs(['unused.yaml'], { image: 'registry.example/busybox:1.36.1', imagePullPolicy: 'Never' }, { pods: 5, checks: 50 });
    // The audit's own argv, with --dry-run added and the mounted path swapped for a repository file.
    const { code, stdout, stderr } = await runCli([...args.filter((arg) => !arg.endsWith('/unused.yaml')), '--dry-run', SCENARIO]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { scenario: string; pods: { spec: { containers: { image: string; imagePullPolicy: string }[] } }[] };
    expect(plan.scenario).toBe('postgres-lockdown');
    expect(plan.pods[0]?.spec.containers[0]).toMatchObject({ image: 'registry.example/busybox:1.36.1', imagePullPolicy: 'Never' });
  });

  it('passes --max-pods/--max-checks through to the audit run', async () => {
    const { code, stdout, stderr } = await runCli([...CRONJOB, '--max-pods', '150', '--max-checks', '20000']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout);
    const cronJob = (Array.isArray(docs) ? docs : []).map((d) => d.toJS() as { kind: string; spec: { jobTemplate: { spec: { template: { spec: { containers: { args: string[] }[] } } } } } }).find((o) => o.kind === 'CronJob');
    expect(cronJob?.spec.jobTemplate.spec.template.spec.containers[0]?.args).toEqual(['run', '-o=json', '--max-pods=150', '--max-checks=20000', '/etc/kubeknock/scenarios/postgres-lockdown.yaml']);
  });
});
