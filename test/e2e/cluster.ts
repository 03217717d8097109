/**
 * What e2e tests need from the real test cluster: its kubeconfig, the locally built probe image,
 * kubectl, and the built CLI run as a separate process, the way a user runs it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KUBECONFIG, REPO, STATE_DIR } from './paths.js';
import { afterAll, beforeAll } from 'vitest';

export { KUBECONFIG, REPO } from './paths.js';

function clusterEnv(): Record<string, string> {
  const file = `${STATE_DIR}cluster.env`;
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export const CLUSTER = clusterEnv();
/** The busybox image the test cluster imported (nothing can be pulled there). */
export const IMAGE = CLUSTER['BUSYBOX_IMAGE'] ?? 'docker.io/library/busybox:1.35.0';
/** The bed's NetworkPolicy enforcer (`npm run cluster:up -- --enforcer …`): kube-router rejects denied traffic, kube-network-policies drops it. */
export const ENFORCER = CLUSTER['ENFORCER'] ?? 'kube-router';

export function kubectlPath(): string {
  const cacheBin = `${process.env['KUBEKNOCK_CACHE'] || '/var/cache/kubeknock'}/bin`;
  const fromCache = existsSync(cacheBin)
    ? readdirSync(cacheBin)
        .filter((d) => d.startsWith('kubernetes-'))
        .map((d) => `${cacheBin}/${d}/kubectl`)
        .find((p) => existsSync(p))
    : undefined;
  return fromCache ?? 'kubectl';
}

const run = promisify(execFile);

export async function kubectl(args: readonly string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await run(kubectlPath(), ['--kubeconfig', KUBECONFIG, ...args], { maxBuffer: 16 << 20 });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), ['--kubeconfig', KUBECONFIG, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`))));
    child.stdin.end(input);
  });
}

/** Probe pods of kubeknock still in the cluster (deleting ones included), as namespace/name. */
export async function managedPods(): Promise<string[]> {
  const out = await kubectl(['get', 'pods', '-A', '-l', 'kubeknock.dev/run-id', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean);
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs ./bin/kubeknock as a process against the test cluster. `onStderr` sees progress as it comes. */
export function kubeknock(args: readonly string[], options: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; env?: Record<string, string> } = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(`${REPO}bin/kubeknock`, args, {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG, CI: 'true', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

/** For the tests of one file (or describe block): a namespace holding these manifests, deleted (and waited for) afterwards. */
export function useNamespace(namespace: string, manifests = ''): void {
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]).catch(() => undefined);
    if (manifests.trim() !== '') await kubectl(['apply', '-f', '-'], manifests);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--timeout=120s']).catch(() => undefined);
  });
}

const scenarioDir = mkdtempSync(join(tmpdir(), 'kk-e2e-'));
afterAll(() => rmSync(scenarioDir, { recursive: true, force: true }));

/**
 * Writes a scenario for the test cluster: its busybox image (never pulled), the given defaults, and
 * `spec` lines (actors, targets, checks) as written in the test, and any further `pod` settings
 * (`deadlineSeconds: 60`). Returns the file's path.
 */
export function writeScenario(name: string, spec: string, defaults = 'timeoutSeconds: 2, attempts: 2, settleSeconds: 2', podSettings = ''): string {
  const file = join(scenarioDir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
spec:
  defaults: {${defaults}, pod: {image: "${IMAGE}", imagePullPolicy: Never${podSettings ? `, ${podSettings}` : ''}}}
${spec}`,
  );
  return file;
}

/** A path for a report file next to the scenarios. */
export function reportPath(name: string): string {
  return join(scenarioDir, name);
}
