/**
 * The rollout use case up to the first change, over a FakeCluster and in-memory objects: what it
 * refuses (and that it refuses before touching anything), the server-side dry run, the plan that
 * --dry-run prints (and that -o html shows above the steps), and undo from a journal file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rollout, type RolloutRequest } from '../../src/app/rollout.js';
import { undoRollout } from '../../src/app/rollout-undo.js';
import { InputError } from '../../src/model/errors.js';
import { systemClock } from '../../src/probe/clock.js';
import { newJournal, serializeJournal } from '../../src/rollout/journal.js';
import { FakeCluster } from '../support/fake-cluster.js';
import { FakeObjects, networkPolicy } from '../support/fake-objects.js';
import { clientDbScenario, quietProgress } from '../support/run-use-case.js';

const DIR = mkdtempSync(join(tmpdir(), 'kk-rollout-'));
function file(name: string, text: string): string {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: one}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
`;
const SCENARIO = clientDbScenario('s', 'one', 'allow');

describe('rollout', () => {
  let cluster: FakeCluster | undefined;
  afterEach(() => cluster?.dispose());

  function request(overrides: Partial<RolloutRequest> = {}): RolloutRequest {
    return {
      files: [file('p.yaml', POLICY)],
      cwd: DIR,
      scenarios: [file('s.yaml', SCENARIO)],
      overrides: {},
      dryRun: false,
      yes: true,
      rollback: true,
      journalNamespace: 'kubeknock',
      clusterDomain: 'cluster.local',
      output: 'table',
      color: false,
      engine: { ipBlockMatchesPods: true },
      ignoreClusterPolicies: false,
      ...overrides,
    };
  }

  function deps(objects: FakeObjects, out: { text: string } = { text: '' }) {
    cluster = new FakeCluster({ namespaces: ['one', 'kubeknock'] });
    const fake = cluster;
    return {
      connect: () => fake,
      objects: () => objects,
      readPolicyObjects: async () => [],
      progress: quietProgress,
      clock: systemClock,
      write: (text: string) => (out.text += text),
      note: () => undefined,
      toolVersion: '0.0.0-test',
    };
  }

  it('without --yes and without a terminal, refuses before reading anything', async () => {
    let connected = false;
    const d = { ...deps(new FakeObjects()), connect: () => ((connected = true), cluster as FakeCluster) };
    await expect(rollout(request({ yes: false }), d)).rejects.toThrow(/refusing to change the cluster without --yes: stdin is not a terminal/);
    expect(connected).toBe(false);
  });

  it('refuses a rollout with nothing to verify it', async () => {
    await expect(rollout(request({ scenarios: [] }), deps(new FakeObjects()))).rejects.toThrow(/a rollout verifies every step live: give --scenario FILE.*or --discover/);
  });

  it('refuses a policy without namespace (suggesting -n), and one given twice differently, naming file and line', async () => {
    const bad = file('bad.yaml', `${POLICY.replace('namespace: one', '')}---\n${POLICY}---\n${POLICY.replace('app: client', 'app: other')}`);
    const error = await rollout(request({ files: [bad] }), deps(new FakeObjects())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const issues = (error as InputError).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    expect(issues).toEqual([
      `15 spec.ingress[0].from[0].podSelector.matchLabels.app: NetworkPolicy one/db-ingress is defined twice, differently (at spec.ingress[0].from[0].podSelector.matchLabels.app): first at ${bad}:8, again here; kubectl apply would keep whichever comes last. Keep one copy, or make the copies the same`,
      '1 metadata.namespace: NetworkPolicy db-ingress has no metadata.namespace; a rollout never takes one from the kubeconfig context: pass -n NAMESPACE to put it there (as kubectl apply -n does), or write "namespace: …" into the manifest',
    ]);
  });

  it('refuses what the API server refuses in its dry run, with the server\'s words, and writes nothing', async () => {
    const objects = new FakeObjects([], { reject: () => '.spec.ingress[0].from: expected list, got &{map[]}' });
    const error = await rollout(request(), deps(objects)).catch((e: unknown) => e);
    expect((error as InputError).issues.map((i) => i.message)).toEqual(['the API server refuses NetworkPolicy one/db-ingress: .spec.ingress[0].from: expected list, got &{map[]}']);
    expect(objects.writes).toEqual([]);
  });

  it('refuses when the journal namespace is missing, saying how to fix it', async () => {
    const d = deps(new FakeObjects());
    cluster?.dispose();
    cluster = new FakeCluster({ namespaces: ['one'] });
    const fake = cluster;
    await expect(rollout(request(), { ...d, connect: () => fake })).rejects.toThrow(/the journal namespace "kubeknock" does not exist.*--journal FILE/);
  });

  it('asks the authorizer for every write first, and names what is missing', async () => {
    const objects = new FakeObjects();
    const d = deps(objects);
    cluster?.dispose();
    cluster = new FakeCluster({ namespaces: ['one', 'kubeknock'], denied: ['delete networkpolicies', 'create configmaps'] });
    const fake = cluster;
    await expect(rollout(request(), { ...d, connect: () => fake })).rejects.toThrow(
      'RBAC is missing: delete networkpolicies.networking.k8s.io in one, create configmaps in kubeknock',
    );
    expect(objects.writes).toEqual([]);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const objects = new FakeObjects();
    const out = { text: '' };
    const outcome = await rollout(request({ dryRun: true, yes: false }), deps(objects, out));
    expect(outcome.exitCode).toBe(0);
    expect(out.text).toMatch(/^rollout plan: 1 NetworkPolicy in 1 step, in the order given/);
    expect(out.text).toContain('step 1: NetworkPolicy one/db-ingress');
    expect(objects.writes).toEqual([]);
    expect(cluster?.created).toHaveLength(0);
  });

  it('-o html writes the plan into the page, above the verified steps', async () => {
    const objects = new FakeObjects();
    const out = { text: '' };
    const outcome = await rollout(request({ output: 'html', color: true, journalFile: join(DIR, 'journal-html.json') }), deps(objects, out));
    expect(outcome.exitCode, out.text.slice(0, 500)).toBe(0);
    expect(out.text).toMatch(/<section class="plan"><details open><summary>The plan<\/summary><pre>rollout plan: 1 NetworkPolicy in 1 step, in the order given\n/);
    expect(out.text).toContain('step 1: NetworkPolicy one/db-ingress');
    expect(out.text, 'the page gets the plan without terminal colour, whatever the terminal has').not.toMatch(/\u001b|\\x1b/);
  });

  it('--dry-run plans without a journal namespace and without the right to write a journal there', async () => {
    const objects = new FakeObjects();
    const out = { text: '' };
    const d = deps(objects, out);
    cluster?.dispose();
    cluster = new FakeCluster({ namespaces: ['one'], denied: ['create configmaps', 'patch configmaps', 'get configmaps', 'update configmaps'] });
    const fake = cluster;
    const outcome = await rollout(request({ dryRun: true, yes: false }), { ...d, connect: () => fake });
    expect(outcome.exitCode).toBe(0);
    expect(out.text).toContain('step 1: NetworkPolicy one/db-ingress');
    expect(objects.writes).toEqual([]);
  });
});

describe('rollout --undo', () => {
  it('restores from a journal file and says what it did; a second undo has nothing left', async () => {
    const before = networkPolicy('one', 'db-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    const objects = new FakeObjects([networkPolicy('one', 'db-ingress', { podSelector: {}, ingress: [{}] })]);
    const journal = newJournal({
      id: 'u1',
      purpose: 'rollout',
      server: objects.server,
      at: '2026-12-01T00:00:00Z',
      sources: [],
      steps: [{ index: 1, name: 'one' }],
      changes: [{ step: 1, action: 'apply', ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'one', name: 'db-ingress' }, object: before }],
      previous: () => before,
    });
    const path = file('journal.json', serializeJournal({ ...journal, entries: journal.entries.map((e) => ({ ...e, status: 'sent' as const })) }));
    let out = '';
    const request = { journal: path, journalNamespace: 'kubeknock', yes: true, force: false, isFile: true };
    const d = { objects: () => objects, write: (t: string) => (out += t), note: () => undefined };
    expect(await undoRollout(request, d)).toBe(0);
    expect(out).toContain('restore NetworkPolicy one/db-ingress to its previous version');
    expect(objects.specOf('NetworkPolicy', 'one', 'db-ingress')).toEqual(before.spec);
    out = '';
    expect(await undoRollout(request, d)).toBe(0);
    // The whole output, down to its final newline: the shell prompt must not follow on the same line.
    expect(out).toBe(`nothing to undo: file ${path} (rollout u1, undone) has no change left in the cluster\n`);
  });

  it('refuses a journal of another cluster', async () => {
    const objects = new FakeObjects();
    const journal = newJournal({ id: 'u2', purpose: 'rollout', server: 'https://elsewhere:6443', at: 'x', sources: [], steps: [], changes: [], previous: () => undefined });
    const path = file('other.json', serializeJournal(journal));
    await expect(undoRollout({ journal: path, journalNamespace: 'kubeknock', yes: true, force: false, isFile: true }, { objects: () => objects, write: () => undefined, note: () => undefined })).rejects.toThrow(
      /was written against https:\/\/elsewhere:6443, but the current context talks to/,
    );
  });
});
