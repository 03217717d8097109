/** Process glue: real streams, signals turned into an abort, exit code set. Nothing else. */
import { main } from './main.js';
import { exitCodeAfterOutput, guardStream } from './output.js';

const controller = new AbortController();
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write(`kubeknock: ${signal} again: exiting now; probe pods may be left behind (run "kubeknock cleanup")\n`);
      process.exit(130);
    }
    // main says what happens next: a live run cleans up, anything else stops at once.
    controller.abort(new Error(`interrupted by ${signal}`));
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
});
await stdout.settled();
process.exitCode = exitCodeAfterOutput(code, stdout, process.stderr);
// After an interrupt, work the command abandoned (a pending read, an open socket) must not keep the
// process alive.
if (controller.signal.aborted) process.exit();
