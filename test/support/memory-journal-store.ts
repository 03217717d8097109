/**
 * A JournalStore in memory that keeps every saved version, round-tripped through the stored form as a
 * ConfigMap or file would, so a test can "crash" after any save and restore from the last one.
 */
import type { JournalStore } from '../../src/app/journal-store.js';
import { parseJournal, serializeJournal, type Journal } from '../../src/rollout/journal.js';

export function memoryJournalStore(): JournalStore & { readonly saved: Journal[] } {
  const saved: Journal[] = [];
  return {
    saved,
    where: 'memory',
    undoArgument: 'memory',
    async save(journal) {
      saved.push(parseJournal(serializeJournal(journal), 'memory'));
    },
    async load() {
      const last = saved.at(-1);
      if (!last) throw new Error('nothing saved');
      return last;
    },
  };
}
