/**
 * Runs the BUILT CLI (`node bin/kubeknock`) as a process, with its stdout read to the end, closed by
 * the reader before the first byte (as `| head -0` would), or pointed at /dev/full. Only a real
 * process has real stream errors: in-process tests cannot show how Node reacts to EPIPE or ENOSPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './cli.js';

export type StdoutMode = 'read' | 'closed' | 'full';

export interface SpawnResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function spawnCli(args: readonly string[], mode: StdoutMode, env: Readonly<Record<string, string>> = {}): Promise<SpawnResult> {
  return startCli(args, mode, env).done;
}

export interface StartedCli {
  readonly child: ChildProcess;
  readonly done: Promise<SpawnResult>;
  /** stderr so far. */
  stderr(): string;
}

export function startCli(args: readonly string[], mode: StdoutMode, env: Readonly<Record<string, string>> = {}): StartedCli {
  // The shell waits for a line on stdin before it execs node: the test closes its end of the stdout
  // pipe first, so the CLI's very first write meets a reader that is gone, every time.
  const argv = ['-c', 'read go; exec "$@"', 'sh', process.execPath, join(REPO, 'bin/kubeknock'), ...args];
  const full = mode === 'full' ? openSync('/dev/full', 'w') : undefined;
  const child = spawn('/bin/sh', argv, {
    cwd: REPO,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1', ...env },
    stdio: ['pipe', full ?? 'pipe', 'pipe'],
    timeout: 60_000,
    // A hung CLI may ignore TERM (that is what some of these tests look for): do not leave it behind.
    killSignal: 'SIGKILL',
  });
  if (full !== undefined) closeSync(full);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const go = (): void => {
    child.stdin?.end('go\n');
  };
  if (mode === 'closed' && child.stdout) {
    child.stdout.once('close', go);
    child.stdout.destroy();
  } else {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    go();
  }
  const done = new Promise<SpawnResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}
