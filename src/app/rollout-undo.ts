/**
 * `kubeknock rollout --undo JOURNAL`: puts back every object a rollout (or a multi-step scenario)
 * changed, from its saved journal, also after the CLI that made the changes died. An object someone
 * changed after kubeknock wrote it is left alone and named, unless `--force`.
 */
import { InputError } from '../model/errors.js';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../model/kube-rules.js';
import type { ObjectPort } from '../model/object-port.js';
import { describeRestore, restoreActions } from '../rollout/journal.js';
import { restore } from './journaled-changes.js';
import { configMapJournalStore, fileJournalStore, journalConfigMapName, type JournalStore } from './journal-store.js';

export interface UndoRequest {
  /** A journal file, `namespace/configmap`, a ConfigMap name, or a rollout id. */
  readonly journal: string;
  readonly journalNamespace: string;
  readonly yes: boolean;
  readonly force: boolean;
  /** Whether the argument names an existing file (the CLI looks). */
  readonly isFile: boolean;
}

export interface UndoDeps {
  readonly objects: () => ObjectPort;
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly write: (text: string) => void;
  readonly note: (text: string) => void;
}

export function journalStoreFor(request: Pick<UndoRequest, 'journal' | 'journalNamespace' | 'isFile'>, objects: () => ObjectPort): JournalStore {
  const given = request.journal;
  if (request.isFile || /\.json$/i.test(given)) return fileJournalStore(given);
  const usage = 'name a journal file, NAMESPACE/CONFIGMAP, a ConfigMap name or a rollout id';
  const parts = given.split('/');
  const [namespace, name] = parts.length === 2 ? parts : parts.length === 1 ? [request.journalNamespace, given] : [];
  if (!namespace || !name) throw new InputError(`--undo ${JSON.stringify(given)}: ${usage}`);
  // A name the API server would refuse is no journal anyone saved: refused here, before any request.
  const configMap = name.startsWith('kubeknock-journal-') ? name : journalConfigMapName(name);
  const problem = dns1123LabelProblem(namespace) ?? dns1123SubdomainProblem(configMap);
  if (problem) throw new InputError(`--undo ${JSON.stringify(given)}: no file of that name, and not a journal ConfigMap either: ${problem}; ${usage}`);
  return configMapJournalStore(objects(), namespace, configMap);
}

export async function undoRollout(request: UndoRequest, deps: UndoDeps): Promise<number> {
  if (!request.yes && deps.confirm === undefined) {
    throw new InputError('refusing to change the cluster without --yes: stdin is not a terminal, so nobody can confirm the undo');
  }
  // The journal's name (and a journal file) is checked before the cluster is even looked up.
  let connected: ObjectPort | undefined;
  const connect = (): ObjectPort => (connected ??= deps.objects());
  const store = journalStoreFor(request, connect);
  const journal = await store.load();
  const objects = connect();
  if (journal.server !== objects.server) {
    throw new InputError(`${store.where} was written against ${journal.server}, but the current context talks to ${objects.server}; switch context (--context) to undo it there`);
  }
  const actions = restoreActions(journal);
  if (actions.length === 0) {
    deps.write(`nothing to undo: ${store.where} (${journal.purpose} ${journal.id}, ${journal.state}) has no change left in the cluster\n`);
    return 0;
  }
  deps.write(`undo of ${journal.purpose} ${journal.id} (${journal.state}, journal ${store.where}):\n${actions.map((a) => `  ${describeRestore(a)}`).join('\n')}\n`);
  if (!request.yes && !(await deps.confirm?.(`Restore these ${actions.length} object(s) on ${objects.server}? [y/N] `))) {
    deps.note('not confirmed: nothing was changed');
    return 1;
  }
  const outcome = await restore(objects, journal, { force: request.force, finalState: 'undone', reason: 'kubeknock rollout --undo' }, (j) => store.save(j));
  const lines = [`restored ${outcome.restored.length} of ${actions.length} object(s)`, ...outcome.restored.map((line) => `  ${line}`)];
  for (const left of outcome.changedSince) lines.push(`  left alone, changed by someone else since kubeknock wrote it: ${left} (--force restores it anyway)`);
  for (const failure of outcome.failures) lines.push(`  failed: ${failure}`);
  deps.write(`${lines.join('\n')}\n`);
  if (outcome.failures.length > 0) return 2;
  return outcome.changedSince.length > 0 ? 1 : 0;
}
