import type { Argv } from 'yargs';
import { wantsColor } from '../cluster-options.js';
import { defineCommand } from './define.js';
import { policySource, withPolicySourceFlags, type PolicySourceFlags } from './policy-source.js';

interface LintArgs extends PolicySourceFlags {
  readonly output: 'text' | 'json';
}

export const lintCommandFactory = defineCommand<LintArgs>((ctx) => ({
  command: 'lint',
  describe: 'Find NetworkPolicy mistakes (exit 0 none, 1 findings, 2 unreadable input)',
  builder: (yargs: Argv<object>) =>
    withPolicySourceFlags(yargs).option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ lint }, { renderLintFindings }] = await Promise.all([import('../../app/lint.js'), import('../../report/policy-lint.js')]);
    const { findings, notes } = await lint(policySource(argv, ctx.io));
    for (const note of notes) ctx.io.stderr.write(`kubeknock: note: ${note}\n`);
    ctx.io.stdout.write(argv.output === 'json' ? `${JSON.stringify({ findings }, null, 2)}\n` : renderLintFindings(findings, { color: wantsColor(ctx.io) }));
    ctx.exitCode = findings.length > 0 ? 1 : 0;
  },
}));
