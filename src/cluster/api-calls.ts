import { apiError, apiStatusCode, classifyApiError } from './api-error.js';

/** How long an outage of an API server that has answered before is waited out, request by request. */
export const OUTAGE_BUDGET_MS = 30_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

export interface ApiCallsOptions {
  /** Told when an outage starts and ends, so the user sees why the run pauses. */
  readonly onOutage?: (event: OutageEvent) => void;
  readonly budgetMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export type OutageEvent =
  | { readonly type: 'lost'; readonly doing: string; readonly why: string; readonly budgetMs: number }
  | { readonly type: 'back'; readonly afterMs: number };

/**
 * Every API request of an adapter goes through here, so it is counted once (for `stats()` and the
 * bench) and fails with the same "what we were doing: why" message.
 *
 * Once the API server has answered, a lost connection or a 429/5xx is an outage (a restarting API
 * server, a load balancer failing over), and the request is retried with backoff for a bounded time:
 * giving up would leave probe pods behind that only their deadline removes. A server that never
 * answered is a configuration problem and fails at once.
 */
export class ApiCalls {
  private requests = 0;
  private execs = 0;
  private reached = false;
  private outageSince: number | undefined;
  private readonly budgetMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ApiCallsOptions = {}) {
    this.budgetMs = options.budgetMs ?? OUTAGE_BUDGET_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  get counts(): { readonly apiRequests: number; readonly execs: number } {
    return { apiRequests: this.requests, execs: this.execs };
  }

  /** Counts an exec: one request (the upgrade) and one exec. */
  countExec(): void {
    this.requests += 1;
    this.execs += 1;
  }

  async request<T>(doing: string, send: () => Promise<T>): Promise<T> {
    const result = await this.send(doing, send);
    if (result.ok) return result.value;
    throw apiError(doing, result.error);
  }

  /** Like `request`, but a 404 is an answer (undefined), not an error. */
  async requestOrNotFound<T>(doing: string, send: () => Promise<T>): Promise<T | undefined> {
    const result = await this.send(doing, send);
    if (result.ok) return result.value;
    if (apiStatusCode(result.error) === 404) return undefined;
    throw apiError(doing, result.error);
  }

  /**
   * Runs `attempt` (which reports failure by returning or throwing) again while the API server is in
   * an outage, within the budget. `isConnectionFailure` says why a result is one, or undefined when
   * the server answered (whatever it said).
   */
  async retryWhileOut<T>(doing: string, attempt: () => Promise<T>, isConnectionFailure: (result: T) => string | undefined): Promise<T> {
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      const result = await attempt();
      const why = isConnectionFailure(result);
      if (why === undefined) {
        this.answered();
        return result;
      }
      if (!this.mayWait(doing, why)) return result;
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /** One counted request, retried through an outage; an HTTP error answer is final. */
  private send<T>(doing: string, send: () => Promise<T>): Promise<Sent<T>> {
    return this.retryWhileOut(
      doing,
      async (): Promise<Sent<T>> => {
        this.requests += 1;
        try {
          return { ok: true, value: await send() };
        } catch (error) {
          return { ok: false, error };
        }
      },
      (result) => (result.ok ? undefined : outageReason(result.error)),
    );
  }

  private answered(): void {
    this.reached = true;
    if (this.outageSince !== undefined) {
      this.options.onOutage?.({ type: 'back', afterMs: this.now() - this.outageSince });
      this.outageSince = undefined;
    }
  }

  /** True while the outage is within budget; the first failure of an outage is announced. */
  private mayWait(doing: string, why: string): boolean {
    if (!this.reached) return false;
    if (this.outageSince === undefined) {
      this.outageSince = this.now();
      this.options.onOutage?.({ type: 'lost', doing, why, budgetMs: this.budgetMs });
    }
    return this.now() - this.outageSince < this.budgetMs;
  }
}

type Sent<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Why a failed request looks like an outage (no answer, 429, a 5xx), or undefined for a real answer. */
function outageReason(error: unknown): string | undefined {
  const code = apiStatusCode(error);
  if (code !== undefined && !isTransientCode(code)) return undefined;
  const failure = classifyApiError(error);
  return failure.reason ?? failure.message;
}

/** Too many requests, and the gateway/unavailable family: the server may answer in a moment. */
function isTransientCode(code: number): boolean {
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}
