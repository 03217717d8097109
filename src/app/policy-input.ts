/**
 * Where predict, explain and lint get their objects: manifest files, or a reader of the live cluster
 * handed in by the CLI (the composition root), so this use case never imports the cluster adapter.
 */
import { decodeObjects, type DecodeIssue, type Inventory, type RawObject } from '../policy/index.js';
import { InputError, type InputIssue } from '../model/errors.js';
import { readManifests } from './read-manifests.js';

export type PolicySource =
  | { readonly type: 'files'; readonly paths: readonly string[]; readonly cwd: string }
  | { readonly type: 'cluster'; readonly read: () => Promise<readonly RawObject[]> };

export interface PolicyInput {
  readonly inventory: Inventory;
  /** Problems inside NetworkPolicies the API server would reject (those policies are left out). */
  readonly rejectedPolicies: readonly DecodeIssue[];
}

/** Reads and decodes; unreadable files, YAML errors and bad non-policy objects are an InputError. */
export async function loadPolicyInput(source: PolicySource): Promise<PolicyInput> {
  let objects: readonly RawObject[];
  const issues: InputIssue[] = [];
  if (source.type === 'files') {
    const read = await readManifests(source.paths, source.cwd);
    objects = read.objects;
    issues.push(...read.issues);
  } else {
    objects = await source.read();
  }
  const decoded = decodeObjects(objects);
  issues.push(...decoded.issues.filter((issue) => !issue.policy).map(toInputIssue));
  if (issues.length > 0) throw new InputError(describeCount(issues.length, 'the manifests'), issues);
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

export function toInputIssue(issue: DecodeIssue): InputIssue {
  return {
    file: issue.file,
    line: issue.line,
    ...(issue.column === undefined ? {} : { column: issue.column }),
    path: issue.path,
    message: issue.object ? `${issue.message} (${issue.object})` : issue.message,
  };
}

function describeCount(count: number, where: string): string {
  return `${count} problem${count === 1 ? '' : 's'} in ${where}`;
}
