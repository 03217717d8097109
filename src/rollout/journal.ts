/**
 * The journal of every change kubeknock makes to a user's cluster (a rollout, or the steps of a
 * multi-step scenario): for each object, its version before the first change, what was sent, and how
 * far the change got. It is saved before each write and after it, so `kubeknock rollout --undo` can put
 * everything back after the CLI died at any point (kill -9 between two writes included: an entry
 * marked `sent` may or may not have reached the server, and is restored either way). Pure: saving is
 * the JournalStore's job.
 */
import { describeRef, refOf, sameRef, type KubeObject, type ObjectRef } from '../model/objects.js';

export const JOURNAL_API_VERSION = 'kubeknock.dev/v1alpha1';
export const JOURNAL_KIND = 'ChangeJournal';

export type JournalPurpose = 'rollout' | 'steps';

/**
 * `in-progress` while changes are made; then `complete` (a rollout that passed: its changes stay),
 * `rolled-back` or `undone` (everything restored), `failed` (stopped with changes in place: the
 * journal says which), `restored` (a multi-step scenario put the cluster back after its steps).
 */
export type JournalState = 'in-progress' | 'complete' | 'failed' | 'rolled-back' | 'undone' | 'restored';

export type EntryStatus =
  /** Not attempted. */
  | 'pending'
  /** The write was sent; whether it arrived is unknown until `done`. */
  | 'sent'
  | 'done'
  /** Put back to `previous`. */
  | 'restored';

export interface JournalEntry {
  /** The step that makes this change (1-based). */
  readonly step: number;
  readonly action: 'apply' | 'delete';
  readonly ref: ObjectRef;
  /** The object before the journal's first change to it (server fields stripped); null: it did not exist. */
  readonly previous: KubeObject | null;
  /** What `apply` sends. */
  readonly object?: KubeObject;
  readonly status: EntryStatus;
  /** resourceVersion right after our write: a different one at undo time means someone changed it since. */
  readonly writtenVersion?: string;
}

export interface JournalEvent {
  readonly at: string;
  readonly text: string;
}

export interface Journal {
  readonly apiVersion: typeof JOURNAL_API_VERSION;
  readonly kind: typeof JOURNAL_KIND;
  readonly id: string;
  readonly purpose: JournalPurpose;
  readonly server: string;
  readonly createdAt: string;
  /** The input files, for people reading the journal. */
  readonly sources: readonly string[];
  readonly state: JournalState;
  readonly steps: readonly { readonly index: number; readonly name: string }[];
  readonly entries: readonly JournalEntry[];
  readonly events: readonly JournalEvent[];
}

export interface PlannedChange {
  readonly step: number;
  readonly action: 'apply' | 'delete';
  readonly ref: ObjectRef;
  readonly object?: KubeObject;
}

export function newJournal(fields: {
  readonly id: string;
  readonly purpose: JournalPurpose;
  readonly server: string;
  readonly at: string;
  readonly sources: readonly string[];
  readonly steps: readonly { readonly index: number; readonly name: string }[];
  readonly changes: readonly PlannedChange[];
  /** The stored version of every object a change touches, read before any change (undefined: absent). */
  readonly previous: (ref: ObjectRef) => KubeObject | undefined;
}): Journal {
  return {
    apiVersion: JOURNAL_API_VERSION,
    kind: JOURNAL_KIND,
    id: fields.id,
    purpose: fields.purpose,
    server: fields.server,
    createdAt: fields.at,
    sources: fields.sources,
    state: 'in-progress',
    steps: fields.steps,
    entries: fields.changes.map((change) => ({
      step: change.step,
      action: change.action,
      ref: change.ref,
      previous: fields.previous(change.ref) ?? null,
      ...(change.object ? { object: change.object } : {}),
      status: 'pending' as const,
    })),
    events: [{ at: fields.at, text: `journal opened: ${fields.changes.length} change(s) in ${fields.steps.length} step(s)` }],
  };
}

export function withEntry(journal: Journal, index: number, status: EntryStatus, writtenVersion?: string): Journal {
  return {
    ...journal,
    entries: journal.entries.map((entry, i) => (i === index ? { ...entry, status, ...(writtenVersion === undefined ? {} : { writtenVersion }) } : entry)),
  };
}

