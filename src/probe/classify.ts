/**
 * Turns what a BusyBox probe printed and returned into an outcome class. Every pattern below is an
 * exact message seen from BusyBox 1.35.0 (defconfig, static, glibc); test/probe/*.test.ts produces
 * each one with the real binary. Anything not recognised is an `exec-error` carrying what was seen:
 * an unknown message is never guessed to be a network result.
 */
import { assertNever } from '../model/assert-never.js';
import type { Outcome, PlainOutcomeClass } from '../model/outcome.js';
import type { ProbeTask, RawTaskResult } from '../model/probe.js';

/**
 * Exit codes of a probe stopped by the outer `timeout`. BusyBox `timeout` execs the probe in its own
 * place, so the status is the probe's death by signal as the shell reports it: 143 (TERM), 137 (KILL).
 * 124 is what coreutils `timeout` would return; accepted in case an image ships it.
 */
const KILLED_BY_TIMEOUT = new Set([124, 137, 143]);

/** `sh: nc: not found` (127) and `Permission denied` on exec (126): the probe never ran. */
const COULD_NOT_RUN = new Set([126, 127]);

/**
 * One recognised message. The outcome's detail is the whole line the pattern matched (so it names the
 * address), plus a note where the message alone would mislead.
 */
type Rule = {
  readonly pattern: RegExp;
  readonly note?: string;
} & (
  | { readonly class: PlainOutcomeClass }
  | {
      readonly class: 'http-status';
      /** The status code from the match. */
      readonly httpStatus: (match: RegExpExecArray) => number;
    }
);

/**
 * An ICMPv6 "administratively prohibited" (ip6tables REJECT --reject-with icmp6-adm-prohibited) is
 * EACCES to Linux, where IPv4's admin-prohibited is EHOSTUNREACH: the same deny, so no-route. Only for
 * an IPv6 peer: over IPv4, EACCES comes from a local `prohibit` route alone, which no NetworkPolicy
 * makes, and stays unrecognised.
 */
const ADMIN_PROHIBITED_NOTE = 'ICMPv6 administratively prohibited: a REJECT rule';

/**
 * Socket errors shared by nc and wget (`nc: host (ip:port): <error>`, `wget: can't connect to remote
 * host (ip): <error>`; wget leaves out `(ip)` for an IPv6 address).
 */
const CONNECT_RULES: readonly Rule[] = [
  { pattern: /Connection refused/, class: 'refused' },
  { pattern: /Connection timed out/, class: 'timeout' },
  { pattern: /No route to host/, class: 'no-route' },
  { pattern: /Network is unreachable/, class: 'no-route' },
  // glibc says the same for NXDOMAIN and for a resolver it cannot reach.
  { pattern: /bad address '[^']*'/, class: 'name-not-found', note: 'no such name, or DNS unreachable' },
];

