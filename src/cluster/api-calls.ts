import { apiError, apiStatusCode } from './api-error.js';

/**
 * Every API request of an adapter goes through here, so it is counted once (for `stats()` and the
 * bench) and fails with the same "what we were doing: why" message.
 */
export class ApiCalls {
  private requests = 0;
  private execs = 0;

  get counts(): { readonly apiRequests: number; readonly execs: number } {
    return { apiRequests: this.requests, execs: this.execs };
  }

  /** Counts an exec: one request (the upgrade) and one exec. */
  countExec(): void {
    this.requests += 1;
    this.execs += 1;
  }

  async request<T>(doing: string, send: () => Promise<T>): Promise<T> {
    this.requests += 1;
    try {
      return await send();
    } catch (error) {
      throw apiError(doing, error);
    }
  }

  /** Like `request`, but a 404 is an answer (undefined), not an error. */
  async requestOrNotFound<T>(doing: string, send: () => Promise<T>): Promise<T | undefined> {
    this.requests += 1;
    try {
      return await send();
    } catch (error) {
      if (apiStatusCode(error) === 404) return undefined;
      throw apiError(doing, error);
    }
  }
}
