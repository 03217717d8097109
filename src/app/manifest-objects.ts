/**
 * Objects from -f files as `kubectl apply -f` would see them: read, placed in their namespace (-n, or
 * "default" without it, said in a note), and read once when a file set gives the same object twice.
 * Shared by predict, explain, lint, diff, discover and rollout, so they all agree on what a file means.
 */
import type { InputIssue } from '../model/errors.js';
import { mergeDuplicates } from '../policy/decode/duplicates.js';
import { DEFAULT_NAMESPACE, placeNamespaces, type DefaultedObject, type Placement } from '../policy/decode/namespace-placement.js';
import type { RawObject } from '../policy/index.js';
import { readManifests, type SearchedPath } from '../scenario/read-manifests.js';

export interface ManifestObjects {
  readonly objects: readonly RawObject[];
  readonly issues: readonly InputIssue[];
  readonly searched: readonly SearchedPath[];
  /** Namespaced objects that named no namespace, put in "default" because no -n was given. */
  readonly defaulted: readonly DefaultedObject[];
  /** One line per object read once though given several times. */
  readonly merged: readonly string[];
}

export async function readManifestObjects(paths: readonly string[], cwd: string, placement: Placement): Promise<ManifestObjects> {
  const read = await readManifests(paths, cwd);
  const placed = placeNamespaces(read.objects, placement);
  const merged = mergeDuplicates(placed.objects);
  return { objects: merged.objects, issues: [...read.issues, ...placed.issues, ...merged.issues], searched: read.searched, defaulted: placed.defaulted, merged: merged.merged };
}

/** The one note for objects put in "default": how many, the first few, and the flag that places them elsewhere. */
export function defaultedNote(defaulted: ManifestObjects['defaulted'], flag: string): string | undefined {
  if (defaulted.length === 0) return undefined;
  const shown = defaulted.slice(0, 3).map(({ what, file, line }) => `${what} at ${file}${line > 0 ? `:${line}` : ''}`);
  const more = defaulted.length > shown.length ? `, and ${defaulted.length - shown.length} more` : '';
  return `${defaulted.length} object${defaulted.length === 1 ? '' : 's'} name${defaulted.length === 1 ? 's' : ''} no namespace (${shown.join(', ')}${more}): read in namespace "${DEFAULT_NAMESPACE}"; pass ${flag} NAMESPACE to place them elsewhere, as with kubectl apply`;
}
