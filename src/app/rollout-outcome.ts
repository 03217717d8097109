/**
 * What a rollout says when it ends: one headline, then the broken cells with their explanation, what
 * was put back, and — whenever a change may still be in the cluster — exactly which steps and the
 * command that undoes them. And its exit code.
 */
import type { CheckResult } from '../model/report.js';
import { visible } from '../report/sanitize.js';
import type { ExecuteOutcome } from './rollout-execute.js';
import type { JournalStore } from './journal-store.js';
import type { RestoreOutcome } from './journaled-changes.js';

export function rolloutExitCode(outcome: ExecuteOutcome, signal?: AbortSignal): number {
  switch (outcome.result.type) {
    case 'complete':
      return 0;
    case 'baseline-failed':
    case 'step-failed':
      return 1;
    case 'not-started':
    case 'change-failed':
      return 2;
    case 'interrupted':
      return String(signal?.reason ?? '').includes('SIGTERM') ? 143 : 130;
  }
}

export function describeOutcome(outcome: ExecuteOutcome, store: JournalStore): { readonly headline: string; readonly text: string } {
  const { result } = outcome;
  const undo = `kubeknock rollout --undo ${store.undoArgument}`;
  const lines: string[] = [];
  let headline: string;
  switch (result.type) {
    case 'complete': {
      const steps = outcome.journal?.steps.length ?? 0;
      headline = `rollout complete: ${steps} step(s) applied, each verified live`;
      lines.push(headline, `journal: ${store.where}`, `to put the previous policies back: ${undo}`);
      break;
    }
    case 'not-started':
      headline = 'rollout not started: the probe pods could not start; nothing was changed';
      lines.push(headline);
      break;
    case 'baseline-failed':
      headline = 'rollout not started: before any change, the network does not behave as its current policies say; nothing was changed';
      lines.push(headline, 'fix that first (the step 0 report above names the cells); a rollout verified against a network that already disagrees proves nothing');
      break;
    case 'step-failed':
      headline = `rollout stopped at step ${result.step}: ${result.broken.length} expectation(s) broken`;
      lines.push(headline, ...result.broken.flatMap(brokenCell));
      lines.push(...restoreLines(result.restore, outcome, undo));
      break;
    case 'change-failed':
      headline = `rollout stopped at step ${result.step}: a change could not be applied`;
      lines.push(headline, `  ${visible(result.message)}`, ...restoreLines(result.restore, outcome, undo));
      break;
    case 'interrupted':
      headline = `rollout interrupted during step ${result.step}`;
      lines.push(headline, ...restoreLines(result.restore, outcome, undo));
      break;
  }
  return { headline, text: lines.join('\n') };
}

function brokenCell(check: CheckResult): string[] {
  const lines = [`  ✗ ${check.from} → ${check.to}: ${visible(check.message ?? check.status)}`];
  if (check.explanation) lines.push(`      the policies after this step say:`, ...check.explanation.split('\n').map((line) => `        ${visible(line)}`));
  return lines;
}

function restoreLines(restore: RestoreOutcome | undefined, outcome: ExecuteOutcome, undo: string): string[] {
  const lines: string[] = [];
  if (restore) {
    lines.push(`rolled back: ${restore.restored.length} object(s) put back as they were`);
    lines.push(...restore.restored.map((line) => `  ${line}`));
    for (const left of restore.changedSince) lines.push(`  not put back, changed by someone else since kubeknock wrote it: ${left}`);
    for (const failure of restore.failures) lines.push(`  not put back: ${visible(failure)}`);
  } else if (outcome.journal) {
    lines.push('--no-rollback: the applied steps stay in the cluster for debugging');
  }
  if (outcome.applied.length > 0) {
    lines.push(`still applied: step(s) ${outcome.applied.join(', ')}; to put the previous policies back: ${undo}${restore && restore.changedSince.length > 0 ? ' --force' : ''}`);
  }
  return lines;
}
