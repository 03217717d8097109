/**
 * Where predict, explain and lint get their objects: manifest files, or a reader of the live cluster
 * handed in by the CLI (the composition root), so this use case never imports the cluster adapter.
 */
import { READ_KINDS, decodeObjects, toInputIssue, type DecodeIssue, type Inventory, type RawObject, type SkippedObject } from '../policy/index.js';
import { InputError, type InputIssue } from '../model/errors.js';
import type { SearchedPath } from '../scenario/read-manifests.js';
import { appendAll } from '../model/arrays.js';
import { defaultedNote, readManifestObjects } from './manifest-objects.js';

export type PolicySource = (
  | {
      readonly type: 'files';
      readonly paths: readonly string[];
      readonly cwd: string;
      /** -n: where objects that name no namespace go; an object naming another is refused (as kubectl apply does). */
      readonly namespaces?: readonly string[];
    }
  | { readonly type: 'cluster'; readonly read: () => Promise<readonly RawObject[]> }
) & {
  /** Told about objects left out (kinds the engine does not read, one line per file), put in "default", or read once. */
  readonly note?: (text: string) => void;
};

export interface PolicyInput {
  readonly inventory: Inventory;
  /** Problems inside NetworkPolicies the API server would reject (those policies are left out). */
  readonly rejectedPolicies: readonly DecodeIssue[];
}

/** Reads and decodes; unreadable files, YAML errors and bad non-policy objects are an InputError. */
export async function loadPolicyInput(source: PolicySource): Promise<PolicyInput> {
  let objects: readonly RawObject[];
  const issues: InputIssue[] = [];
  let searched: readonly SearchedPath[] = [];
  const notes: string[] = [];
  if (source.type === 'files') {
    const read = await readManifestObjects(source.paths, source.cwd, { namespaces: source.namespaces ?? [], flag: '-n' });
    objects = read.objects;
    searched = read.searched;
    appendAll(issues, read.issues);
    appendAll(notes, [...read.merged, ...[defaultedNote(read.defaulted, '-n')].filter((note) => note !== undefined)]);
  } else {
    objects = await source.read();
  }
  const decoded = decodeObjects(objects);
  appendAll(issues, decoded.issues.filter((issue) => !issue.policy).map(toInputIssue));
  if (issues.length > 0) throw new InputError(describeCount(issues.length, 'the manifests'), issues);
  for (const line of [...skippedNotes(decoded.skipped), ...notes]) source.note?.(line);
  const { namespaces, pods, services, policies } = decoded.inventory;
  const clusterPolicies = decoded.inventory.clusterPolicies?.length ?? 0;
  if (source.type === 'files' && namespaces.length + pods.length + services.length + policies.length + clusterPolicies === 0 && decoded.issues.length === 0) {
    // An empty input must not pass as "no findings" or an empty table.
    throw new InputError(`nothing to read in the manifests: ${searchedText(searched, decoded.skipped.length)}; kubeknock reads ${READ_KINDS}`);
  }
  return { inventory: decoded.inventory, rejectedPolicies: decoded.issues.filter((issue) => issue.policy) };
}

/** For predict and explain: a policy the API server would reject is bad input, not a finding. */
export async function loadInventory(source: PolicySource): Promise<Inventory> {
  const { inventory, rejectedPolicies } = await loadPolicyInput(source);
  if (rejectedPolicies.length > 0) {
    throw new InputError(describeCount(rejectedPolicies.length, 'NetworkPolicies the API server would reject'), rejectedPolicies.map(toInputIssue));
  }
  return inventory;
}

/** One line per file: the kinds left out, with counts; policy kinds of CNIs get a warning of their own. */
export function skippedNotes(skipped: readonly SkippedObject[]): string[] {
  const byFile = new Map<string, Map<string, number>>();
  for (const { file, kind } of skipped) {
    const kinds = byFile.get(file) ?? new Map<string, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    byFile.set(file, kinds);
  }
  return [...byFile].map(([file, kinds]) => {
    const list = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
    // `NetworkPolicy (projectcalico.org/v3)` keeps its API version: plain "NetworkPolicy" would read as the one kubeknock models.
    const policyKinds = [...kinds.keys()].filter((kind) => /Policy( \(|$)/.test(kind));
    const warning = policyKinds.length > 0 ? `; ${policyKinds.join(', ')} objects also filter traffic, and kubeknock does not model them: its verdicts leave them out` : '';
    return `${file}: ignored ${list} (not a kind kubeknock reads)${warning}`;
  });
}

function searchedText(searched: readonly SearchedPath[], skipped: number): string {
  const parts = searched.map(({ shown, directory, files }) =>
    directory ? `${shown} (a directory with ${files} .yaml/.yml/.json file${files === 1 ? '' : 's'}; subdirectories are not read)` : `${shown} (no object of those kinds)`,
  );
  return `${parts.join(', ')}${skipped > 0 ? `; ${skipped} object(s) of other kinds were ignored` : ''}`;
}

function describeCount(count: number, where: string): string {
  return `${count} problem${count === 1 ? '' : 's'} in ${where}`;
}
