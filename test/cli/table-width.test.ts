/** --width: a value that is not a number is quoted as given; a width narrower than the narrowest table is refused with the width that fits. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const PREDICT = ['predict', '-f', 'test/fixtures/multi-ns-shop', '--port', '8080'];

describe('--width', () => {
  it('--width abc names the value and what is expected, not NaN: exit 2', async () => {
    const { code, stdout, stderr } = await runCli([...PREDICT, '--width', 'abc']);
    expect({ code, stdout }, 'refused before any output').toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain('--width must be a whole number of terminal columns from 40 to 1000, e.g. --width 120 (got "abc")');
    expect(stderr).not.toContain('NaN');
  });

  it('--width 40 (above the flag minimum, below what this table can shrink to) is refused with the narrowest width: exit 2', async () => {
    const { code, stdout, stderr } = await runCli([...PREDICT, '--width', '40']);
    expect({ code, stdout }, 'refused, nothing printed past the width').toEqual({ code: 2, stdout: '' });
    const narrowest = Number(/its narrowest form is (\d+) columns wide/.exec(stderr)?.[1]);
    expect(narrowest, `the message gives the narrowest width: ${stderr}`).toBeGreaterThan(40);
    expect(stderr).toContain(`give --width ${narrowest} or more, or --wide`);
    const fits = await runCli([...PREDICT, '--width', String(narrowest)]);
    expect(fits.code, 'the width the message gives is accepted').toBe(0);
    expect(Math.max(...fits.stdout.split('\n').map((line) => [...line].length)), 'and the output fits it').toBeLessThanOrEqual(narrowest);
  });
});
