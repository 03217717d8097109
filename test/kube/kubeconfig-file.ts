import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A kubeconfig file pointing at a local plain-http server (which needs insecure-skip-tls-verify). */
export function writeKubeconfig(server: string, namespace = 'default'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubeknock-kc-')), 'config');
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
