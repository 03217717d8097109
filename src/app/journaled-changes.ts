/**
 * Makes the changes of a journal step by step, saving the journal before and after each write, and
 * puts everything back. The journal is the single source of truth: after a crash, `--undo` builds the
 * same restore from the saved copy.
 */
import type { ObjectPort } from '../model/object-port.js';
import { describeRef, refOf, resourceVersionOf, sameRef, type ObjectRef } from '../model/objects.js';
import { describeError } from '../model/errors.js';
import { describeRestore, entriesOfStep, restoreActions, withEntry, withEvent, withState, type Journal, type JournalState, type RestoreAction } from '../rollout/journal.js';
import type { JournalStore } from './journal-store.js';

export interface RestoreOutcome {
  /** One line per object put back. */
  readonly restored: readonly string[];
  /** Objects someone else changed after our write: left alone unless forced. */
  readonly changedSince: readonly string[];
  /** Restores that failed, with why. */
  readonly failures: readonly string[];
}

export class JournaledChanges {
  private current: Journal;

  constructor(
    private readonly objects: ObjectPort,
    private readonly store: JournalStore,
    journal: Journal,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {
    this.current = journal;
  }

  get journal(): Journal {
    return this.current;
  }

  get where(): string {
    return this.store.where;
  }

  async open(): Promise<void> {
    await this.store.save(this.current);
  }

  /** Applies (or deletes) every object of the step, in order; returns a line per change. */
  async applyStep(step: number): Promise<string[]> {
    const lines: string[] = [];
    for (const index of entriesOfStep(this.current, step)) {
      const entry = this.current.entries[index];
      if (!entry) continue;
      await this.save(withEntry(this.current, index, 'sent'));
      if (entry.action === 'apply') {
        if (!entry.object) throw new Error(`journal entry ${index} (${describeRef(entry.ref)}) has nothing to apply`);
        const stored = await this.objects.apply(entry.object);
        await this.save(withEntry(this.current, index, 'done', resourceVersionOf(stored)));
        lines.push(`${existedBefore(this.current, index) ? 'updated' : 'created'} ${describeRef(entry.ref)}`);
      } else {
        const existed = await this.objects.delete(entry.ref);
        await this.save(withEntry(this.current, index, 'done'));
        lines.push(existed ? `deleted ${describeRef(entry.ref)}` : `${describeRef(entry.ref)} was already absent`);
      }
    }
    return lines;
  }

  async finish(state: JournalState, text: string): Promise<void> {
    await this.save(withState(this.current, state, this.now(), text));
  }

  async note(text: string): Promise<void> {
    await this.save(withEvent(this.current, this.now(), text));
  }

  /**
   * Puts every object a change may have reached back to its state before the journal. An object
   * whose resourceVersion moved since our write was changed by someone else: it is left alone (and
   * named) unless `force`.
   */
  async restoreAll(options: { readonly force: boolean; readonly finalState: JournalState; readonly reason: string }): Promise<RestoreOutcome> {
    return restore(this.objects, this.current, options, (journal) => this.save(journal));
  }

  private async save(journal: Journal): Promise<void> {
    this.current = journal;
    await this.store.save(journal);
  }
}

/** Whether the entry's object existed right before its write: after an earlier entry of the journal, or before the journal. */
function existedBefore(journal: Journal, index: number): boolean {
  const entry = journal.entries[index];
  if (!entry) return false;
  const earlier = journal.entries.slice(0, index).filter((e) => sameRef(e.ref, entry.ref) && e.status === 'done').at(-1);
  return earlier === undefined ? entry.previous !== null : earlier.action === 'apply';
}

/** The restore itself, also used by `--undo` on a journal loaded from its store. */
export async function restore(
  objects: ObjectPort,
  initial: Journal,
  options: { readonly force: boolean; readonly finalState: JournalState; readonly reason: string },
  save: (journal: Journal) => Promise<void>,
  now: () => string = () => new Date().toISOString(),
): Promise<RestoreOutcome> {
  let journal = initial;
  const restored: string[] = [];
  const changedSince: string[] = [];
  const failures: string[] = [];
  for (const action of restoreActions(journal)) {
    const ref = refOfAction(action);
    try {
      if (!options.force) {
        const moved = await changedByOthers(objects, journal, action, ref);
        if (moved) {
          changedSince.push(`${describeRef(ref)} (${moved})`);
          continue;
        }
      }
      await perform(objects, action);
      for (const index of action.entries) journal = withEntry(journal, index, 'restored');
      restored.push(describeRestore(action));
    } catch (error) {
      failures.push(`${describeRestore(action)}: ${describeError(error)}`);
    }
  }
  const complete = changedSince.length === 0 && failures.length === 0;
  const text = complete
    ? `${options.reason}: restored ${restored.length} object(s)`
    : `${options.reason}: restored ${restored.length} object(s), ${changedSince.length + failures.length} not restored`;
  journal = withState(journal, complete ? options.finalState : 'failed', now(), text);
  await save(journal);
  return { restored, changedSince, failures };
}

function refOfAction(action: RestoreAction): ObjectRef {
  return action.type === 'replace' ? refOf(action.object) : action.ref;
}

async function perform(objects: ObjectPort, action: RestoreAction): Promise<void> {
  switch (action.type) {
    case 'delete':
      await objects.delete(action.ref);
      return;
    case 'replace':
      await objects.replace(action.object);
      return;
    case 'labels':
      await objects.patchLabels(action.ref, action.labels);
      return;
  }
}

/**
 * Why the stored object is no longer what our last write left, or undefined. Namespaces are never
 * compared (only their labels are put back, and other controllers touch them all the time).
 */
async function changedByOthers(objects: ObjectPort, journal: Journal, action: RestoreAction, ref: ObjectRef): Promise<string | undefined> {
  if (action.type === 'labels') return undefined;
  const last = [...action.entries].map((index) => journal.entries[index]).filter((e) => e !== undefined).at(-1);
  if (!last || last.status !== 'done') return undefined;
  const stored = await objects.get(ref);
  if (last.action === 'delete') return stored === undefined ? undefined : 'it was created again after kubeknock deleted it';
  if (stored === undefined) return 'it was deleted after kubeknock applied it';
  const version = resourceVersionOf(stored);
  return last.writtenVersion !== undefined && version !== last.writtenVersion ? `changed after kubeknock applied it: resourceVersion ${last.writtenVersion} → ${version ?? '?'}` : undefined;
}