/** nc's and wget's connect() failing with EACCES, for an IPv6 peer (see ADMIN_PROHIBITED_NOTE). */
const CONNECT_PROHIBITED_IPV6: readonly Rule[] = [
  { pattern: /^(nc: [^\n]*|wget: can't connect to remote host[^\n]*): Permission denied$/m, class: 'no-route', note: ADMIN_PROHIBITED_NOTE },
];

const TCP_RULES: readonly Rule[] = [
  // `nc -vv` prints `host (ip:port) open` on success.
  { pattern: /\) open$/m, class: 'connected' },
  ...CONNECT_RULES,
];

const HTTP_RULES: readonly Rule[] = [
  {
    pattern: /server returned error: HTTP\/[\d.]+ (\d{3})/,
    class: 'http-status',
    httpStatus: (m) => Number(m[1]),
  },
  // Also what a server that accepts and never answers looks like.
  { pattern: /download timed out/, class: 'timeout' },
  ...CONNECT_RULES,
];

const DNS_RULES: readonly Rule[] = [
  // The DNS server answered. NXDOMAIN, and SERVFAIL/REFUSED/NOTIMP too, prove DNS is reachable.
  { pattern: /\*\* server can't find [^:\n]+: \S+/, class: 'name-not-found', note: 'DNS answered' },
  // Specific socket errors before the generic summary line that follows them.
  {
    pattern: /nslookup: (read|write to '[^']*'): (Connection refused|No route to host|Network is unreachable)/,
    class: 'dns-unreachable',
  },
  { pattern: /nslookup: can't connect to remote host/, class: 'dns-unreachable' },
  { pattern: /;; connection timed out; no servers could be reached/, class: 'dns-unreachable' },
];

/**
 * nslookup asking kubeknock's UDP responder (BusyBox dnsd) for the probe's token. The answer itself is
 * matched in classifyUdp; these are the ways it does not come. ICMP port unreachable (nothing serving
 * the port, or a REJECT rule) is `read: Connection refused`; admin-prohibited is `No route to host`;
 * a host- or net-unreachable ICMP is not reported to a UDP socket at all and shows as silence, so
 * only the summary line is left: timeout. Over IPv6, admin-prohibited is `read: Permission denied`, and
 * a missing route `can't connect to remote host: Network is unreachable` (no `(ip)` part).
 */
const UDP_RULES: readonly Rule[] = [
  { pattern: /nslookup: (read|write to '[^']*'): Connection refused/, class: 'refused' },
  { pattern: /nslookup: (read|write to '[^']*'): (No route to host|Network is unreachable)/, class: 'no-route' },
  { pattern: /nslookup: can't connect to remote host( \([^)]*\))?: (No route to host|Network is unreachable)/, class: 'no-route' },
  { pattern: /;; connection timed out; no servers could be reached/, class: 'timeout', note: 'no answer from the responder' },
];

/** nslookup's `read: Permission denied`, for a server at an IPv6 address (see ADMIN_PROHIBITED_NOTE). */
const NSLOOKUP_PROHIBITED = /nslookup: (read|write to '[^']*'): Permission denied/;
const DNS_PROHIBITED_IPV6: readonly Rule[] = [{ pattern: NSLOOKUP_PROHIBITED, class: 'dns-unreachable', note: ADMIN_PROHIBITED_NOTE }];
const UDP_PROHIBITED_IPV6: readonly Rule[] = [{ pattern: NSLOOKUP_PROHIBITED, class: 'no-route', note: ADMIN_PROHIBITED_NOTE }];

/** `rules`, plus the IPv6-only ones when the probe's peer is an IPv6 address. */
function withIpv6(rules: readonly Rule[], peer: string | undefined, ipv6Rules: readonly Rule[]): readonly Rule[] {
  return peer !== undefined && peer.includes(':') ? [...ipv6Rules, ...rules] : rules;
}

/** `** server can't find NAME: RCODE`: what the responder says for a name it does not know. */
const NO_SUCH_NAME = /\*\* server can't find ([^:\n]+): (\S+)/;

/** `Name:` then `Address: a.b.c.d` lines; the `Address:` above `Name:` is the server's own. */
function resolvedAddresses(output: string): string[] {
  const afterName = output.split(/^Name:/m).slice(1).join('\n');
  return [...afterName.matchAll(/^Address:\s*(\S+)\s*$/gm)].map((m) => m[1] ?? '').filter(Boolean);
}

function firstLine(output: string): string {
  const line = output.split('\n').find((l) => l.trim() !== '');
  return line === undefined ? '(no output)' : line.trim().slice(0, 200);
}

function execError(raw: RawTaskResult, why: string): Outcome {
  return { class: 'exec-error', detail: `${why} (exit ${raw.exitCode}): ${firstLine(raw.output)}` };
}

/** The full line around a match, trimmed. */
function lineAt(output: string, index: number): string {
  const start = output.lastIndexOf('\n', index - 1) + 1;
  const end = output.indexOf('\n', index);
  return output.slice(start, end === -1 ? undefined : end).trim().slice(0, 200);
}

function applyRules(rules: readonly Rule[], output: string): Outcome | undefined {
  for (const rule of rules) {
    const match = rule.pattern.exec(output);
    if (!match) continue;
    const line = lineAt(output, match.index);
    const detail = rule.note === undefined ? line : `${line} (${rule.note})`;
    return rule.class === 'http-status' ? { class: rule.class, httpStatus: rule.httpStatus(match), detail } : { class: rule.class, detail };
  }
  return undefined;
}

/** An IPv4 or IPv6 literal: nothing to look up. */
function isAddressLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[?[0-9a-fA-F:]*:[0-9a-fA-F:.]*\]?$/.test(host);
}

function hostOf(task: ProbeTask): string {
  switch (task.kind) {
    case 'tcp':
    case 'http':
    case 'udp':
      return task.host;
    case 'dns':
      return task.name;
    default:
      return assertNever(task, 'probe task');
  }
}

/**
 * The outer `timeout` fires only when the probe's own timer did not: `nc -w` and `wget -T` bound the
 * connection, `nslookup -timeout` the whole query. For nc and wget given a name, what hung is
 * therefore the name lookup (glibc waits 2 × 5 s for a dropped resolver), not the path under test.
 */
function killedByTimeout(task: ProbeTask, raw: RawTaskResult): Outcome {
  const after = `stopped by the outer timeout after ${raw.durationMs} ms (exit ${raw.exitCode})`;
  if (task.kind === 'dns') return { class: 'dns-unreachable', detail: `no DNS answer: ${after}` };
  const host = hostOf(task);
  if (!isAddressLiteral(host)) {
    return { class: 'dns-unreachable', detail: `name lookup of ${host} did not finish: ${after}` };
  }
  return { class: 'timeout', detail: `no answer: ${after}` };
}

export function classifyOutcome(task: ProbeTask, raw: RawTaskResult): Outcome {
  if (COULD_NOT_RUN.has(raw.exitCode)) return execError(raw, 'probe command could not run');
  if (KILLED_BY_TIMEOUT.has(raw.exitCode)) return killedByTimeout(task, raw);
  switch (task.kind) {
    case 'tcp': {
      const outcome = applyRules(withIpv6(TCP_RULES, task.host, CONNECT_PROHIBITED_IPV6), raw.output);
      // Exit status and message must agree; a mismatch means something other than nc answered.
      if (outcome && (outcome.class === 'connected') === (raw.exitCode === 0)) return outcome;
      return execError(raw, 'unrecognised nc result');
    }
    case 'http': {
      if (raw.exitCode === 0) return { class: 'http-status', httpStatus: 200, detail: '2xx response (wget exit 0)' };
      return applyRules(withIpv6(HTTP_RULES, task.host, CONNECT_PROHIBITED_IPV6), raw.output) ?? execError(raw, 'unrecognised wget result');
    }
    case 'udp':
      return classifyUdp(task, raw);
    case 'dns': {
      if (raw.exitCode === 0) {
        const addresses = resolvedAddresses(raw.output);
        if (addresses.length > 0) return { class: 'resolved', addresses, detail: `resolved to ${addresses.join(', ')}` };
        // NOERROR with an empty answer: BusyBox prints the Server: header and exits 0. DNS answered;
        // the name just has no A record.
        if (/^Server:/m.test(raw.output)) return { class: 'name-not-found', detail: `DNS answered with no ${task.recordType ?? 'A'} record for ${task.name}` };
        return execError(raw, 'nslookup succeeded without addresses');
      }
      return applyRules(withIpv6(DNS_RULES, task.server, DNS_PROHIBITED_IPV6), raw.output) ?? execError(raw, 'unrecognised nslookup result');
    }
    default:
      return assertNever(task, 'probe task');
  }
}

/**
 * The responder knows no names, so its answer to the token is NXDOMAIN (nslookup exits 1) naming the
 * token: the datagram got there and the reply got back. Any other answer came from something that is
 * not kubeknock's responder (or not to this probe), and is not guessed into an allow.
 */
function classifyUdp(task: Extract<ProbeTask, { kind: 'udp' }>, raw: RawTaskResult): Outcome {
  const answer = NO_SUCH_NAME.exec(raw.output);
  if (answer) {
    const line = lineAt(raw.output, answer.index);
    if (answer[1] === task.token && answer[2] === 'NXDOMAIN' && raw.exitCode === 1) {
      return { class: 'echoed', detail: `${line} (kubeknock's responder answered, naming this probe's token)` };
    }
    return { class: 'exec-error', detail: `an answer that is not the responder's reply to ${task.token} (exit ${raw.exitCode}): ${line}` };
  }
  if (raw.exitCode === 0) return execError(raw, `an answer that is not the responder's reply to ${task.token}`);
  return applyRules(withIpv6(UDP_RULES, task.host, UDP_PROHIBITED_IPV6), raw.output) ?? execError(raw, 'unrecognised nslookup result');
}
