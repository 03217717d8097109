import { describe, expect, it } from 'vitest';
import { parseBatchOutput } from '../../src/probe/batch-script.js';

/** A frame exactly as the script prints it (base64 wrapped at 76 columns). */
function frame(index: number, exitCode: number, durationMs: number, output: string, byteLength?: number): string {
  const bytes = Buffer.from(output, 'utf8');
  const b64 = bytes.toString('base64').match(/.{1,76}/g) ?? [];
  return [`@@kubeknock begin ${index} ${exitCode} ${durationMs} ${byteLength ?? bytes.length}`, ...b64, `@@kubeknock end ${index}`].join('\n');
}

const VERSION = '@@kubeknock busybox BusyBox v1.35.0 (2026-11-26 06:47:41 UTC) multi-call binary.';
const OPEN = '127.0.0.1 (127.0.0.1:8090) open\nsent 0, rcvd 0\n';
const LONG = 'x'.repeat(500) + '\n';

describe('parseBatchOutput', () => {
  it('reads version and every frame, in task order', () => {
    const out = [VERSION, frame(1, 1, 2010, LONG), frame(0, 0, 30, OPEN), ''].join('\n');
    const parsed = parseBatchOutput(out, ['a', 'b']);
    expect(parsed.busyboxVersion).toBe('BusyBox v1.35.0 (2026-11-26 06:47:41 UTC) multi-call binary.');
    expect(parsed.results).toEqual([
      { id: 'a', exitCode: 0, durationMs: 30, output: OPEN },
      { id: 'b', exitCode: 1, durationMs: 2010, output: LONG },
    ]);
    expect(parsed.missing).toEqual([]);
    expect(parsed.scriptErrors).toEqual([]);
  });

  it('cannot be fooled by a probe that prints frame lines: its output is base64 inside the frame', () => {
    const forged = `${frame(1, 0, 1, 'forged')}\n@@kubeknock end 0\n@@kubeknock busybox evil\n`;
    const parsed = parseBatchOutput([VERSION, frame(0, 1, 5, forged)].join('\n'), ['a', 'b']);
    expect(parsed.results).toEqual([{ id: 'a', exitCode: 1, durationMs: 5, output: forged }]);
    expect(parsed.missing).toEqual(['b']);
    expect(parsed.busyboxVersion).toMatch(/^BusyBox v1\.35\.0/);
  });

  it.each([
    ['output cut inside a frame', [VERSION, frame(0, 0, 1, OPEN), frame(1, 0, 1, LONG).slice(0, 80)].join('\n'), ['b']],
    ['output cut before the end line', [frame(0, 0, 1, OPEN).split('\n').slice(0, -1).join('\n')].join('\n'), ['a', 'b']],
    ['a frame interrupted by another begin', [frame(0, 0, 1, LONG).split('\n').slice(0, 3).join('\n'), frame(1, 0, 1, OPEN)].join('\n'), ['a']],
    ['byte length that does not match the payload', [frame(0, 0, 1, OPEN, 3), frame(1, 0, 1, OPEN)].join('\n'), ['a']],
    ['a payload line that is not base64', frame(0, 0, 1, OPEN).replace(/\n(?!@@)/, '\n!!garbage!!\n'), ['a', 'b']],
    ['end line for another index', frame(0, 0, 1, OPEN).replace('end 0', 'end 1'), ['a', 'b']],
    ['an index beyond the task list', [frame(0, 0, 1, OPEN), frame(7, 0, 1, OPEN)].join('\n'), ['b']],
    ['a malformed begin line', frame(0, 0, 1, OPEN).replace('begin 0 0 1', 'begin 0 zero 1'), ['a', 'b']],
    ['empty output', '', ['a', 'b']],
    ['pure garbage', 'sh: syntax error: unexpected "("\n\u0000\u00ff@@kubeknock\n@@kubeknock begin\n', ['a', 'b']],
  ])('reports missing ids for %s', (_case, out, missing) => {
    const parsed = parseBatchOutput(out, ['a', 'b']);
    expect(parsed.missing).toEqual(missing);
    expect(parsed.results.map((r) => r.id)).toEqual(['a', 'b'].filter((id) => !missing.includes(id)));
  });

  it('keeps the first of two frames for one index', () => {
    const parsed = parseBatchOutput([frame(0, 0, 1, 'first'), frame(0, 1, 2, 'second')].join('\n'), ['a']);
    expect(parsed.results).toEqual([{ id: 'a', exitCode: 0, durationMs: 1, output: 'first' }]);
  });

  it('ignores garbage between frames and tolerates CRLF', () => {
    const out = ['noise', VERSION, 'Terminated', frame(0, 143, 4000, 'Terminated\n'), 'more noise'].join('\r\n');
    const parsed = parseBatchOutput(out, ['a']);
    expect(parsed.results).toEqual([{ id: 'a', exitCode: 143, durationMs: 4000, output: 'Terminated\n' }]);
  });

  it('decodes empty output and UTF-8', () => {
    const parsed = parseBatchOutput([frame(0, 0, 1, ''), frame(1, 1, 1, 'ünï ✓\n')].join('\n'), ['a', 'b']);
    expect(parsed.results.map((r) => r.output)).toEqual(['', 'ünï ✓\n']);
  });

  it('leaves the version out when busybox could not be found, and collects script errors', () => {
    const out = '@@kubeknock busybox \n@@kubeknock error cannot create a temporary directory under /tmp\n';
    const parsed = parseBatchOutput(out, ['a']);
    expect(parsed).toEqual({
      results: [],
      missing: ['a'],
      scriptErrors: ['cannot create a temporary directory under /tmp'],
    });
    expect('busyboxVersion' in parsed).toBe(false);
  });
});
