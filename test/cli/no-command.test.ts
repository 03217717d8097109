import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('kubeknock without a command', () => {
  it('exits 2 and names every command there is', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    for (const command of ['run', 'validate', 'discover', 'observe', 'propose', 'diff', 'rollout', 'predict', 'explain', 'lint', 'report', 'doctor', 'cleanup', 'manifests']) {
      expect(result.stderr, command).toMatch(new RegExp(`Name a command: .*\\b${command}\\b`));
    }
  });
});
