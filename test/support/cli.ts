/** Runs the whole CLI in-process, as `main(argv, io)`, with captured streams and a controlled environment. */
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliTerminal {
  /** stdout is a terminal this many columns wide. */
  readonly columns?: number;
}

/** No HOME kubeconfig and no colour unless the test says otherwise; relative paths resolve from the repository. */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string>> = {}, terminal: CliTerminal = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text), ...(terminal.columns === undefined ? {} : { isTTY: true, columns: terminal.columns }) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: '/nonexistent', NO_COLOR: '1', ...env },
    cwd: REPO,
  });
  return { code, stdout, stderr };
}
