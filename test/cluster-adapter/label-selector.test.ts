import { describe, expect, it } from 'vitest';
import { formatLabelSelector } from '../../src/cluster/label-selector.js';

describe('formatLabelSelector', () => {
  it('renders matchLabels and every operator, ANDed', () => {
    expect(
      formatLabelSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'team', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier in (a,b),env notin (dev),team,!legacy');
  });

  it('an empty selector selects everything', () => {
    expect(formatLabelSelector({})).toBe('');
  });

  it.each([
    [{ matchLabels: { app: 'a,tier=b' } }, /value "a,tier=b"/],
    [{ matchLabels: { 'app,x': 'a' } }, /key "app,x"/],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a) ,x in (b'] }] }, /value "a\) ,x in \(b"/],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: [] }] }, /needs at least one value/],
  ])('refuses %j rather than build a selector that means something else', (selector, message) => {
    expect(() => formatLabelSelector(selector)).toThrow(message);
  });
});
