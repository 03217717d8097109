import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

/** A stream that records what is written, and a clock the test moves by hand. */
function plainSetup(options: { isTTY?: boolean; interactive?: boolean } = {}) {
  const written: string[] = [];
  let time = 1_000;
  const stream = { write: (text: string) => written.push(text), isTTY: options.isTTY };
  const progress = createProgress(stream, { interactive: options.interactive ?? false, now: () => time, updateIntervalMs: 5_000 });
  return { progress, written, advance: (ms: number) => (time += ms) };
}

describe('createProgress, plain lines for CI logs', () => {
  it('writes one `kubeknock: [elapsed] text` line per step, with ✓/✗ for the outcome', () => {
    const { progress, written, advance } = plainSetup();
    progress.start('creating 3 probe pods');
    advance(4_100);
    progress.succeed('3 probe pods running');
    progress.info('settling 2s for the CNI');
    advance(900);
    progress.fail('cleanup failed');
    expect(written).toEqual([
      'kubeknock: [0.0s] creating 3 probe pods\n',
      'kubeknock: [4.1s] ✓ 3 probe pods running\n',
      'kubeknock: [4.1s] settling 2s for the CNI\n',
      'kubeknock: [5.0s] ✗ cleanup failed\n',
    ]);
  });

  it('drops repeated updates and prints at most one per interval', () => {
    const { progress, written, advance } = plainSetup();
    progress.start('running checks');
    progress.update('1/10 checks done');
    advance(5_000);
    progress.update('2/10 checks done');
    progress.update('3/10 checks done');
    advance(5_000);
    progress.update('2/10 checks done');
    advance(1);
    progress.update('9/10 checks done');
    expect(written.map((line) => line.replace(/^kubeknock: \[[\d.]+s\] /, '').trim())).toEqual([
      'running checks',
      '2/10 checks done',
      '9/10 checks done',
    ]);
  });

  it('writes no control characters, whatever the text holds', () => {
    const { progress, written } = plainSetup();
    progress.start('\u001b[32mgreen\u001b[39m\rover\nnext\u0007');
    expect(written.join('').slice(0, -1), 'only the final newline may be a control character').not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(written[0]).toBe('kubeknock: [0.0s] green over next\\x07\n');
  });

  it('falls back to plain lines when asked for a spinner on a stream that cannot move the cursor', () => {
    const { progress, written } = plainSetup({ interactive: true, isTTY: true });
    progress.start('waiting');
    progress.stop();
    expect(written).toEqual(['kubeknock: [0.0s] waiting\n']);
  });
});

describe('createProgress, spinner on a terminal', () => {
  it('draws an ora spinner on the given stream and persists the final text', () => {
    const terminal = Object.assign(new PassThrough(), {
      isTTY: true as const,
      columns: 80,
      rows: 24,
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
    });
    let output = '';
    terminal.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const progress = createProgress(terminal, { interactive: true });
    progress.start('creating probe pods');
    progress.update('2/3 probe pods running');
    progress.info('pod production/backend pulled the image');
    progress.succeed('3 probe pods running');
    progress.stop();
    expect(output).toContain('creating probe pods');
    expect(output).toContain('pod production/backend pulled the image');
    expect(output).toContain('3 probe pods running');
    expect(output, 'a spinner redraws with escape sequences, unlike the plain mode').toContain('\u001b[');
  });
});
