/**
 * The one HTTP call of the metrics: PUT an exposition as one Pushgateway group. PUT replaces every
 * series of the group, so a cell that no longer fails disappears with the next push.
 */
import { InfraError } from '../../model/errors.js';
import { groupPath, type GroupingKey } from './grouping.js';

/** The subset of `fetch` the push uses; tests hand in the real one against a real Pushgateway. */
export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ readonly status: number; readonly statusText: string; text(): Promise<string> }>;

/** A push that has not answered by then has failed: an audit must not hang on its metrics. */
export const PUSH_TIMEOUT_MS = 15_000;

export async function putGroup(fetchFn: Fetch, baseUrl: string, key: GroupingKey, body: string, contentType: string): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}${groupPath(key)}`;
  let response: Awaited<ReturnType<Fetch>>;
  try {
    response = await fetchFn(url, { method: 'PUT', headers: { 'Content-Type': contentType }, body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${PUSH_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new InfraError(`pushing the metrics to ${url} failed: ${why}; check the --pushgateway URL and that the Pushgateway is reachable from here`, { cause: error, causeSummarized: true });
  }
  if (response.status >= 200 && response.status < 300) return;
  const text = (await response.text().catch(() => '')).trim().replace(/\s+/g, ' ').slice(0, 500);
  throw new InfraError(`pushing the metrics to ${url} failed: HTTP ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`);
}
