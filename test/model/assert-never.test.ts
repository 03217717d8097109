import { describe, expect, it } from 'vitest';
import { assertNever } from '../../src/model/assert-never.js';

describe('assertNever', () => {
  it('throws naming the unexpected value', () => {
    expect(() => assertNever('x' as never, 'kind')).toThrow('unexpected kind: "x"');
  });
});
