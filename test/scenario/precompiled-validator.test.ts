/**
 * The scenario validator is compiled from the schema at build time (scripts/compile-scenario-schema.mjs).
 * A schema edited without a rebuild would leave the CLI and these tests checking the old shape.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_SHA256 } from '../../src/scenario/scenario-validator.generated.js';

describe('the precompiled scenario validator', () => {
  it('was generated from the current scenario.schema.json', () => {
    const schema = readFileSync(new URL('../../src/scenario/scenario.schema.json', import.meta.url));
    expect(SCHEMA_SHA256, 'scenario.schema.json changed since the validator was generated: run "npm run build"').toBe(createHash('sha256').update(schema).digest('hex'));
  });
});
