/**
 * Limits on what one YAML file may cost to read. A few lines of nested aliases (the "billion laughs")
 * expand to gigabytes, and a huge file is no scenario or policy anyone reviews: both are refused with
 * a message that says which limit was hit, instead of exhausting memory or surfacing the YAML
 * library's exception.
 */
import type { Document } from 'yaml';

/** Alias uses per document, as the yaml package counts them while expanding (its `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

/** A scenario is a page or two of YAML; 1 MiB is far past any real one. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Manifests can be a whole cluster's dump (`kubectl get … -o yaml`), so they get more room. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

/** A rollout journal file (JSON) holds the objects of a rollout twice at most: the manifests' room. */
export const MAX_JOURNAL_BYTES = MAX_MANIFEST_BYTES;

export function sizeLimitProblem(bytes: number, limit: number, what: string): string | undefined {
  if (bytes <= limit) return undefined;
  return `the file is ${bytes} bytes (${formatBytes(bytes)}), over the ${formatBytes(limit)} limit (${limit} bytes) for ${what}; split it into smaller files`;
}

export type ToJsResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** The document as plain data, or why not: the yaml package throws a ReferenceError past the alias limit. */
export function toJsWithinLimits(doc: Document.Parsed | Document): ToJsResult {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return {
        ok: false,
        message: `aliases (*name) expand past the limit of ${MAX_ALIAS_COUNT} alias uses per document (nested aliases grow exponentially, the "billion laughs" attack); write the values out instead`,
      };
    }
    throw error;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${bytes} bytes`;
}

/** A flows file of 10,000 flows is about 6 MB of YAML: the manifests' room holds five times that. */
export const MAX_FLOWS_BYTES = MAX_MANIFEST_BYTES;
