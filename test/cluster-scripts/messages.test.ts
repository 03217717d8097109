/**
 * The test cluster's scripts (test/cluster/lib.sh) must never fail in silence. A daemon that dies while
 * up.sh waits for it is detected inside wait_for's condition, whose output is silenced; the ERROR and
 * the daemon's log must still reach the user's stderr (a cold `npm run demo` once exited 1 with no
 * word after "--- phase: node").
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../cluster/lib.sh', import.meta.url));
const NODE = fileURLToPath(new URL('../cluster/node.sh', import.meta.url));
let state = '';

function runWithLib(script: string): { status: number | null; stdout: string; stderr: string } {
  state = mkdtempSync(join(tmpdir(), 'kk-lib-'));
  mkdirSync(join(state, 'logs'));
  writeFileSync(join(state, 'logs', 'kk-node1-kubelet.log'), 'E1207 kubelet: failed to run Kubelet: the reason it died\n');
  const result = spawnSync('bash', ['-c', `set -euo pipefail\n. "${LIB}"\n${script}`], {
    encoding: 'utf8',
    env: { ...process.env, KUBEKNOCK_STATE: state, PHASE: 'node' },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterEach(() => rmSync(state, { recursive: true, force: true }));

describe('test/cluster/lib.sh messages', () => {
  it('a daemon found dead inside a silenced wait_for condition is reported on stderr, with its log', () => {
    // kk-node1-kubelet has no pid file: check_alive finds it dead, as up.sh does for a crashed kubelet.
    const run = runWithLib('registered() { check_alive kk-node1-kubelet kubelet; false; }\nwait_for "node kk-node1 registered" 5 registered\necho "not reached"');
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).not.toContain('not reached');
    expect(run.stderr).toContain('[node] ERROR: kk-node1-kubelet exited');
    expect(run.stderr).toContain('the reason it died');
  });

  it('wait_for says how long a condition took, and names what timed out', () => {
    const ok = runWithLib('n=0\nthird() { n=$((n + 1)); [ "$n" -ge 3 ]; }\nwait_for "the third try" 10 third');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/\[node\] the third try: ok after [0-9]+ s/);
    const late = runWithLib('wait_for "never" 1 false || echo "gave up"');
    expect(late.stdout).toContain('gave up');
    expect(late.stderr).toContain('timed out after 1s waiting for never');
  });

  // K stands in for kubectl: the first calls fail as an API server busy right after a cold start does.
  const flakyKubectl = (failures: number): string =>
    // (counted in a file: the K of $(K get …) runs in a subshell)
    `. "${NODE}"\nK() { echo x >>"$KUBEKNOCK_STATE/calls"; if [ "$(wc -l <"$KUBEKNOCK_STATE/calls")" -le ${failures} ]; then echo "Error from server (ServiceUnavailable): the server is currently unable to handle the request" >&2; return 1; fi; case "$1" in get) echo "";; patch) echo "$*" >>"$KUBEKNOCK_STATE/patched";; esac; }\n`;

  it('node_pod_cidrs rides out an API server that fails for a moment after the node registered', () => {
    const run = runWithLib(`${flakyKubectl(2)}node_pod_cidrs 2\ncat "$KUBEKNOCK_STATE/patched"`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('patch node kk-node2 --type=merge -p {"spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24","fd00:10:244:2::/64"]}}');
    expect(run.stderr).toMatch(/\[node\] node kk-node2: podCIDRs 10\.244\.1\.0\/24, fd00:10:244:2::\/64: ok after [0-9]+ s/);
  });

  it('node_pod_cidrs that cannot get through stops up.sh naming the node and the step', () => {
    const run = runWithLib(`${flakyKubectl(1000)}NODE_PATCH_TIMEOUT=2\nnode_pod_cidrs 3\necho "not reached"`);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('not reached');
    expect(run.stderr).toContain('[node] ERROR: node kk-node3: could not set its podCIDRs (kubectl get/patch node kk-node3 failed for 2s;');
  });
});
