/**
 * What the user watches while a run is under way. On a terminal an ora spinner; anywhere else (CI
 * logs, pipes) plain `kubeknock: …` lines with no control characters, because a spinner's carriage
 * returns turn a CI log into one unreadable line. The caller passes stderr: progress is never mixed
 * into the report on stdout. It lives in the CLI, not among the pure renderers: it drives a terminal.
 */
import ora from 'ora';
import type { Progress } from '../app/step-progress.js';
import { oneLine } from '../report/sanitize.js';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly interactive: boolean;
  /** Millisecond clock for the elapsed time on plain lines and for rate-limiting updates (tests inject one). */
  readonly now?: () => number;
  /** Plain mode prints an update() at most this often; start, succeed, fail and info always print. */
  readonly updateIntervalMs?: number;
}

const DEFAULT_UPDATE_INTERVAL_MS = 5000;

export function createProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  // "interactive" is the caller's wish; a spinner also needs a stream that can move the cursor.
  if (options.interactive && isTerminal(stream)) return spinnerProgress(stream);
  return lineProgress(stream, options.now ?? Date.now, options.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS);
}

/** The parts of tty.WriteStream ora relies on when it redraws. */
interface TerminalStream extends NodeJS.WritableStream {
  readonly isTTY: true;
  cursorTo(x: number): boolean;
  moveCursor(dx: number, dy: number): boolean;
  clearLine(dir: -1 | 0 | 1): boolean;
}

function isTerminal(stream: ProgressStream): stream is ProgressStream & TerminalStream {
  const s = stream as ProgressStream & Partial<Record<'cursorTo' | 'moveCursor' | 'clearLine' | 'once', unknown>>;
  return s.isTTY === true && [s.cursorTo, s.moveCursor, s.clearLine, s.once].every((f) => typeof f === 'function');
}

function spinnerProgress(stream: TerminalStream): Progress {
  // discardStdin would put stdin into raw mode, where Ctrl-C is a keystroke instead of SIGINT; the
  // bin's signal handler must see it to clean up the probe pods.
  const spinner = ora({ stream, isEnabled: true, discardStdin: false });
  return {
    start: (text) => void spinner.start(text),
    update: (text) => {
      if (spinner.isSpinning) spinner.text = text;
      else spinner.start(text);
    },
    succeed: (text) => void spinner.succeed(text),
    fail: (text) => void spinner.fail(text),
    info: (text) => {
      // ora's info() ends the spinner; a note in the middle of a step should not end the step.
      const running = spinner.isSpinning ? spinner.text : undefined;
      spinner.info(text);
      if (running !== undefined) spinner.start(running);
    },
    stop: () => void spinner.stop(),
  };
}

// Colour and other CSI sequences a caller might have put in the text.
const CSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function lineProgress(stream: ProgressStream, now: () => number, updateIntervalMs: number): Progress {
  const startedAt = now();
  let lastUpdate: { text: string; at: number } | undefined;
  const print = (text: string): void => {
    const elapsed = ((now() - startedAt) / 1000).toFixed(1);
    stream.write(`kubeknock: [${elapsed}s] ${plain(text)}\n`);
  };
  return {
    start: (text) => {
      print(text);
      lastUpdate = { text: plain(text), at: now() };
    },
    update: (text) => {
      const line = plain(text);
      const at = now();
      if (lastUpdate !== undefined && (line === lastUpdate.text || at - lastUpdate.at < updateIntervalMs)) return;
      print(line);
      lastUpdate = { text: line, at };
    },
    succeed: (text) => {
      print(`✓ ${text}`);
      lastUpdate = undefined;
    },
    fail: (text) => {
      print(`✗ ${text}`);
      lastUpdate = undefined;
    },
    info: (text) => print(text),
    stop: () => {
      lastUpdate = undefined;
    },
  };
}

function plain(text: string): string {
  return oneLine(text.replace(CSI, ''));
}
