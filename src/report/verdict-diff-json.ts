/**
 * `kubeknock diff -o json`: exactly one object, every changed cell in it, written a change at a time
 * so a diff of a million cells never sits in memory as one string:
 * `{"summary":{…},"policies":{…},"parties":[…],"cut":[…],"opened":[…],"notes":[…]}`.
 */
import type { CellChange, DiffResult } from '../diff/index.js';
import { flowsJson } from './diff-flows.js';

export function writeDiffJson(result: DiffResult, write: (text: string) => void): void {
  const { diff, parties, policies, notes } = result;
  const unchanged = diff.judged - diff.cut.length - diff.opened.length - diff.unknown;
  const summary = {
    judged: diff.judged,
    cut: diff.cut.length,
    opened: diff.opened.length,
    unchanged,
    ...(diff.unknown > 0 ? { unknown: diff.unknown } : {}),
    ...(result.flows ? { cutFlows: result.flows.cut.length } : {}),
  };
  write(`{"summary":${JSON.stringify(summary)},\n"policies":${JSON.stringify(policies)},\n"parties":[`);
  parties.forEach((party, index) => write(`${index === 0 ? '\n' : ',\n'}${JSON.stringify(party)}`));
  write('],\n"cut":[');
  writeChanges(diff.cut, write);
  write('],\n"opened":[');
  writeChanges(diff.opened, write);
  write(`],\n${result.flows ? `"flows":${JSON.stringify(flowsJson(result.flows))},\n` : ''}"notes":${JSON.stringify(notes)}}\n`);
}

function writeChanges(changes: readonly CellChange[], write: (text: string) => void): void {
  changes.forEach((change, index) => {
    const { cell, egress, ingress, responsible, roles, expected } = change;
    write(`${index === 0 ? '\n' : ',\n'}${JSON.stringify({ ...cell, egress, ingress, responsible, roles, expected })}`);
  });
}
