/**
 * The probe container's main command (`sh -c`): serve every declared TCP port with BusyBox tcpsvd +
 * httpd and every UDP port with BusyBox dnsd, then idle until the pod's deadline, leaving promptly on
 * SIGTERM.
 */
import { assertNever } from '../model/assert-never.js';
import type { ListenPort } from '../model/scenario.js';

/**
 * httpd's own listener has a backlog of 9: thirty probe pods knocking at once overflow it, the kernel
 * drops SYNs, and an open port looks like a timeout (seen in the 30×30 bench). tcpsvd accepts with a
 * deep backlog and runs `httpd -i` per connection.
 */
const LISTEN_BACKLOG = 1024;
/** Connections served at once; each is a short-lived httpd, and nc -z connections close at once. */
const MAX_CONNECTIONS = 200;

/**
 * A UDP port is served by dnsd with no names (`-c /dev/null`): it answers every query NXDOMAIN,
 * repeating the name asked, from one unconnected socket. That repeat is the echo udp probes wait for
 * (the probe asks for a name unique to itself). udpsvd with a one-datagram echo (`dd count=1`) was
 * measured and rejected: it hands its socket, and every datagram already queued on it, to the child of
 * the first peer, so of 10 probes arriving together only 4 to 8 were echoed (of 60, 9 to 26); dnsd
 * answered 240 of 240.
 */
function udpResponder(port: number, address: string): string {
  return `dnsd -c /dev/null -i ${address} -p ${port}`;
}

function tcpListener(port: number, address: string): string {
  return `tcpsvd -E -b ${LISTEN_BACKLOG} -c ${MAX_CONNECTIONS} ${address} ${port} httpd -i -h "$w"`;
}

/**
 * Where the servers bind. `0.0.0.0` unless a check reaches the actor over IPv6: then `::`, which
 * (IPV6_V6ONLY off, the Linux default, and BusyBox leaves it so) takes IPv4 too; measured with the
 * real tcpsvd and dnsd in test/probe/ipv6-netns.test.ts. Where the kernel has no IPv6 at all
 * (/proc/net/if_inet6 missing) `::` cannot be bound: the pod falls back to IPv4 and runs, and
 * planning then names the missing address instead of the pod dying with a listener error.
 */
const IPV4_ANY = '0.0.0.0';
const DUAL_STACK_ANY = '"$a"';
const PICK_DUAL_STACK_ANY = `a=${IPV4_ANY}; [ -e /proc/net/if_inet6 ] && a=::`;

/** The server of one port, and the name the failure message gives it (`8080`, `5353/udp`). */
function serverFor(l: ListenPort, address: string): { readonly command: string; readonly shown: string } {
  switch (l.protocol) {
    case 'TCP':
      return { command: tcpListener(l.port, address), shown: String(l.port) };
    case 'UDP':
      return { command: udpResponder(l.port, address), shown: `${l.port}/udp` };
    default:
      return assertNever(l.protocol, 'listen protocol');
  }
}

/**
 * Why it is shaped like this:
 * - httpd serves a one-line index page, so an nc check sees "open" and a wget check gets a 200.
 * - tcpsvd (see LISTEN_BACKLOG) stays in the foreground, so `&` gives a PID we can check and stop;
 *   `-E` keeps it from setting up an environment (and looking up host names) per connection.
 * - A listener or responder that dies (port taken, privileged port without the sysctl) would make
 *   allow checks look like a REJECT; the script exits non-zero instead so the failure shows as a dead
 *   pod.
 * - `sleep` runs in the background and the shell `wait`s on it: a shell blocked in `wait` runs its
 *   TERM trap at once, while a foreground `sleep` (or `sleep` as PID 1) would sit out the signal.
 */
export function buildPodMainScript(listen: readonly ListenPort[], deadlineSeconds: number, options: { readonly dualStack?: boolean } = {}): string {
  const deadline = Math.max(1, Math.ceil(deadlineSeconds));
  const dualStack = (options.dualStack ?? false) && listen.length > 0;
  const starts = listen.map((l) => {
    if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) {
      throw new RangeError(`listen port out of range: ${l.port}`);
    }
    const { command, shown } = serverFor(l, dualStack ? DUAL_STACK_ANY : IPV4_ANY);
    return `${command} & pids="$pids $!"; ports="$ports ${shown}:$!"`;
  });
  return [
    `w=$(mktemp -d /tmp/kubeknock-www.XXXXXX) || exit 70`,
    `echo 'kubeknock probe pod' >"$w/index.html"`,
    `pids=`,
    `ports=`,
    `stop() { kill $pids 2>/dev/null; rm -rf "$w"; exit "$1"; }`,
    `trap 'stop 0' TERM INT HUP`,
    ...(dualStack ? [PICK_DUAL_STACK_ANY] : []),
    ...starts,
    // Give each tcpsvd and dnsd a moment to bind, then make sure it is still there.
    `sleep 1 & pids="$pids $!"; wait $!`,
    `for pp in $ports; do kill -0 "\${pp#*:}" 2>/dev/null || { echo "kubeknock: listener on port \${pp%%:*} failed to start" >&2; stop 1; }; done`,
    `sleep ${deadline} & pids="$pids $!"`,
    `wait $!`,
    `stop 0`,
    '',
  ].join('\n');
}
