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
});
