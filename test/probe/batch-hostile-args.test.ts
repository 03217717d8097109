/**
 * Issue 9: the shell quoting held — every hostile host, URL and DNS name arrived at the probe
 * command as exactly one argument, byte for byte. This keeps it that way: 108 hostile values go
 * through the real batch script (buildBatchScript) under the real BusyBox `sh` and the real
 * `timeout` applet, which execs stand-ins for nc, wget and nslookup that report the argv they got.
 * The values are built to break a naive script (quotes, expansions, separators, globs, newlines,
 * flag look-alikes); scenario validation refuses most of them, and this proves the layer beneath it
 * holds on its own.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeTask } from '../../src/model/probe.js';
import { buildBatchScript, parseBatchOutput } from '../../src/probe/batch-script.js';
import { probeArgv } from '../../src/probe/commands.js';
import { createAppletDir, runScript, type AppletDir } from '../support/busybox.js';

const FRAGMENTS: readonly string[] = [
  ' ', "'", '"', '`id`', '$(id)', '${HOME}', '$HOME', '$1', '$@', '$*', ';', '&&', '||', '|', '&', '\n', '\t', '\\',
  '*', '?', '[a]', '{a,b}', '~', '!', '#', '<', '>', '2>&1', '(', ')', "'\\''", '--', '-n', 'a=b', 'ü✓', '\u0001',
];

/** 36 fragments × {tcp host, http URL, dns name} = 108 tasks. */
function hostileTasks(): ProbeTask[] {
  return FRAGMENTS.flatMap((fragment, i): ProbeTask[] => [
    { id: `h${i}`, kind: 'tcp', host: `host${fragment}x`, port: 80, timeoutSeconds: 1 },
    { id: `u${i}`, kind: 'http', url: `http://example.test/${fragment}?q=${fragment}`, host: 'example.test', timeoutSeconds: 1 },
    { id: `d${i}`, kind: 'dns', name: `${fragment}.example.test.`, server: `10.0.0.${fragment}`, timeoutSeconds: 1 },
  ]);
}

/** nc, wget and nslookup stand-ins that print every argument they received, NUL-terminated. */
function standInDir(applets: AppletDir): { dir: string; remove(): void } {
  const dir = mkdtempSync('/var/tmp/kk-standins-');
  chmodSync(dir, 0o755);
  for (const name of ['nc', 'wget', 'nslookup']) {
    const file = join(dir, name);
    writeFileSync(file, `#!${applets.busybox} sh\nprintf '%s\\0' ${name} "$@"\n`);
    chmodSync(file, 0o755);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const applets = createAppletDir();
const standIns = standInDir(applets);
afterAll(() => {
  applets.remove();
  standIns.remove();
});

describe('the batch script under the real BusyBox sh', () => {
  it('delivers 108 hostile hosts, URLs and DNS names to the probe command, each as exactly one argument', async () => {
    const tasks = hostileTasks();
    expect(tasks).toHaveLength(108);
    // The stand-ins come first in PATH, so BusyBox `timeout` execs them instead of the real applets.
    const script = `PATH=${standIns.dir}:$PATH\n${buildBatchScript(tasks)}`;
    const run = await runScript(applets, script, { timeoutMs: 60_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const parsed = parseBatchOutput(run.stdout, tasks.map((t) => t.id));
    expect(parsed.missing, 'every task reported a frame').toEqual([]);
    expect(parsed.results).toHaveLength(tasks.length);
    for (const [index, task] of tasks.entries()) {
      const result = parsed.results[index];
      const received = (result?.output ?? '').split('\0').slice(0, -1);
      expect(received, `${JSON.stringify(task)} must arrive unchanged, one argument per word`).toEqual(probeArgv(task));
      expect(result?.exitCode, `${task.id} ran`).toBe(0);
    }
  }, 90_000);
});
