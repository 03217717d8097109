import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../src/scenario/load.js';
import { scenarioNamespaces } from '../../src/scenario/namespaces.js';

describe('scenarioNamespaces', () => {
  it('collects actor and target namespaces of every scenario, once each, sorted', async () => {
    const files = ['valid-every-target.yaml', 'valid-postgres.yaml'].map((f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url)));
    expect(scenarioNamespaces(await loadScenarios(files))).toEqual(['apps', 'production']);
  });
});
