/** Process glue: real streams, signals turned into an abort, exit code set. Nothing else. */
import { interruptExitCode, main, signalExitCode } from './main.js';
import { exitCodeAfterOutput, guardStream } from './output.js';

const controller = new AbortController();
let signals = 0;
/** Set by main on the first signal: whether the command is cleaning up (only then can a second signal leave things behind). */
let cleaningUp = false;
let finished = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      const left = cleaningUp ? '; probe pods may be left behind (run "kubeknock cleanup")' : '';
      process.stderr.write(`kubeknock: ${signal} again: exiting now${left}\n`);
      process.exit(signalExitCode(signal));
    }
    // main says what happens next: a live run cleans up, anything else stops at once. A signal
    // after main has returned still means the run did not end on its own: no success is claimed.
    controller.abort(new Error(`interrupted by ${signal}`));
    if (finished) process.exitCode = signalExitCode(signal);
  });
}

const stdout = guardStream(process.stdout);
// stderr stays the real stream (the spinner needs a terminal's cursor calls). If it breaks there is
// no one left to tell, so its errors are dropped rather than crashing the run that is cleaning up.
process.stderr.on('error', () => undefined);
const code = await main(process.argv.slice(2), {
  stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  onInterrupt: (cleansUp) => void (cleaningUp = cleansUp),
});
await stdout.settled();
// An interrupt that came while the output was still being written wins over the command's own code.
process.exitCode = interruptExitCode(controller.signal) ?? exitCodeAfterOutput(code, stdout, process.stderr);
finished = true;
// After an interrupt, work the command abandoned (a pending read, an open socket) must not keep the
// process alive.
if (controller.signal.aborted) process.exit();
