/**
 * A udp check next to a tcp check on the same port number, through every renderer: the columns stay
 * apart (`cache:5353` and `cache:5353/udp`), and the echo is named as what it is.
 */
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTable } from '../../src/report/table.js';
import { renderTap } from '../../src/report/tap.js';
import { check, report } from './builders.js';

const udpAndTcp = report([
  check({ from: 'client', to: 'cache:5353/udp', kind: 'udp', expect: 'allow', saw: ['echoed'] }),
  check({ from: 'client', to: 'cache:5353', expect: 'deny', saw: ['timeout'] }),
  check({ from: 'intruder', to: 'cache:5353/udp', kind: 'udp', expect: 'deny', saw: ['echoed'] }),
]);

describe('renderers with udp checks', () => {
  it('the table: a column per protocol, an echo shown as echoed', () => {
    const text = renderTable(udpAndTcp, { color: false });
    const header = text.split('\n').find((line) => line.includes('from \\ to')) ?? '';
    expect(header).toContain('cache:5353/udp');
    expect(header.replace('cache:5353/udp', '')).toContain('cache:5353');
    expect(text).toContain('✓ allow (echoed)');
    expect(text).toContain('✗ expected deny, got allow (echoed)');
    expect(text).toContain('intruder (production/kk-intruder-x7f2q) → cache:5353/udp (10.244.1.7:5353) [udp]');
  });

  it('Markdown, JUnit and TAP name the kind and the outcome', () => {
    expect(renderMarkdown(udpAndTcp)).toContain('cache:5353/udp');
    expect(renderMarkdown(udpAndTcp)).toContain('echoed');
    expect(renderJunit(udpAndTcp)).toContain('client → cache:5353/udp [udp] expect allow');
    expect(renderTap(udpAndTcp)).toContain('not ok 3 - intruder → cache:5353/udp [udp] expect deny');
  });
});
