/**
 * Issue 18 items 1 and 2: -f files read as `kubectl apply -f` reads them, the same in every command.
 * Namespace-less manifests (Online Boutique ships them) go to -n, or to "default" with one note; an
 * object of another namespace than -n is refused. The same object given twice (Sock Shop's
 * `-f manifests -f manifests-policy`, whose two Namespace copies differ by an annotation) is read once
 * with a note; copies that differ where verdicts are decided are refused, naming both places.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRolloutFiles } from '../../src/app/rollout-input.js';
import { InputError } from '../../src/model/errors.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(scratch, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};

// The shape of Online Boutique's release manifests: no metadata.namespace anywhere.
const BOUTIQUE = write(
  'boutique.yaml',
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: server, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cartservice}
spec:
  template:
    metadata: {labels: {app: cartservice}}
    spec: {containers: [{name: server, ports: [{containerPort: 7070}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cartservice}
spec:
  selector: {app: cartservice}
  ports: [{name: grpc, port: 7070, targetPort: 7070}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cartservice}
spec:
  podSelector: {matchLabels: {app: cartservice}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: 7070}]
`,
);
const ELSEWHERE = write(
  'elsewhere.yaml',
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: loadgenerator, namespace: tools}
spec:
  template:
    metadata: {labels: {app: loadgenerator}}
    spec: {containers: [{name: main}]}
`,
);

const DEFAULT_NOTE = /^kubeknock: note: 4 objects name no namespace \(Deployment frontend at .*boutique\.yaml:1, Deployment cartservice at .*boutique\.yaml:\d+, Service cartservice at .*boutique\.yaml:\d+, and 1 more\): read in namespace "default"; pass -n NAMESPACE to place them elsewhere, as with kubectl apply$/m;

describe('namespace-less manifests', () => {
  it('predict without -n reads them in "default" and says so in one note', async () => {
    const { code, stdout, stderr } = await runCli(['predict', '-f', BOUTIQUE, '--port', '7070']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('default/frontend');
    expect(stderr).toMatch(DEFAULT_NOTE);
    expect(stderr.split('\n').filter((line) => line.includes('no namespace'))).toHaveLength(1);
  });

  it.each([
    ['predict', ['predict', '-f', BOUTIQUE, '--port', '7070']],
    ['lint', ['lint', '-f', BOUTIQUE]],
    ['explain', ['explain', '-f', BOUTIQUE, '--from', 'boutique/frontend', '--to', 'boutique/cartservice', '--port', '7070']],
    ['diff', ['diff', '--to', BOUTIQUE]],
  ])('%s -n puts them in that namespace, with no note', async (_name, argv) => {
    const { code, stdout, stderr } = await runCli([...argv, '-n', 'boutique']);
    expect([0, 1], stderr).toContain(code);
    expect(stderr).not.toContain('no namespace');
    if (_name !== 'lint') expect(stdout).toContain('boutique/');
    expect(stdout).not.toContain('default/');
  });

  it('discover -n puts them in that namespace; without -n it notes "default"', async () => {
    const placed = await runCli(['discover', '-f', BOUTIQUE, '-n', 'boutique']);
    expect(placed.code, placed.stderr).toBe(0);
    const parsed = parseScenario('d.yaml', placed.stdout);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect([...parsed.scenario.actors.values()].map((actor) => actor.namespace)).toEqual(['boutique', 'boutique']);
    expect(placed.stderr).not.toContain('no namespace');
    const defaulted = await runCli(['discover', '-f', BOUTIQUE]);
    expect(defaulted.code, defaulted.stderr).toBe(0);
    expect(defaulted.stderr).toMatch(DEFAULT_NOTE);
  });

  it.each([
    ['predict', ['predict', '-f', BOUTIQUE, '-f', ELSEWHERE, '-n', 'boutique']],
    ['lint', ['lint', '-f', BOUTIQUE, '-f', ELSEWHERE, '-n', 'boutique']],
    ['explain', ['explain', '-f', BOUTIQUE, '-f', ELSEWHERE, '-n', 'boutique', '--from', 'boutique/frontend', '--to', 'boutique/cartservice', '--port', '7070']],
    ['diff', ['diff', '-f', ELSEWHERE, '--to', BOUTIQUE, '-n', 'boutique']],
    ['discover', ['discover', '-f', BOUTIQUE, '-f', ELSEWHERE, '-n', 'boutique']],
  ])('%s refuses an object of another namespace than -n, as kubectl apply does', async (_name, argv) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/elsewhere\.yaml:3:\d+: metadata\.namespace: Deployment loadgenerator names namespace "tools", which does not match -n boutique; kubectl apply refuses that too: pass -n tools, or leave -n out/);
  });

  it('discover refuses namespace-less objects when several -n are given', async () => {
    const { code, stderr } = await runCli(['discover', '-f', BOUTIQUE, '-n', 'boutique', '-n', 'tools']);
    expect(code).toBe(2);
    expect(stderr).toContain('Deployment frontend names no namespace, and -n boutique -n tools give several: write its namespace into the manifest, or give one -n');
  });

  it('refuses -n with --from-cluster and a -n that is no namespace name', async () => {
    expect((await runCli(['predict', '--from-cluster', '-n', 'shop'])).stderr).toContain('-n places the objects of -f files that name no namespace; --from-cluster reads every namespace');
    const bad = await runCli(['lint', '-f', BOUTIQUE, '-n', 'Not_A_Namespace']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--namespace: "Not_A_Namespace" is not a namespace name');
  });

  it('rollout refuses them without -n, suggesting -n, and places them with -n', async () => {
    const notes: string[] = [];
    const refused = await readRolloutFiles([BOUTIQUE], '/', (text) => notes.push(text)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as InputError).issues.map((issue) => issue.message)).toEqual([
      'NetworkPolicy cartservice has no metadata.namespace; a rollout never takes one from the kubeconfig context: pass -n NAMESPACE to put it there (as kubectl apply -n does), or write "namespace: …" into the manifest',
    ]);
    const placed = await readRolloutFiles([BOUTIQUE], '/', (text) => notes.push(text), ['boutique']);
    expect(placed.policies.map((policy) => policy.object.metadata)).toEqual([{ name: 'cartservice', namespace: 'boutique' }]);
    const other = await readRolloutFiles([write('tools-policy.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: tools}\nspec: {podSelector: {}}\n')], '/', () => undefined, ['boutique']).catch((error: unknown) => error);
    expect((other as InputError).issues[0]?.message).toContain('NetworkPolicy p names namespace "tools", which does not match -n boutique');
  });
});

// Sock Shop's layout: each folder carries its own copy of the Namespace; the policy folder's is annotated.
const SOCK_NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sock-shop\n';
const MANIFESTS = join(scratch, 'manifests');
write('manifests/00-sock-shop-ns.yaml', SOCK_NS);
write(
  'manifests/carts-dep.yaml',
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: carts, namespace: sock-shop}
spec:
  template:
    metadata: {labels: {name: carts}}
    spec: {containers: [{name: carts, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: front-end, namespace: sock-shop}
spec:
  template:
    metadata: {labels: {name: front-end}}
    spec: {containers: [{name: front-end, ports: [{containerPort: 8079}]}]}
`,
);
const POLICY = join(scratch, 'manifests-policy');
write('manifests-policy/00-sock-shop-ns.yaml', `${SOCK_NS}  annotations:\n    net.beta.kubernetes.io/network-policy: '{"ingress": {"isolation": "DefaultDeny"}}'\n`);
write(
  'manifests-policy/netpol-carts-access.yaml',
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: carts-access, namespace: sock-shop}
spec:
  podSelector: {matchLabels: {name: carts}}
  ingress:
    - from: [{podSelector: {matchLabels: {name: front-end}}}]
      ports: [{protocol: TCP, port: 80}]
`,
);

describe('the same object given twice', () => {
  it.each([
    ['predict', ['predict', '--port', '80']],
    ['lint', ['lint']],
    ['discover', ['discover']],
  ])('%s reads copies that differ only in annotations once, with a note', async (_name, argv) => {
    const { code, stderr } = await runCli([...argv, '-f', MANIFESTS, '-f', POLICY]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^kubeknock: note: Namespace sock-shop is given 2 times \(.*manifests\/00-sock-shop-ns\.yaml:1, .*manifests-policy\/00-sock-shop-ns\.yaml:1\), the same apart from annotations: read once, as kubectl apply leaves it$/m);
  });

  it('refuses copies that differ in spec or labels, naming both places', async () => {
    const spec = write('conflict/a.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: sock-shop}\nspec: {podSelector: {matchLabels: {name: carts}}}\n');
    const spec2 = write('conflict/b.yaml', '# the other copy\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: sock-shop}\nspec: {podSelector: {matchLabels: {name: orders}}}\n');
    const { code, stderr } = await runCli(['predict', '-f', MANIFESTS, '-f', spec, '-f', spec2]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${spec2}:2: spec.podSelector.matchLabels.name: NetworkPolicy sock-shop/p is defined twice, differently (at spec.podSelector.matchLabels.name): first at ${spec}:1, again here`);
    const labelled = write('conflict/ns.yaml', `${SOCK_NS}  labels: {team: shop}\n`);
    const labels = await runCli(['lint', '-f', MANIFESTS, '-f', labelled]);
    expect(labels.code).toBe(2);
    expect(labels.stderr).toContain('metadata.labels: Namespace sock-shop is defined twice, differently (at metadata.labels)');
  });

  it('rollout applies an identical policy given twice once, and refuses a conflicting copy', async () => {
    const notes: string[] = [];
    const copy = write('copy/netpol-carts-access.yaml', `# annotated copy\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: carts-access, namespace: sock-shop, annotations: {owner: team-a}}\nspec:\n  podSelector: {matchLabels: {name: carts}}\n  ingress:\n    - from: [{podSelector: {matchLabels: {name: front-end}}}]\n      ports: [{protocol: TCP, port: 80}]\n`);
    const input = await readRolloutFiles([POLICY, copy], '/', (text) => notes.push(text));
    expect(input.policies).toHaveLength(1);
    expect(notes.some((note) => note.startsWith('NetworkPolicy sock-shop/carts-access is given 2 times'))).toBe(true);
  });
});
