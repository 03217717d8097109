/**
 * examples/microshop is meant for a live run: every container must really listen on every port it
 * declares, as the restricted user it runs as. Each Deployment's own command runs here with the real
 * BusyBox, as uid 65534, in a private network namespace (test/support/netns.ts), and every declared
 * port is knocked on from the other namespace. The only change to the command is its scratch directory.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createAppletDir, runScript, type AppletDir } from '../support/busybox.js';
import { REPO } from '../support/cli.js';
import { createTestNetwork, type TestNetwork } from '../support/netns.js';

interface Container {
  image: string;
  imagePullPolicy: string;
  command: string[];
  ports: { containerPort: number; name?: string }[];
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; capabilities: { drop: string[] } };
}
interface Deployment {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { securityContext: { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } }; containers: Container[] } } };
}

const deployments = parseAllDocuments(readFileSync(join(REPO, 'examples/microshop/app.yaml'), 'utf8'))
  .map((doc) => doc.toJS() as Deployment)
  .filter((doc) => doc.kind === 'Deployment');

const NOBODY = 65534;
let net: TestNetwork;
let applets: AppletDir;
let scratch: string;

beforeAll(() => {
  applets = createAppletDir();
  net = createTestNetwork();
  scratch = mkdtempSync('/var/tmp/kk-microshop-');
  chmodSync(scratch, 0o777);
});
afterAll(() => {
  net?.destroy();
  applets?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function knock(port: number): Promise<boolean> {
  const run = await runScript(applets, `nc -z -w 1 ${net.serverAddress} ${port}`, { netns: net.clientNs });
  return run.exitCode === 0;
}

/** Polls, with a bound, until every port answers as wanted. */
async function until(ports: readonly number[], open: boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(ports.map(knock));
    if (states.every((state) => state === open)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('examples/microshop containers', () => {
  it('are a dozen, Pod Security restricted, on the locally imported busybox image', () => {
    expect(deployments).toHaveLength(12);
    for (const { metadata, spec } of deployments) {
      const pod = spec.template.spec;
      expect(pod.securityContext, metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: NOBODY, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.image, metadata.name).toBe('docker.io/library/busybox:1.35.0');
        expect(container.imagePullPolicy, metadata.name).toBe('Never');
        expect(container.securityContext, metadata.name).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(container.ports.every((port) => port.containerPort >= 1024), `${metadata.name}: unprivileged ports only (no sysctl needed)`).toBe(true);
      }
    }
  });

  it.each(deployments.map((deployment) => [deployment.metadata.name, deployment] as const))('%s listens on every declared port as uid 65534, and stops on TERM', async (name, deployment) => {
    const container = deployment.spec.template.spec.containers[0];
    if (!container) throw new Error(`${name} has no container`);
    const [shell, flag, script] = container.command;
    expect([shell, flag]).toEqual(['sh', '-c']);
    const dir = join(scratch, name);
    const ports = container.ports.map((port) => port.containerPort);
    const child: ChildProcess = net.spawnInServer([applets.busybox, 'sh', '-c', `mkdir -p ${dir} && ${(script ?? '').replaceAll('/tmp', dir)}`], { uid: NOBODY, env: { PATH: applets.dir } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      expect(await until(ports, true), `${name} should accept on ${ports.join(', ')} (stderr: ${stderr})`).toBe(true);
      const page = await runScript(applets, `wget -q -T 2 -O - http://${net.serverAddress}:${ports[0]}/`, { netns: net.clientNs });
      expect(page.stdout, `${name} serves its page`).toBe(`microshop ${name}\n`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await until(ports, false), `${name} should close its ports on TERM`).toBe(true);
  });
});