export function withState(journal: Journal, state: JournalState, at: string, text: string): Journal {
  return { ...journal, state, events: [...journal.events, { at, text }] };
}

export function withEvent(journal: Journal, at: string, text: string): Journal {
  return { ...journal, events: [...journal.events, { at, text }] };
}

/** Indexes of a step's entries, in order. */
export function entriesOfStep(journal: Journal, step: number): number[] {
  return journal.entries.flatMap((entry, index) => (entry.step === step ? [index] : []));
}

/** Steps with at least one change that may have reached the server. */
export function touchedSteps(journal: Journal): number[] {
  return [...new Set(journal.entries.filter((e) => e.status === 'sent' || e.status === 'done').map((e) => e.step))].sort((a, b) => a - b);
}

/** How to put one object back as it was before the journal's first change to it. */
export type RestoreAction =
  | { readonly type: 'delete'; readonly ref: ObjectRef; readonly entries: readonly number[] }
  | { readonly type: 'replace'; readonly object: KubeObject; readonly entries: readonly number[] }
  /** Namespaces: only their labels are ever changed, so only the labels a change set are put back. */
  | { readonly type: 'labels'; readonly ref: ObjectRef; readonly labels: Readonly<Record<string, string | null>>; readonly entries: readonly number[] };

/**
 * Every object a change may have reached, newest first, once each: its state before the journal's
 * first change to it (the `previous` of its first entry) is the state to restore.
 */
export function restoreActions(journal: Journal): RestoreAction[] {
  const reached = journal.entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.status === 'sent' || entry.status === 'done');
  const byObject: { ref: ObjectRef; first: JournalEntry; indexes: number[]; labelKeys: Set<string> }[] = [];
  for (const { entry, index } of reached) {
    let group = byObject.find((g) => sameRef(g.ref, entry.ref));
    if (!group) {
      group = { ref: entry.ref, first: journal.entries.find((e) => sameRef(e.ref, entry.ref)) ?? entry, indexes: [], labelKeys: new Set() };
      byObject.push(group);
    }
    group.indexes.push(index);
    for (const key of Object.keys(entry.object?.metadata.labels ?? {})) group.labelKeys.add(key);
  }
  return byObject.reverse().map(({ ref, first, indexes, labelKeys }): RestoreAction => {
    const previous = first.previous;
    if (ref.kind === 'Namespace') {
      const before = previous?.metadata.labels ?? {};
      return { type: 'labels', ref, labels: Object.fromEntries([...labelKeys].sort().map((key) => [key, before[key] ?? null])), entries: indexes };
    }
    if (previous === null) return { type: 'delete', ref, entries: indexes };
    return { type: 'replace', object: previous, entries: indexes };
  });
}

export function describeRestore(action: RestoreAction): string {
  switch (action.type) {
    case 'delete':
      return `delete ${describeRef(action.ref)} (it did not exist before)`;
    case 'replace':
      return `restore ${describeRef(refOf(action.object))} to its previous version`;
    case 'labels':
      return `restore the labels ${Object.keys(action.labels).join(', ')} of ${describeRef(action.ref)}`;
  }
}

/** The journal as stored (JSON), and back; a file that is not a journal says so. */
export function serializeJournal(journal: Journal): string {
  return `${JSON.stringify(journal, null, 2)}\n`;
}

export function parseJournal(text: string, where: string): Journal {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not a kubeknock journal: not JSON (${(error as Error).message})`);
  }
  const record = value as Partial<Journal> | null;
  if (typeof record !== 'object' || record === null || record.kind !== JOURNAL_KIND || record.apiVersion !== JOURNAL_API_VERSION) {
    throw new Error(`${where} is not a kubeknock journal: it needs "apiVersion: ${JOURNAL_API_VERSION}" and "kind: ${JOURNAL_KIND}"`);
  }
  if (!Array.isArray(record.entries) || typeof record.id !== 'string' || typeof record.state !== 'string') {
    throw new Error(`${where}: a ${JOURNAL_KIND} with no id, state or entries; was it edited by hand?`);
  }
  return record as Journal;
}
