import { describe, expect, it } from 'vitest';
import { JournaledChanges, restore } from '../../src/app/journaled-changes.js';
import { changesOf, openJournal } from '../../src/app/open-journal.js';
import type { JournalStore } from '../../src/app/journal-store.js';
import { parseJournal, restoreActions } from '../../src/rollout/journal.js';
import { FakeObjects, networkPolicy } from '../support/fake-objects.js';
import { memoryJournalStore } from '../support/memory-journal-store.js';

const denyAll = networkPolicy('shop', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
const allowOld = networkPolicy('shop', 'allow-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] });
const allowNew = networkPolicy('shop', 'allow-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] });

async function twoStepJournal(objects: FakeObjects, store: JournalStore): Promise<JournaledChanges> {
  return openJournal(objects, store, {
    id: 'r1',
    purpose: 'rollout',
    sources: ['p.yaml'],
    steps: [
      { index: 1, name: 'allow' },
      { index: 2, name: 'deny' },
    ],
    changes: [...changesOf(1, [allowNew]), ...changesOf(2, [denyAll])],
  });
}

describe('change journal', () => {
  it('records the previous version of every object before any change, and restores it exactly', async () => {
    const objects = new FakeObjects([allowOld]);
    const store = memoryJournalStore();
    const writer = await twoStepJournal(objects, store);
    expect(store.saved[0]?.entries.map((e) => [e.ref.name, e.previous === null ? 'absent' : 'present', e.status])).toEqual([
      ['allow-web', 'present', 'pending'],
      ['deny-all', 'absent', 'pending'],
    ]);
    expect(await writer.applyStep(1)).toEqual(['updated NetworkPolicy shop/allow-web']);
    expect(await writer.applyStep(2)).toEqual(['created NetworkPolicy shop/deny-all']);
    expect(objects.specOf('NetworkPolicy', 'shop', 'allow-web')).toEqual(allowNew.spec);

    const outcome = await writer.restoreAll({ force: false, finalState: 'rolled-back', reason: 'test' });
    expect(outcome).toEqual({ restored: ['delete NetworkPolicy shop/deny-all (it did not exist before)', 'restore NetworkPolicy shop/allow-web to its previous version'], changedSince: [], failures: [] });
    expect(objects.specOf('NetworkPolicy', 'shop', 'allow-web')).toEqual(allowOld.spec);
    expect(objects.specOf('NetworkPolicy', 'shop', 'deny-all')).toBeUndefined();
    expect(store.saved.at(-1)?.state).toBe('rolled-back');
  });

  it('says "updated" for an object an earlier step created, and "created" for one an earlier step deleted', async () => {
    const denyEgress = networkPolicy('shop', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const objects = new FakeObjects([]);
    const writer = await openJournal(objects, memoryJournalStore(), {
      id: 'r2',
      purpose: 'rollout',
      sources: ['p.yaml'],
      steps: [1, 2, 3, 4].map((index) => ({ index, name: `step ${index}` })),
      changes: [...changesOf(1, [denyAll]), ...changesOf(2, [denyEgress]), ...changesOf(3, [], [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'deny-all' }]), ...changesOf(4, [denyAll])],
    });
    expect(await writer.applyStep(1)).toEqual(['created NetworkPolicy shop/deny-all']);
    // It did not exist before the journal, but step 1 made it: step 2 changes it.
    expect(await writer.applyStep(2)).toEqual(['updated NetworkPolicy shop/deny-all']);
    expect(await writer.applyStep(3)).toEqual(['deleted NetworkPolicy shop/deny-all']);
    expect(await writer.applyStep(4)).toEqual(['created NetworkPolicy shop/deny-all']);
  });

  it('after a crash between a write and its confirmation, the saved journal still restores that object', async () => {
    // The second write (step 2's apply) dies as if the connection dropped: entry 2 stays "sent".
    const objects = new FakeObjects([allowOld], { failWrite: 2 });
    const store = memoryJournalStore();
    const writer = await twoStepJournal(objects, store);
    await writer.applyStep(1);
    await expect(writer.applyStep(2)).rejects.toThrow(/socket hang up/);
    const saved = await store.load();
    expect(saved.entries.map((e) => e.status)).toEqual(['done', 'sent']);
    expect(restoreActions(saved).map((a) => a.type)).toEqual(['delete', 'replace']);
    await restore(objects, saved, { force: false, finalState: 'undone', reason: 'undo' }, (j) => store.save(j));
    expect(objects.specOf('NetworkPolicy', 'shop', 'allow-web')).toEqual(allowOld.spec);
    expect(store.saved.at(-1)?.state).toBe('undone');
  });

  it('leaves an object someone changed after kubeknock wrote it, unless forced', async () => {
    const objects = new FakeObjects([allowOld]);
    const store = memoryJournalStore();
    const writer = await twoStepJournal(objects, store);
    await writer.applyStep(1);
    objects.touch({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-web' });
    const outcome = await writer.restoreAll({ force: false, finalState: 'rolled-back', reason: 'test' });
    expect(outcome.restored).toEqual([]);
    expect(outcome.changedSince[0]).toMatch(/^NetworkPolicy shop\/allow-web \(changed after kubeknock applied it: resourceVersion \d+ → \d+\)$/);
    expect(store.saved.at(-1)?.state).toBe('failed');
    const forced = await restore(objects, await store.load(), { force: true, finalState: 'undone', reason: 'undo' }, (j) => store.save(j));
    expect(forced.restored).toHaveLength(1);
    expect(objects.specOf('NetworkPolicy', 'shop', 'allow-web')).toEqual(allowOld.spec);
  });

  it('puts back only the namespace labels a change set', async () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a', env: 'prod' } } };
    const objects = new FakeObjects([ns]);
    const store = memoryJournalStore();
    const writer = await openJournal(objects, store, {
      id: 'r2',
      purpose: 'steps',
      sources: [],
      steps: [{ index: 1, name: 'relabel' }],
      changes: changesOf(1, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'b', new: 'x' } } }]),
    });
    await writer.applyStep(1);
    expect((await objects.get({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' }))?.metadata.labels).toEqual({ team: 'b', env: 'prod', new: 'x' });
    await writer.restoreAll({ force: false, finalState: 'restored', reason: 'test' });
    expect((await objects.get({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' }))?.metadata.labels).toEqual({ team: 'a', env: 'prod' });
  });

  it('refuses a text that is not a journal, saying what it needs', () => {
    expect(() => parseJournal('{"kind":"ConfigMap"}', 'x.json')).toThrow('x.json is not a kubeknock journal: it needs "apiVersion: kubeknock.dev/v1alpha1" and "kind: ChangeJournal"');
    expect(() => parseJournal('nope', 'x.json')).toThrow(/x.json is not a kubeknock journal: not JSON/);
  });
});
