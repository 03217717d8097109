/** `kubeknock doctor` in-process, against a fake API server on 127.0.0.1 or with no kubeconfig at all. */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeApi, type FakeApi } from '../cluster-adapter/fake-api-server.js';
import { writeKubeconfig } from '../cluster-adapter/kubeconfig-file.js';

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const calico = { metadata: { namespace: 'calico-system', name: 'calico-node' }, spec: { template: { spec: { containers: [{ name: 'n', image: 'calico/node:v3.28.0' }] } } } };

describe('kubeknock doctor', () => {
  it('exits 0 and prints ✓ lines when a run can work', async () => {
    api = await startFakeApi({
      namespaces: { production: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      daemonSets: [calico],
      systemPods: [],
      networkPolicies: [{ metadata: { namespace: 'production', name: 'deny' }, spec: { podSelector: {} } }],
    });
    const { code, stdout } = await cli(['doctor', '--kubeconfig', writeKubeconfig(api.loaded.server), '-n', 'production']);
    expect(stdout).toContain('✓ API server reachable: Kubernetes v1.34.2');
    expect(stdout).toContain('✓ RBAC in namespace production: 10 permissions granted');
    expect(stdout).toContain('✓ Pod Security in production: enforce=restricted');
    expect(stdout).toContain('✓ CNI: calico');
    expect(stdout).toContain('A run can work here.');
    expect(code).toBe(0);
  });

  it('exits 2 when RBAC is missing, with -o json', async () => {
    api = await startFakeApi({ namespaces: { production: {} }, daemonSets: [calico], systemPods: [], networkPolicies: [] });
    api.denied.add('create pods production');
    const { code, stdout } = await cli(['doctor', '--kubeconfig', writeKubeconfig(api.loaded.server, 'production'), '-o', 'json']);
    const report = JSON.parse(stdout) as { canRun: boolean; namespaces: string[]; checks: { status: string; title: string; detail: string }[] };
    expect(report.canRun).toBe(false);
    expect(report.namespaces).toEqual(['production']);
    expect(report.checks.find((c) => c.title === 'RBAC in namespace production')).toMatchObject({ status: 'fail' });
    expect(code).toBe(2);
  });

  it('--canary without the RBAC to create namespaces: the plan on stderr first, what is missing, nothing created, exit 2', async () => {
    api = await startFakeApi({ namespaces: { production: {} }, daemonSets: [calico], systemPods: [], networkPolicies: [] });
    api.denied.add('create namespaces *');
    const { code, stdout, stderr } = await cli(['doctor', '--kubeconfig', writeKubeconfig(api.loaded.server, 'production'), '--canary', '--canary-timeout', '5']);
    expect(stderr).toMatch(/^doctor --canary \(run canary-[0-9a-f]{8}\) will write to the cluster:\n {2}create Namespace kubeknock-canary-[a-z0-9]{5} /);
    expect(stderr).toContain('until it connects (at most 5s)');
    expect(stdout).toContain('✗ RBAC for the canary at cluster scope: missing create namespaces (the canary creates, removes and sweeps its scratch namespace)');
    expect(stdout).toContain('✗ enforcement: not checked: the canary needs the RBAC above (nothing was created)');
    expect(stderr, 'nothing was created').not.toContain('creating namespace');
    expect(code).toBe(2);
  });

  it('--canary-timeout out of bounds is a usage error', async () => {
    const { code, stderr } = await cli(['doctor', '--canary', '--canary-timeout', '0']);
    expect(stderr).toContain('--canary-timeout must be a whole number from 1 to 600 (got 0)');
    expect(code).toBe(2);
  });

  it('no kubeconfig anywhere: a ✗ line (never a silent localhost:8080) and exit 2', async () => {
    const { code, stdout } = await cli(['doctor'], { HOME: '/nonexistent' });
    expect(stdout).toMatch(/✗ kubeconfig: no kubeconfig found \(looked at .*\); pass --kubeconfig, set KUBECONFIG, or run inside a cluster/);
    expect(stdout).not.toContain('localhost:8080');
    expect(code).toBe(2);
  });

  it('an unreachable server: ✗ and exit 2', async () => {
    api = await startFakeApi({ namespaces: {} });
    const kubeconfig = writeKubeconfig(api.loaded.server);
    await api.close();
    api = undefined;
    const { code, stdout } = await cli(['doctor', '--kubeconfig', kubeconfig]);
    expect(stdout).toMatch(/✗ API server reachable: .*cannot reach the API server/);
    expect(code).toBe(2);
  });
});
