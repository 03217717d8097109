/** Process glue: real streams, signals turned into an abort, exit code set. Nothing else. */
import { main } from './main.js';

const controller = new AbortController();
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write(`kubeknock: ${signal} again: exiting now; probe pods may be left behind (run "kubeknock cleanup")\n`);
      process.exit(130);
    }
    process.stderr.write(`kubeknock: ${signal} received: cleaning up (press Ctrl-C again to exit at once)\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
