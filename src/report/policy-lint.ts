/** The text of `kubeknock lint`: one block per finding, then a count. */
import type { LintFinding } from '../policy/index.js';
import { painter } from './ansi.js';
import type { RenderOptions } from './render-options.js';
import { visibleStrings } from './sanitize.js';

export function renderLintFindings(findings: readonly LintFinding[], options: RenderOptions): string {
  const paint = painter(options.color);
  if (findings.length === 0) return `${paint('green', '✓ no findings')}\n`;
  // Names, labels and paths in a finding come from the manifests: control characters made visible.
  const lines = visibleStrings(findings).map((finding) => {
    const severity = finding.severity === 'error' ? paint('red', 'error  ') : paint('yellow', 'warning');
    const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}: ` : '';
    const subject = finding.kind ? `${finding.kind} ${finding.policy ?? ''}` : finding.policy ? `NetworkPolicy ${finding.namespace}/${finding.policy}` : `namespace ${finding.namespace}`;
    const field = finding.field ? ` ${finding.field}` : '';
    return `${severity} ${where}${subject}${field} [${finding.rule}]\n        ${finding.message}`;
  });
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  return `${lines.join('\n')}\n${errors} error(s), ${warnings} warning(s)\n`;
}
