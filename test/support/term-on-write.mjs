// Preloaded into the built CLI (node --import) by test/cli/interrupted-output.test.ts: it delivers a
// SIGTERM to the CLI at the worst moment for its output, deterministically instead of by timing.
//   KK_TERM_ON=stdout      the first write to stdout sends the signal (the command has its output).
//   KK_TERM_ON=stdout-twice  the same, with two signals at once.
//   KK_TERM_ON=DIRECTORY   opening a file of DIRECTORY for writing sends it, right after the open,
//                          and holds the write back until the signal has been seen plus 2 s: the
//                          moment an in-place write has already truncated the file.
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const where = process.env.KK_TERM_ON ?? '';

/** Sends the signal; resolves `hold` ms after the CLI has seen it. The timer keeps the process alive meanwhile, as real I/O in flight would. */
const terminate = (hold, times = 1) =>
  new Promise((resolve) => {
    const alive = setInterval(() => undefined, 50);
    process.once('SIGTERM', () =>
      setTimeout(() => {
        clearInterval(alive);
        resolve();
      }, hold),
    );
    for (let i = 0; i < times; i += 1) process.kill(process.pid, 'SIGTERM');
  });

if (where === 'stdout' || where === 'stdout-twice') {
  // The first write is taken, but its reader is slow: the write completes only after the signal.
  const write = process.stdout.write.bind(process.stdout);
  let sent = false;
  process.stdout.write = (chunk, encoding, callback) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (sent) return write(chunk, encoding, callback);
    sent = true;
    const seen = terminate(0, where === 'stdout-twice' ? 2 : 1);
    return write(chunk, (error) => void seen.then(() => done?.(error)));
  };
} else if (where !== '') {
  const inside = (file) => typeof file === 'string' && path.resolve(file).startsWith(`${where}${path.sep}`);
  const writing = (flags) => typeof flags === 'string' && /[wa]/.test(flags);
  const { open, writeFile } = fs;
  fs.open = async (file, flags, ...rest) => {
    const handle = await open(file, flags, ...rest);
    if (inside(file) && writing(flags)) await terminate(2000);
    return handle;
  };
  // writeFile opens its file itself ('w': truncated at once), then writes: the same two steps here.
  fs.writeFile = async (file, data, options) => {
    if (!inside(file)) return writeFile(file, data, options);
    const handle = await fs.open(file, typeof options === 'object' && options?.flag ? options.flag : 'w');
    try {
      await handle.writeFile(data, options);
    } finally {
      await handle.close();
    }
  };
  syncBuiltinESMExports();
}
