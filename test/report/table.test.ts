import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/report/table.js';
import { check, report } from './builders.js';
import { FIXTURES, mixed, NASTY, needsEscaping, severalKindsInOneCell } from './fixtures.js';

const ESC = '\u001b';

describe('renderTable', () => {
  it.each(Object.entries(FIXTURES))('%s: emits no escape character when colour is off', (_name, fixture) => {
    const text = renderTable(fixture, { color: false });
    expect(text.includes(ESC), 'colour-off output should contain no ESC, not even from probe output').toBe(false);
  });

  it('colours passes green and failures red when colour is on', () => {
    const text = renderTable(mixed, { color: true });
    expect(text, 'a pass should be wrapped in green (32)').toContain('\u001b[32m✓ deny (timeout)');
    expect(text, 'a failure should be wrapped in red (31)').toContain('\u001b[31m✗ expected allow, got deny (refused)');
  });

  it('lists rows and columns in order of first appearance', () => {
    const text = renderTable(mixed, { color: false });
    const header = text.split('\n').find((line) => line.includes('from \\ to')) ?? '';
    expect(header.indexOf('postgres:5432'), 'postgres:5432 appears first in the checks, so it should be the first column').toBeLessThan(header.indexOf('api:80'));
    const rowOrder = ['│ backend', '│ frontend', '│ monitoring'].map((row) => text.indexOf(row));
    expect(rowOrder, 'rows should follow the order actors first appear in').toEqual([...rowOrder].sort((a, b) => a - b));
  });

  it('puts several kinds in one cell on separate lines, each named by its kind', () => {
    const text = renderTable(severalKindsInOneCell, { color: false });
    expect(text).toContain('✓ tcp: allow (connected)');
    expect(text).toContain('✓ http: allow (HTTP 404)');
  });

  it('marks pairs that were never checked with ·', () => {
    const lines = renderTable(severalKindsInOneCell, { color: false }).split('\n');
    const backend = lines.find((line) => line.startsWith('│ backend')) ?? '';
    expect(backend, 'backend checked only postgres, so its api:80 cell should be ·').toMatch(/^│ backend\s+│ ·\s+│/);
  });

  it.each([60, 80, 100])('fits the matrix into %i columns', (width) => {
    const text = renderTable(mixed, { color: true, width });
    const tableLines = text.split('\n').filter((line) => /^[┌│├└]/.test(line));
    const widest = Math.max(...tableLines.map((line) => [...line.replace(/\u001b\[[0-9;]*m/g, '')].length));
    expect(widest, `every table line should be at most ${width} columns wide`).toBeLessThanOrEqual(width);
  });

  it('details each failure with command, outcome, output excerpt, attempts and duration', () => {
    const text = renderTable(mixed, { color: false });
    const block = text.slice(text.indexOf('✗ backend to postgres:5432 (tcp)'));
    expect(block).toContain('expected allow, observed deny (refused) after 3 attempts');
    expect(block).toContain('backend (production/kk-backend-x7f2q) → postgres:5432 (10.244.1.7:5432) [tcp]');
    expect(block).toContain('command   nc -z -vv -w 2 10.244.1.7 5432');
    expect(block).toContain('outcome   refused: Connection refused');
    expect(block).toContain('output    nc: 10.244.1.7 (10.244.1.7:5432): Connection refused\n              sent 0, rcvd 0');
    expect(block).toContain('attempts  3: refused, refused, refused');
    expect(block).toContain('duration  123ms');
  });

  it('cuts long output to three lines and says how many were left out', () => {
    const timedOut = report([check({ from: 'a', to: 'b:1', expect: 'allow', saw: ['timeout'] })]);
    expect(renderTable(timedOut, { color: false })).toContain('punt!\n              … 2 more lines');
  });

  it('ends with BusyBox version, image and the summary line', () => {
    const lines = renderTable(mixed, { color: false }).trimEnd().split('\n');
    expect(lines.slice(-3)).toEqual([
      'busybox   BusyBox v1.36.1 (2026-11-20 10:00:00 UTC) multi-call binary.',
      'image     docker.io/library/busybox:1.36.1',
      '6 checks: 2 passed, 4 failed, 0 skipped in 12.3s (pods started in 4.1s; 3 execs, 17 API requests)',
    ]);
  });

  it('shows control characters from the cluster as visible escapes', () => {
    const text = renderTable(needsEscaping, { color: false });
    expect(NASTY).toContain('\u0007');
    expect(text, 'BEL and ESC from a probe should appear as \\x07 and \\x1b').toContain('\\x1b[31mred\\x07');
  });

  it('says so when there are no checks', () => {
    expect(renderTable(report([]), { color: false })).toContain('No checks.');
  });
});
