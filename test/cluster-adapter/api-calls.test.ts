import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ApiCalls, type OutageEvent } from '../../src/cluster/api-calls.js';

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
const status = (code: number): ApiException<string> => new ApiException(code, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', reason: 'X', message: `HTTP ${code} answer` }), {});

/** ApiCalls on a virtual clock: sleeping advances time, so budgets are exercised without waiting. */
function virtualCalls(budgetMs = 10_000): { calls: ApiCalls; events: OutageEvent[]; clock: { now: number } } {
  const clock = { now: 0 };
  const events: OutageEvent[] = [];
  const calls = new ApiCalls({
    budgetMs,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
    onOutage: (event) => events.push(event),
  });
  return { calls, events, clock };
}

/** A sender that fails with `failures` in order, then answers `value`. */
function flaky<T>(failures: unknown[], value: T): { send: () => Promise<T>; sent: () => number } {
  let sent = 0;
  return {
    send: async () => {
      const failure = failures[sent];
      sent += 1;
      if (failure !== undefined) throw failure;
      return value;
    },
    sent: () => sent,
  };
}

describe('ApiCalls during an API server outage', () => {
  it('fails at once when the server never answered: a wrong address is not an outage', async () => {
    const { calls, events } = virtualCalls();
    const sender = flaky([refused()], 'ok');
    await expect(calls.request('reading namespace a', sender.send)).rejects.toThrow(/^reading namespace a: cannot reach the API server: connect ECONNREFUSED/);
    expect(sender.sent()).toBe(1);
    expect(events).toEqual([]);
  });

  it('after an answer, retries lost connections and 503s until the server is back, and says so once each way', async () => {
    const { calls, events } = virtualCalls();
    await calls.request('first', async () => 'up');
    const sender = flaky([refused(), status(503), refused()], 'deleted');
    await expect(calls.request('deleting probe pod a/b', sender.send)).resolves.toBe('deleted');
    expect(sender.sent()).toBe(4);
    expect(events.map((e) => e.type)).toEqual(['lost', 'back']);
    expect(events[0]).toMatchObject({ type: 'lost', doing: 'deleting probe pod a/b', why: 'ECONNREFUSED' });
    expect(calls.counts.apiRequests, 'every attempt is a request').toBe(5);
  });

  it('gives up when the outage outlasts the budget, and later requests fail fast', async () => {
    const { calls, clock } = virtualCalls(5_000);
    await calls.request('first', async () => 'up');
    const down = async (): Promise<string> => {
      throw refused();
    };
    await expect(calls.request('listing pods', down)).rejects.toThrow(/listing pods: cannot reach the API server/);
    expect(clock.now).toBeGreaterThanOrEqual(5_000);
    const before = clock.now;
    await expect(calls.request('reading pod', down)).rejects.toThrow(/reading pod/);
    expect(clock.now, 'no more waiting once the budget is spent').toBe(before);
  });

  it('never retries a real answer: 403, 404 and 409 are final', async () => {
    const { calls } = virtualCalls();
    await calls.request('first', async () => 'up');
    for (const code of [403, 409]) {
      const sender = flaky([status(code)], 'x');
      await expect(calls.request(`code ${code}`, sender.send)).rejects.toThrow(`code ${code}`);
      expect(sender.sent()).toBe(1);
    }
    const missing = flaky([status(404)], 'x');
    await expect(calls.requestOrNotFound('reading service', missing.send)).resolves.toBeUndefined();
    expect(missing.sent()).toBe(1);
  });

  it('retries an exec that could not connect, not one that ran and failed', async () => {
    const { calls } = virtualCalls();
    await calls.request('first', async () => 'up');
    const results = [{ connected: false }, { connected: false }, { connected: true }];
    let attempts = 0;
    const result = await calls.retryWhileOut(
      'opening an exec',
      async () => results[attempts++] ?? { connected: true },
      (r) => (r.connected ? undefined : 'ECONNREFUSED'),
    );
    expect(result).toEqual({ connected: true });
    expect(attempts).toBe(3);
  });
});
