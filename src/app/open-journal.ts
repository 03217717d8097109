/**
 * Opens the journal of a set of changes: reads the stored version of every object they touch (before
 * any change), saves the journal, and hands back the writer that makes the changes step by step.
 */
import type { ObjectPort } from '../model/object-port.js';
import { refOf, sameRef, withoutServerFields, type KubeObject, type ObjectRef } from '../model/objects.js';
import { newJournal, type JournalPurpose, type PlannedChange } from '../rollout/journal.js';
import { JournaledChanges } from './journaled-changes.js';
import type { JournalStore } from './journal-store.js';

export interface JournalRequest {
  readonly id: string;
  readonly purpose: JournalPurpose;
  readonly sources: readonly string[];
  readonly steps: readonly { readonly index: number; readonly name: string }[];
  readonly changes: readonly PlannedChange[];
}

export async function openJournal(objects: ObjectPort, store: JournalStore, request: JournalRequest): Promise<JournaledChanges> {
  const refs: ObjectRef[] = [];
  for (const change of request.changes) if (!refs.some((r) => sameRef(r, change.ref))) refs.push(change.ref);
  const stored = await Promise.all(refs.map(async (ref) => ({ ref, object: await objects.get(ref) })));
  const previous = (ref: ObjectRef): KubeObject | undefined => {
    const found = stored.find((s) => sameRef(s.ref, ref))?.object;
    return found === undefined ? undefined : withoutServerFields(found);
  };
  const journal = newJournal({ ...request, server: objects.server, at: new Date().toISOString(), previous });
  const writer = new JournaledChanges(objects, store, journal);
  await writer.open();
  return writer;
}

/** The journal's changes for objects to apply and refs to delete, all in one step. */
export function changesOf(step: number, apply: readonly KubeObject[], remove: readonly ObjectRef[] = []): PlannedChange[] {
  return [...apply.map((object) => ({ step, action: 'apply' as const, ref: refOf(object), object })), ...remove.map((ref) => ({ step, action: 'delete' as const, ref }))];
}
