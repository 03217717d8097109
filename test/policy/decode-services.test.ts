/** Services as the API server stores them: targetPort defaulting, `selector: {}`, and the targetPorts it rejects. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeObjects } from '../../src/policy/index.js';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { runCli } from '../support/cli.js';

function decode(text: string) {
  const parsed = parseManifestText(text, 'svc.yaml');
  expect(parsed.issues, 'the YAML itself should parse').toEqual([]);
  return decodeObjects(parsed.objects);
}

const service = (spec: string): string => `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
${spec}`;

describe('decoding Services', () => {
  it.each([
    ['absent', '{port: 8080}'],
    ['0', '{port: 8080, targetPort: 0}'],
    ['""', '{port: 8080, targetPort: ""}'],
  ])('targetPort %s defaults to port, as the API server does', (_, entry) => {
    const { inventory, issues } = decode(service(`  selector: {app: api}\n  ports:\n    - ${entry}\n`));
    expect(issues).toEqual([]);
    expect(inventory.services[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP', targetPort: 8080 }]);
  });

  it('reads `selector: {}` as no selector (no managed endpoints), not as "every pod"', () => {
    const { inventory, issues } = decode(service('  selector: {}\n  ports: [{port: 80}]\n'));
    expect(issues).toEqual([]);
    expect(inventory.services[0]?.selector, 'an empty selector selects no pod').toBeUndefined();
  });

  it.each([
    ['-1', '-1', 'must be a port number 1-65535 or a container port name, found -1'],
    ['70000', '70000', 'found 70000'],
    ['8080.5', '8080.5', 'found 8080.5'],
    ['a quoted number', '"8080"', 'write the number without quotes (targetPort: 8080)'],
    ['an invalid name', 'Web_HTTP', 'port name "Web_HTTP" must be'],
    ['a name too long', 'a-very-long-port-name', 'must be at most 15'],
  ])('refuses targetPort %s with its line, field and a fix', (_, value, message) => {
    const { issues } = decode(service(`  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: ${value}\n`));
    expect(issues.map((issue) => issue.path)).toEqual(['spec.ports[0].targetPort']);
    expect(issues[0]?.line, 'the line of targetPort').toBe(8);
    expect(issues[0]?.message).toContain(message);
  });
});

describe('Services in discover, predict and lint', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kk-services-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  const workloads = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{containerPort: 9090}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 8080}]
`;

  it('discover judges a Service with targetPort 0 on its port (the backend port), not on port 0', async () => {
    const file = write('target-zero.yaml', `${workloads}---\n${service('  selector: {app: api}\n  ports: [{port: 8080, targetPort: 0}]\n')}`);
    const { code, stdout, stderr } = await runCli(['discover', '-f', file, '--snapshot']);
    expect(code, stderr).toBe(0);
    expect(stdout, 'web may reach api on 8080, through the Service too').toContain('- {from: shop-web, to: {service: api, namespace: shop, port: 8080}, expect: allow}');
  });

  it('discover treats a Service with `selector: {}` like one without a selector', async () => {
    const file = write('empty-selector.yaml', `${workloads}---\n${service('  selector: {}\n  ports: [{port: 80, targetPort: 8080}]\n')}`);
    const { code, stdout, stderr } = await runCli(['discover', '-f', file, '--snapshot']);
    expect(code, stderr).toBe(0);
    expect(stdout, 'no check goes to a Service with no managed endpoints').not.toContain('service: api');
    expect(stdout).toContain('Service shop/api port 80/TCP: no selector');
  });

  it.each(['discover', 'predict', 'lint'])('%s refuses an out-of-range targetPort with file:line and exit 2', async (command) => {
    const file = write(`bad-${command}.yaml`, `${workloads}---\n${service('  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: 70000\n')}`);
    const { code, stderr } = await runCli([command, '-f', file]);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`${file}:33:`);
    expect(stderr).toContain('spec.ports[0].targetPort');
    expect(stderr).toContain('found 70000');
  });
});
