/**
 * `doctor --canary` on the real cluster. The bed's enforcer is kube-router, which REJECTS denied
 * traffic: the canary must say "enforced" with the denial seen as refused, exit 0, and leave no
 * namespace and no pod behind; interrupted (SIGTERM) it still removes its namespace; killed (SIGKILL)
 * it leaves one that `kubeknock cleanup` removes.
 *
 * The verdict follows the bed's enforcer (cluster.env ENFORCER): kube-router rejects (refused),
 * kube-network-policies drops (timeout), and a bed started with `--enforcer none` enforces nothing:
 * there the canary must say NOT ENFORCED and exit 1.
 */
import { describe, expect, it } from 'vitest';
import { ENFORCER, IMAGE, kubeknock, kubectl, managedPods } from './cluster.js';

const CANARY = ['doctor', '--canary', `--image=${IMAGE}`, '--image-pull-policy=Never'];

/** Namespaces carrying the canary label, deleting ones included. */
async function canaryNamespaces(): Promise<string[]> {
  const out = await kubectl(['get', 'namespaces', '-l', 'kubeknock.dev/canary-expires', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean);
}

describe('doctor --canary on the real cluster', () => {
  it(`says what the bed's enforcer (${ENFORCER}) does: ${ENFORCER === 'none' ? 'NOT ENFORCED, exit 1' : `enforced, the denial seen as ${ENFORCER === 'kube-router' ? 'refused (kube-router rejects)' : 'timeout (the enforcer drops)'}, exit 0`}; no namespace and no pod left`, async () => {
    const doctor = await kubeknock(ENFORCER === 'none' ? [...CANARY, '--canary-timeout=20'] : CANARY);
    expect(doctor.stderr, 'the plan comes first on stderr').toMatch(/^doctor --canary \(run canary-[0-9a-f]{8}\) will write to the cluster:\n {2}create Namespace kubeknock-canary-[a-z0-9]{5} /);
    expect(doctor.stdout).toMatch(/\n✓ RBAC for the canary at cluster scope: 4 permissions granted\n/);
    if (ENFORCER === 'none') {
      expect(doctor.stdout).toMatch(/\n✗ enforcement: NOT ENFORCED: the deny-all policy applied 2\d s ago and the client still connects\n/);
      expect(doctor.code, doctor.stdout).toBe(1);
    } else {
      expect(doctor.stdout).toMatch(new RegExp(`\\n✓ enforcement: enforced after \\d+\\.\\d s \\(denial seen as ${ENFORCER === 'kube-router' ? 'refused' : 'timeout'}\\)\\n`));
      expect(doctor.code, `${doctor.stdout}\n${doctor.stderr}`).toBe(0);
    }
    // The CLI returned only once the namespace was gone.
    expect(await canaryNamespaces()).toEqual([]);
    expect(await managedPods()).toEqual([]);
  });

  it('-o json carries the verdict and the cleanup', async () => {
    const doctor = await kubeknock([...CANARY, '-o', 'json', ...(ENFORCER === 'none' ? ['--canary-timeout=10'] : [])]);
    const report = JSON.parse(doctor.stdout) as { canary?: { namespace: string; verdict: { type: string; denial?: string; afterMs?: number }; cleanup: { type: string } } };
    expect(report.canary?.verdict).toMatchObject(ENFORCER === 'none' ? { type: 'not-enforced' } : { type: 'enforced', denial: ENFORCER === 'kube-router' ? 'refused' : 'timeout' });
    expect(report.canary?.cleanup.type).toBe('removed');
    expect(doctor.code, doctor.stderr).toBe(ENFORCER === 'none' ? 1 : 0);
  });

  it('SIGTERM while the pods start: stops, removes its namespace and waits for it, exit 143', async () => {
    const doctor = await kubeknock(CANARY, {
      onStderr: (text, child) => {
        if (/starting the canary pods/.test(text) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
      },
    });
    expect(doctor.stderr).toMatch(/SIGTERM received: cleaning up/);
    expect(doctor.stderr).toMatch(/deleting namespace kubeknock-canary-[a-z0-9]{5} and waiting until it is gone/);
    expect(doctor.code, doctor.stderr).toBe(143);
    expect(await canaryNamespaces()).toEqual([]);
  });

  it('SIGKILL leaves the namespace; "kubeknock cleanup" finds it by its label and removes it', async () => {
    const doctor = await kubeknock(CANARY, {
      onStderr: (text, child) => {
        if (/knocking .* until it connects/.test(text) && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      },
    });
    expect(doctor.signal).toBe('SIGKILL');
    const left = await canaryNamespaces();
    expect(left, 'the killed canary left its namespace').toHaveLength(1);
    const cleanup = await kubeknock(['cleanup']);
    expect(cleanup.stdout).toContain(`Deleted 1 canary namespace (kubeknock.dev/canary-expires) that doctor --canary left:\n  ${left[0]}\n`);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(await canaryNamespaces()).toEqual([]);
    expect(await managedPods()).toEqual([]);
  });
});
