/** Maps the runner's steps onto a spinner or log lines: each new step completes the previous one. */
import type { Progress } from '../report/progress.js';
import type { RunProgress } from '../probe/runner.js';

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
