/**
 * Both conformance runners refuse, with exit 2 and before building or touching anything, a bed whose
 * enforcer is not the one the run is for: `test:conformance -- --enforcer NAME` when the bed runs
 * another, and `test:conformance:npa` (which needs denials to time out) on kube-router or no enforcer
 * unless --force. The bed is a scratch state directory holding only cluster.env; the build cache is an
 * empty scratch directory that must stay empty.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const UPSTREAM = 'test/conformance/run.sh';
const NPA = 'test/conformance/network-policy-api/run.sh';
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs a script against a bed whose cluster.env holds `env` (no file when undefined). */
function run(script: string, args: string[], env: string | undefined) {
  const state = mkdtempSync(join(tmpdir(), 'kk-guard-state-'));
  const cache = mkdtempSync(join(tmpdir(), 'kk-guard-cache-'));
  scratch.push(state, cache);
  if (env !== undefined) writeFileSync(join(state, 'cluster.env'), env);
  const result = spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KUBEKNOCK_STATE: state, KUBEKNOCK_CACHE: cache },
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr, cacheEntries: readdirSync(cache) };
}

describe('test:conformance -- --enforcer NAME', () => {
  it('refuses a bed that runs another enforcer, saying how to start the asked one', () => {
    const r = run(UPSTREAM, ['--enforcer', 'kube-network-policies'], 'KUBECONFIG=/nowhere\nENFORCER=kube-router\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the bed runs the kube-router enforcer, --enforcer kube-network-policies asked; nothing was run.');
    expect(r.stderr).toContain('npm run cluster:down && npm run cluster:up -- --enforcer kube-network-policies');
    expect(r.cacheEntries).toEqual([]);
  });

  it('takes a cluster.env without ENFORCER for a kube-router bed (written before the enforcer was recorded)', () => {
    const r = run(UPSTREAM, ['--enforcer=none'], 'KUBECONFIG=/nowhere\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the bed runs the kube-router enforcer, --enforcer none asked');
  });

  it.each([
    ['an unknown enforcer', ['--enforcer', 'calico'], 'ENFORCER=kube-router\n', '--enforcer must be one of: kube-router, kube-network-policies, none'],
    ['no bed at all', ['--enforcer', 'kube-router'], undefined, 'start the kube-router profile first: npm run cluster:up -- --enforcer kube-router'],
  ])('refuses %s', (_what, args, env, message) => {
    const r = run(UPSTREAM, args, env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.cacheEntries).toEqual([]);
  });
});

describe('test:conformance:npa', () => {
  it.each([
    ['kube-router', 'ENFORCER=kube-router\n', 'kube-router rejects denied packets, so the suite cannot pass on it'],
    ['kube-router (cluster.env without ENFORCER)', 'KUBECONFIG=/nowhere\n', 'kube-router rejects denied packets'],
    ['no enforcer', 'ENFORCER=none\n', 'with no enforcer nothing is denied'],
  ])('refuses a bed on %s without --force, saying why and how to start kube-network-policies', (_what, env, why) => {
    const r = run(NPA, [], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('this suite requires denied connections to TIME OUT (dropped), and counts a REFUSED denial as a failure');
    expect(r.stderr).toContain(why);
    expect(r.stderr).toContain('npm run cluster:down && npm run cluster:up -- --enforcer kube-network-policies');
    expect(r.cacheEntries).toEqual([]);
  });

  it('with --force goes on past the refusal and says what to expect', () => {
    // The kubeconfig is missing, so the run stops at the next check, still before building anything.
    const r = run(NPA, ['--force'], 'KUBECONFIG=/nowhere\nENFORCER=kube-router\n');
    expect(r.stderr).toContain('WARNING (--force)');
    expect(r.stderr).toContain('Expect every denial to fail.');
    expect(r.stderr).toContain('the kubeconfig of');
    expect(r.status).toBe(1);
    expect(r.cacheEntries).toEqual([]);
  });
});
