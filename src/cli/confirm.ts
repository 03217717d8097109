/** A yes/no question on the terminal; only offered when stdin is one (else a command needs --yes). */
import { createInterface } from 'node:readline/promises';
import type { CliIO } from './io.js';

export function terminalConfirm(io: CliIO): ((question: string) => Promise<boolean>) | undefined {
  const stdin = io.stdin;
  if (!stdin?.isTTY) return undefined;
  return async (question) => {
    const reader = createInterface({ input: stdin, output: io.stderr as unknown as NodeJS.WritableStream, terminal: true });
    try {
      const answer = io.signal ? await reader.question(question, { signal: io.signal }) : await reader.question(question);
      return /^y(es)?$/i.test(answer.trim());
    } catch {
      return false;
    } finally {
      reader.close();
    }
  };
}
