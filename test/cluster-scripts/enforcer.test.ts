/**
 * The test cluster runs one NetworkPolicy enforcer at a time (kube-router or kube-network-policies):
 * two firewalls on one bed would add their denials up. up.sh refuses to bring a bed up with the other
 * enforcer while one is running, and decides that with lib.sh's running_enforcer, tested here against
 * a state directory of our own (never the real cluster's) whose pid file names a live process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../cluster/lib.sh', import.meta.url));
let state = '';
let daemon: ChildProcess | undefined;

/** A state directory with one pid file: of a live process (`sleep`), or of one that has exited. */
function stateWith(opts: { live: boolean; enforcer?: string }): string {
  state = mkdtempSync(join(tmpdir(), 'kk-enforcer-'));
  mkdirSync(join(state, 'pids'));
  let pid: number;
  if (opts.live) {
    daemon = spawn('sleep', ['30'], { stdio: 'ignore' });
    pid = daemon.pid ?? 0;
  } else {
    // a shell that has exited (and been reaped): its pid no longer names a process
    pid = Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
  }
  writeFileSync(join(state, 'pids', 'kk-node1-kubelet.pid'), `${pid}\n`);
  if (opts.enforcer !== undefined) writeFileSync(join(state, 'enforcer'), `${opts.enforcer}\n`);
  return state;
}

function runningEnforcer(dir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', `set -euo pipefail\n. "${LIB}"\nrunning_enforcer "$1"`, 'test', dir], {
    encoding: 'utf8',
    env: { ...process.env, KUBEKNOCK_STATE: dir },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterEach(() => {
  daemon?.kill('SIGKILL');
  daemon = undefined;
  rmSync(state, { recursive: true, force: true });
});

describe('test/cluster/lib.sh running_enforcer', () => {
  it('names the enforcer recorded by up.sh while a daemon of the cluster lives', () => {
    const run = runningEnforcer(stateWith({ live: true, enforcer: 'kube-network-policies' }));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('kube-network-policies\n');
  });

  it('takes a running cluster from before the enforcer was recorded for kube-router', () => {
    const run = runningEnforcer(stateWith({ live: true }));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('kube-router\n');
  });

  it('prints nothing when no daemon of the cluster lives (nothing to refuse)', () => {
    const run = runningEnforcer(stateWith({ live: false, enforcer: 'kube-network-policies' }));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    rmSync(state, { recursive: true, force: true });
    state = mkdtempSync(join(tmpdir(), 'kk-enforcer-')); // no pids directory at all
    const none = runningEnforcer(state);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
  });
});
