import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Registered on the importing test file: its kubeconfigs go when its tests are done.
const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig file pointing at a local plain-http server (which needs insecure-skip-tls-verify). */
export function writeKubeconfig(server: string, namespace = 'default'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubeknock-kc-'));
  created.push(dir);
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${server}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: dev',
      '  user:',
      '    token: t',
      'contexts:',
      '- name: fake',
      '  context:',
      '    cluster: fake',
      '    user: dev',
      `    namespace: ${namespace}`,
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return file;
}
