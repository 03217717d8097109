/**
 * Whether a valid flows document may be used here and now: flows observed on another cluster describe
 * other workloads, and old flows miss what started talking since. Pure: the caller passes `now` and
 * the current API server.
 *
 * API: `parseFlowsMaxAge(text)`, `flowsAgeProblem(document, now, maxAgeSeconds)`,
 * `flowsClusterProblem(document, server)`, `DEFAULT_FLOWS_MAX_AGE`.
 */
import { durationWithUnitsSeconds } from './duration.js';
import type { FlowsDocument } from './types.js';

/**
 * A week: an observation keeps the daily and weekly jobs it caught (a nightly report, a Monday batch)
 * for one cycle; past that, workloads have been deployed that it never saw. `--flows-max-age 0` turns
 * the check off for a file kept on purpose (a reviewed baseline in git).
 */
export const DEFAULT_FLOWS_MAX_AGE = '7d';

export type MaxAge = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly problem: string };

/** `24h`, `90m`, `1h30m`, `7d`, `45s`; `0` turns the check off (seconds 0). */
export function parseFlowsMaxAge(text: string): MaxAge {
  const trimmed = text.trim();
  if (trimmed === '0') return { ok: true, seconds: 0 };
  const seconds = durationWithUnitsSeconds(trimmed);
  if (seconds === undefined) {
    return { ok: false, problem: `--flows-max-age ${JSON.stringify(text)}: expected a duration like 24h, 90m, 1h30m or 7d (s, m, h, d), or 0 to accept flows of any age` };
  }
  return { ok: true, seconds };
}

/** Why the flows are too old to trust, or undefined. Age runs from the end of the window. */
export function flowsAgeProblem(document: FlowsDocument, now: Date, maxAgeSeconds: number, maxAgeText: string): string | undefined {
  if (maxAgeSeconds <= 0) return undefined;
  const age = Math.floor((now.getTime() - Date.parse(document.window.end)) / 1000);
  if (age <= maxAgeSeconds) return undefined;
  return `observed until ${document.window.end}, ${ageText(age)} ago, older than --flows-max-age ${maxAgeText}: workloads deployed since then are missing from it; observe again (kubeknock observe -o FILE), or pass --flows-max-age 0 to use it anyway`;
}

/** Why the flows belong to another cluster, or undefined (also when the current server is not known). */
export function flowsClusterProblem(document: FlowsDocument, server: string | undefined): string | undefined {
  if (server === undefined || sameServer(document.cluster.server, server)) return undefined;
  return `observed on ${document.cluster.server}, but the current cluster (kubeconfig) is ${server}: these flows name another cluster's workloads; switch the kubeconfig context, or observe this cluster (kubeknock observe -o FILE)`;
}

/** `https://10.0.0.1:443/` and `https://10.0.0.1` are one server; case of the host does not matter. */
export function sameServer(a: string, b: string): boolean {
  return normalizeServer(a) === normalizeServer(b);
}

function normalizeServer(server: string): string {
  try {
    const url = new URL(server.trim());
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return server.trim().replace(/\/+$/, '').toLowerCase();
  }
}

function ageText(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.floor(seconds / 60))} min`;
  if (seconds < 2 * 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} days`;
}
