import { describe, expect, it } from 'vitest';
import { durationWithUnitsSeconds, parseDurationSeconds } from '../../src/flows/duration.js';
import { parseFlowsMaxAge } from '../../src/flows/document-checks.js';

describe('durations', () => {
  it.each([
    ['60', 60],
    ['90s', 90],
    ['5m', 300],
    ['1h30m', 5400],
    ['2d', 172_800],
    [' 10m ', 600],
  ])('observe --for %j is %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'abc', '5 m', '-5s', '1.5h', '5w', '99999999s'])('refuses %j and says how to write one', (text) => {
    expect(parseDurationSeconds(text)).toMatch(/is not a duration: write a whole number with s, m, h or d/);
  });

  it('--flows-max-age shares the grammar, with 0 for "any age" and no bare numbers', () => {
    expect(durationWithUnitsSeconds('1h30m')).toBe(5400);
    expect(parseFlowsMaxAge('1h30m')).toEqual({ ok: true, seconds: 5400 });
    expect(parseFlowsMaxAge('0')).toEqual({ ok: true, seconds: 0 });
    expect(parseFlowsMaxAge('90')).toMatchObject({ ok: false });
  });
});
