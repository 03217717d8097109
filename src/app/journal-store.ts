/**
 * Where a change journal is kept: a ConfigMap in the cluster (the default: it survives the machine the
 * CLI ran on) or a local file (`--journal FILE`). Both are written whole on every save; the
 * ConfigMap through server-side apply, the file through a rename, so a crash mid-save leaves the last
 * complete version.
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../model/labels.js';
import type { ObjectPort } from '../model/object-port.js';
import type { KubeObject, ObjectRef } from '../model/objects.js';
import { InputError, describeError } from '../model/errors.js';
import { parseJournal, serializeJournal, type Journal } from '../rollout/journal.js';
import { readInputFile } from '../scenario/file-kind.js';
import { writeOutputFile } from './output-file.js';
import { MAX_JOURNAL_BYTES } from '../scenario/yaml-limits.js';

export const JOURNAL_NAMESPACE = 'kubeknock';
export const JOURNAL_KEY = 'journal.json';
export const JOURNAL_COMPONENT_LABEL = 'app.kubernetes.io/component';
export const JOURNAL_COMPONENT = 'change-journal';

export interface JournalStore {
  /** `ConfigMap kubeknock/kubeknock-journal-1a2b3c4d` or `file rollout.json`: for messages. */
  readonly where: string;
  /** What to give `kubeknock rollout --undo` to restore from this journal. */
  readonly undoArgument: string;
  save(journal: Journal): Promise<void>;
  load(): Promise<Journal>;
}

export function journalConfigMapName(id: string): string {
  return `kubeknock-journal-${id}`;
}

export function configMapJournalStore(objects: ObjectPort, namespace: string, name: string): JournalStore {
  const ref: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name };
  return {
    where: `ConfigMap ${namespace}/${name}`,
    undoArgument: `${namespace}/${name}`,
    async save(journal) {
      const configMap: KubeObject = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [JOURNAL_COMPONENT_LABEL]: JOURNAL_COMPONENT } },
        data: { [JOURNAL_KEY]: serializeJournal(journal) },
      };
      await objects.apply(configMap);
    },
    async load() {
      const found = await objects.get(ref);
      if (found === undefined) throw new InputError(`no journal ConfigMap ${namespace}/${name}: "kubectl get configmaps -n ${namespace} -l ${JOURNAL_COMPONENT_LABEL}=${JOURNAL_COMPONENT}" lists the journals there`);
      const text = (found as { data?: Record<string, string> }).data?.[JOURNAL_KEY];
      if (text === undefined) throw new InputError(`ConfigMap ${namespace}/${name} holds no ${JOURNAL_KEY}: it is not a kubeknock journal`);
      return parseJournalOrInputError(text, `ConfigMap ${namespace}/${name}`);
    },
  };
}

export function fileJournalStore(file: string): JournalStore {
  return {
    where: `file ${file}`,
    undoArgument: file,
    async save(journal) {
      await writeOutputFile(file, serializeJournal(journal), { mode: 0o600 });
    },
    async load() {
      const read = await readInputFile(file, { what: 'a journal file', maxBytes: MAX_JOURNAL_BYTES });
      if (!read.ok) throw new InputError(`cannot read the journal ${file}: ${read.problem}`);
      return parseJournalOrInputError(read.bytes.toString('utf8'), file);
    },
  };
}

function parseJournalOrInputError(text: string, where: string): Journal {
  try {
    return parseJournal(text, where);
  } catch (error) {
    throw new InputError(describeError(error));
  }
}
