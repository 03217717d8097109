/** Maps the runner's steps onto a spinner or log lines: each new step completes the previous one. */
import type { RunProgress } from '../probe/runner.js';

/** What the user watches while a run is under way; src/cli/progress.ts draws it on stderr. */
export interface Progress {
  start(text: string): void;
  /** Frequent status (e.g. `12/40 checks done`); plain mode drops repeats and rate-limits it. */
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  info(text: string): void;
  stop(): void;
}

export function stepProgress(progress: Progress): RunProgress & { finish(ok: boolean, text: string): void } {
  let current: string | undefined;
  return {
    step(text) {
      if (current !== undefined) progress.succeed(current);
      current = text;
      progress.start(text);
    },
    failed(text) {
      progress.fail(current === undefined ? text : `${current}: ${text}`);
      current = undefined;
    },
    update(text) {
      progress.update(current === undefined ? text : `${current}: ${text}`);
    },
    finish(ok, text) {
      if (current !== undefined) progress.succeed(current);
      current = undefined;
      if (ok) progress.succeed(text);
      else progress.fail(text);
      progress.stop();
    },
  };
}
