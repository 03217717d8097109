import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InfraError } from '../../src/model/errors.js';
import { loadKubeConfig } from '../../src/cluster/kubeconfig.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kubeknock-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, contexts: readonly { name: string; server: string }[], current?: string): string {
  const file = path.join(dir, name);
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...contexts.flatMap((c) => [`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`]),
    'users:',
    '- name: admin',
    '  user:',
    '    token: abc',
    'contexts:',
    ...contexts.flatMap((c) => [`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, '    user: admin']),
    ...(current ? [`current-context: ${current}`] : []),
  ].join('\n');
  writeFileSync(file, `${yaml}\n`);
  return file;
}

const main = kubeconfig('main.yaml', [{ name: 'kind-a', server: 'https://127.0.0.1:6443' }, { name: 'kind-b', server: 'https://127.0.0.1:7443' }], 'kind-a');
const other = kubeconfig('other.yaml', [{ name: 'staging', server: 'https://127.0.0.1:8443' }, { name: 'kind-a', server: 'https://127.0.0.1:9999' }], 'staging');
const noCurrent = kubeconfig('no-current.yaml', [{ name: 'only', server: 'https://127.0.0.1:6443' }]);
const emptyHome = path.join(dir, 'home-empty');
mkdirSync(emptyHome);
const noServiceAccount = path.join(dir, 'no-sa');

describe('loadKubeConfig', () => {
  it('--kubeconfig wins over KUBECONFIG', () => {
    const loaded = loadKubeConfig({ kubeconfig: main, env: { KUBECONFIG: other, HOME: emptyHome } }, noServiceAccount);
    expect(loaded).toMatchObject({ source: 'flag', server: 'https://127.0.0.1:6443', context: 'kind-a' });
  });

  it('--context selects another context of the file', () => {
    const loaded = loadKubeConfig({ kubeconfig: main, context: 'kind-b', env: {} }, noServiceAccount);
    expect(loaded).toMatchObject({ server: 'https://127.0.0.1:7443', context: 'kind-b' });
  });

  it('KUBECONFIG lists are merged, the first file winning names and current-context', () => {
    const loaded = loadKubeConfig({ env: { KUBECONFIG: [other, main].join(path.delimiter), HOME: emptyHome } }, noServiceAccount);
    expect(loaded).toMatchObject({ source: 'env', context: 'staging', server: 'https://127.0.0.1:8443' });
    const a = loadKubeConfig({ context: 'kind-a', env: { KUBECONFIG: [other, main].join(path.delimiter) } }, noServiceAccount);
    expect(a.server).toBe('https://127.0.0.1:9999');
    const b = loadKubeConfig({ context: 'kind-b', env: { KUBECONFIG: [other, main].join(path.delimiter) } }, noServiceAccount);
    expect(b.server).toBe('https://127.0.0.1:7443');
  });

  it('KUBECONFIG files that do not exist are skipped; all missing is an error', () => {
    expect(loadKubeConfig({ env: { KUBECONFIG: [path.join(dir, 'nope'), main].join(path.delimiter) } }, noServiceAccount).server).toBe(
      'https://127.0.0.1:6443',
    );
    expect(() => loadKubeConfig({ env: { KUBECONFIG: path.join(dir, 'nope') } }, noServiceAccount)).toThrow(/none of these files exists/);
  });

  it('falls back to ~/.kube/config', () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    copyFileSync(kubeconfig('home.yaml', [{ name: 'home', server: 'https://127.0.0.1:1234' }], 'home'), path.join(home, '.kube', 'config'));
    expect(loadKubeConfig({ env: { HOME: home } }, noServiceAccount)).toMatchObject({ source: 'default-file', server: 'https://127.0.0.1:1234' });
  });

  it('uses the in-cluster service account when nothing else is there', () => {
    const sa = path.join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(path.join(sa, 'token'), 'token');
    writeFileSync(path.join(sa, 'namespace'), 'kubeknock');
    const loaded = loadKubeConfig({ env: { HOME: emptyHome, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' } }, sa);
    expect(loaded).toMatchObject({ source: 'in-cluster', server: 'https://10.96.0.1:443' });
  });

  it('nothing found → InfraError instead of client-node\'s silent http://localhost:8080', () => {
    const load = (): unknown => loadKubeConfig({ env: { HOME: emptyHome } }, noServiceAccount);
    expect(load).toThrow(InfraError);
    expect(load).toThrow(/no kubeconfig found \(looked at .*\.kube\/config.*\); pass --kubeconfig, set KUBECONFIG, or run inside a cluster/);
  });

  it('a missing --kubeconfig file is an InfraError', () => {
    expect(() => loadKubeConfig({ kubeconfig: path.join(dir, 'missing.yaml'), env: {} }, noServiceAccount)).toThrow(/does not exist/);
  });

  it('an unknown --context lists the available ones', () => {
    const load = (): unknown => loadKubeConfig({ kubeconfig: main, context: 'prod', env: {} }, noServiceAccount);
    expect(load).toThrow(InfraError);
    expect(load).toThrow('context "prod" not found in ' + main + '; available contexts: kind-a, kind-b');
  });

  it('no current-context and no --context asks for --context', () => {
    expect(() => loadKubeConfig({ kubeconfig: noCurrent, env: {} }, noServiceAccount)).toThrow(/no usable current-context; pass --context \(available contexts: only\)/);
  });

  it('a file that is not a kubeconfig names the file', () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters: [[[');
    expect(() => loadKubeConfig({ kubeconfig: bad, env: {} }, noServiceAccount)).toThrow(new RegExp(`reading kubeconfig ${bad}`));
  });
});
