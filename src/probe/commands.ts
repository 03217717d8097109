/**
 * The BusyBox command line of each probe kind. Flags were checked against a real BusyBox 1.35.0
 * defconfig build (what the official images ship); test/probe/batch-netns.test.ts, batch-loopback.test.ts
 * and dns-rcodes.test.ts run them with the real binary and keep them honest.
 */
import { assertNever } from '../model/assert-never.js';
import type { ProbeTask } from '../model/probe.js';
import { hostPort } from './host-port.js';
import { shellJoin } from './shell-quote.js';

/**
 * Seconds the outer `timeout` waits beyond the probe's own timeout. Name lookups are bounded by neither
 * `nc -w` nor `wget -T` (a dropped resolver costs glibc 2 × 5 s before "bad address"), so only the
 * outer bound guarantees an answer within `timeoutSeconds + grace`.
 */
export const PROBE_GRACE_SECONDS = 2;

/** After TERM, the outer `timeout` sends KILL this many seconds later. */
export const PROBE_KILL_AFTER_SECONDS = 1;

/** BusyBox timers take whole seconds, and 0 means "no timeout" to some applets. */
function wholeSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

/**
 * The bare probe command.
 * - tcp: `-z` connects and closes; `-w` bounds connect(); `-vv` because a single `-v` prints nothing
 *   for "Connection refused" (only failures other than refused, and "open").
 * - http: `-q` hides only the "Connecting to" line and the progress bar, error lines stay; `-O
 *   /dev/null` because a read-only root cannot store index.html; `-Y off` so a proxy variable in the
 *   image cannot replace the path under test.
 * - dns: `-timeout` bounds the whole lookup (retries are spread inside it, default 5 s), `-retry=2`
 *   resends once within it in case one UDP datagram is lost. Neither is in the 1.35 usage text, but the
 *   applet accepts and honours both. `-type=aaaa` for a check that asks for IPv6 records.
 * - IPv6: nc takes the bare address, wget a bracketed URL host (`http://[fd00::1]:80/`), nslookup a
 *   bare server address or `[IPv6]:PORT`; an unbracketed `fd00::1:5353` is read as an address on
 *   port 53. Neither nc nor wget can be told which family of a name to use (no -4/-6).
 * - udp: one query (`-retry=1`) for the probe's token to the target's responder (BusyBox dnsd, see
 *   listener-script.ts), which answers NXDOMAIN naming the token. nslookup takes the port as
 *   `IP:PORT` (`[IPv6]:PORT`), stops at the first answer, and reports an ICMP port unreachable as
 *   `read: Connection refused`. `nc -u` was measured and rejected: it exits 0 and waits two `-w`
 *   periods whether or not an echo came, and udpsvd, the BusyBox server that could echo on any port,
 *   loses datagrams that arrive together (see listener-script.ts).
 */
export function probeArgv(task: ProbeTask): string[] {
  const t = String(wholeSeconds(task.timeoutSeconds));
  switch (task.kind) {
    case 'tcp':
      return ['nc', '-z', '-vv', '-w', t, task.host, String(task.port)];
    case 'http':
      return ['wget', '-q', '-Y', 'off', '-T', t, '-O', '/dev/null', task.url];
    case 'udp':
      return ['nslookup', '-type=a', `-timeout=${t}`, '-retry=1', task.token, hostPort(task.host, task.port)];
    case 'dns': {
      const argv = ['nslookup', task.recordType === 'AAAA' ? '-type=aaaa' : '-type=a', `-timeout=${t}`, '-retry=2', task.name];
      if (task.server !== undefined) argv.push(task.server);
      return argv;
    }
    default:
      return assertNever(task, 'probe task');
  }
}

/** Seconds after which the outer `timeout` sends TERM. */
export function outerTimeoutSeconds(task: Pick<ProbeTask, 'timeoutSeconds'>): number {
  return wholeSeconds(task.timeoutSeconds) + PROBE_GRACE_SECONDS;
}

/**
 * The probe wrapped in BusyBox `timeout`, which execs the probe in its own place: a probe it had to
 * stop exits 143 (TERM) or 137 (KILL), never 124 as with coreutils.
 */
export function boundedProbeArgv(task: ProbeTask): string[] {
  return [
    'timeout',
    '-k',
    String(PROBE_KILL_AFTER_SECONDS),
    String(outerTimeoutSeconds(task)),
    ...probeArgv(task),
  ];
}

/** The exact command line run in the pod, as shown in reports. */
export function probeCommandLine(task: ProbeTask): string {
  return shellJoin(boundedProbeArgv(task));
}
