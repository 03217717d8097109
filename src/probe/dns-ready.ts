/**
 * The settle's last part: a brand-new pod may reach the cluster DNS only seconds after it runs (on
 * the test cluster, up to about 10 s after the CNI answered for its other traffic). A check that
 * needs a name answered would then fail its first attempts, and retrying it hides the delay in the
 * attempt count. Instead, each probe pod with a check that expects DNS to answer (a `dns` check
 * expecting allow, or a connection to a name expecting allow) first asks its own question until DNS
 * answers, bounded; the checks then run and are judged as always. A pod that gets no answer within the
 * bound is not an error: its checks tell what happened.
 */
import { assertNever } from '../model/assert-never.js';
import type { ProbeTask } from '../model/probe.js';
import { expectationOf, type ProbeRecord } from './results.js';
import { shellJoin } from './shell-quote.js';

/** At most this long per pod (the measured delay is about 10 s). */
export const DNS_READY_SECONDS = 20;

/** The lookup to repeat: a name and, for a `dns` check, the server and record type it asks. */
export interface DnsQuestion {
  readonly name: string;
  readonly server?: string;
  readonly recordType: 'A' | 'AAAA';
}

/** Per source actor, the first question one of its due checks needs answered, in record order. */
export function dnsQuestions(records: readonly ProbeRecord[]): Map<string, DnsQuestion> {
  const questions = new Map<string, DnsQuestion>();
  for (const record of records) {
    const actor = record.probe.check.from;
    if (questions.has(actor) || record.attempts.length > 0 || expectationOf(record) !== 'allow') continue;
    const question = questionOf(record.probe.task);
    if (question !== undefined) questions.set(actor, question);
  }
  return questions;
}

function questionOf(task: ProbeTask): DnsQuestion | undefined {
  switch (task.kind) {
    case 'dns':
      return { name: task.name, recordType: task.recordType ?? 'A', ...(task.server === undefined ? {} : { server: task.server }) };
    case 'tcp':
    case 'http':
      return isName(task.host) ? { name: task.host, recordType: 'A' } : undefined;
    case 'udp':
      // The responder is reached by its pod IP: no name to look up.
      return undefined;
    default:
      return assertNever(task, 'probe task');
  }
}

/** Not an IPv4 or IPv6 literal: a name the pod must look up. */
function isName(host: string): boolean {
  return !/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && !host.includes(':');
}

/**
 * A shell loop that asks until DNS answers (exit 0), or gives up after `seconds` (exit 1). An
 * NXDOMAIN or an empty answer is an answer too: DNS is reachable, which is all the wait is for.
 */
export function dnsReadyScript(question: DnsQuestion, seconds: number = DNS_READY_SECONDS): string {
  const argv = ['nslookup', question.recordType === 'AAAA' ? '-type=aaaa' : '-type=a', '-timeout=1', '-retry=1', question.name, ...(question.server === undefined ? [] : [question.server])];
  return [
    `end=$(( $(date +%s) + ${seconds} ))`,
    'while :; do',
    `  out=$(${shellJoin(argv)} 2>&1) && exit 0`,
    `  case "$out" in *"can't find"*|*Server:*) exit 0;; esac`,
    '  [ "$(date +%s)" -ge "$end" ] && exit 1',
    '  sleep 1',
    'done',
  ].join('\n');
}
