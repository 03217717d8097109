import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CASES } from './conformance-cases.js';
import { modelInventory, tableDifferences } from './model.js';

describe('upstream NetworkPolicy conformance cases as truth tables (x/y/z × a/b/c)', () => {
  it.each(CONFORMANCE_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const inventory = modelInventory(testCase.policies);
    for (const { port, protocol, expected } of testCase.checks) {
      const differences = tableDifferences(inventory, port, protocol, expected);
      expect(differences, `every cell of the ${protocol}/${port} table should match the expected one`).toEqual([]);
    }
  });
});
