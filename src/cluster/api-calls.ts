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

  /** Whether a failure to connect now is worth waiting out (the server answered before). */
  get outageRetriable(): boolean {
    return this.reached;
  }

  async request<T>(doing: string, send: () => Promise<T>): Promise<T> {
    return this.withRetry(doing, send, false);
  }

  /** Like `request`, but a 404 is an answer (undefined), not an error. */
  async requestOrNotFound<T>(doing: string, send: () => Promise<T>): Promise<T | undefined> {
    return this.withRetry(doing, send, true);
  }

  /**
   * Runs `attempt` (which reports failure by returning or throwing) again while the API server is in
   * an outage, within the budget. Used for execs, whose connection failures come back as values.
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

  private async withRetry<T>(doing: string, send: () => Promise<T>, notFoundIsAnswer: true): Promise<T | undefined>;
  private async withRetry<T>(doing: string, send: () => Promise<T>, notFoundIsAnswer: false): Promise<T>;
  private async withRetry<T>(doing: string, send: () => Promise<T>, notFoundIsAnswer: boolean): Promise<T | undefined> {
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      this.requests += 1;
      try {
        const result = await send();
        this.answered();
        return result;
      } catch (error) {
        const code = apiStatusCode(error);
        if (code !== undefined && !isTransientCode(code)) {
          this.answered();
          if (notFoundIsAnswer && code === 404) return undefined;
          throw apiError(doing, error);
        }
        const failure = classifyApiError(error);
        if (!this.mayWait(doing, failure.reason ?? failure.message)) throw apiError(doing, error);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
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

/** Too many requests, and the gateway/unavailable family: the server may answer in a moment. */
function isTransientCode(code: number): boolean {
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}
