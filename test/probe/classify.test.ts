/**
 * Classification of exact BusyBox 1.35.0 messages. Each output here was printed by the real binary
 * (batch-loopback and batch-netns produce most of them live); the rest are the edge cases that must
 * never be guessed into a network result.
 */
import { describe, expect, it } from 'vitest';
import type { OutcomeClass } from '../../src/model/outcome.js';
import type { ProbeTask } from '../../src/model/probe.js';
import { classifyOutcome } from '../../src/probe/classify.js';
import { addressesOf, httpStatusOf } from '../support/outcome.js';

const tcp: ProbeTask = { id: 't', kind: 'tcp', host: '198.18.5.2', port: 81, timeoutSeconds: 2 };
const tcpByName: ProbeTask = { id: 't', kind: 'tcp', host: 'api.prod.svc.cluster.local.', port: 80, timeoutSeconds: 2 };
const tcp6: ProbeTask = { id: 't', kind: 'tcp', host: 'fd00::1', port: 80, timeoutSeconds: 2 };
const http: ProbeTask = { id: 'h', kind: 'http', url: 'http://198.18.5.2:8080/x', host: '198.18.5.2', timeoutSeconds: 2 };
const httpByName: ProbeTask = { id: 'h', kind: 'http', url: 'http://api.prod.svc.cluster.local./', host: 'api.prod.svc.cluster.local.', timeoutSeconds: 2 };
const dns: ProbeTask = { id: 'd', kind: 'dns', name: 'ok.kk.test.', server: '198.18.5.1', timeoutSeconds: 2 };
/** IPv6 peers, with the outputs the real BusyBox printed for them in test/probe/ipv6-netns.test.ts. */
const S6 = 'fd00:5::2';
const tcpTo6: ProbeTask = { id: 't', kind: 'tcp', host: S6, port: 82, timeoutSeconds: 2 };
const httpTo6: ProbeTask = { id: 'h', kind: 'http', url: `http://[${S6}]:82/`, host: S6, timeoutSeconds: 2 };
const dns6: ProbeTask = { id: 'd', kind: 'dns', name: 'six.kk.test.', server: S6, recordType: 'AAAA', timeoutSeconds: 2 };
const udp6: ProbeTask = { id: 'c4', kind: 'udp', host: S6, port: 5355, token: 'c4.kubeknock-client-x7k2q.kubeknock.', timeoutSeconds: 2 };

const NS_HEADER = 'Server:\t\t198.18.5.1\nAddress:\t198.18.5.1:53\n\n';
const TOKEN = 'c4.kubeknock-client-x7k2q.kubeknock.';
const udp: ProbeTask = { id: 'c4', kind: 'udp', host: '198.18.5.1', port: 5353, token: TOKEN, timeoutSeconds: 2 };
const RESPONDER_HEADER = 'Server:\t\t198.18.5.1:5353\nAddress:\t198.18.5.1:5353\n\n';
const NO_SERVERS = ';; connection timed out; no servers could be reached\n\n';

interface Row {
  readonly name: string;
  readonly task: ProbeTask;
  readonly exit: number;
  readonly output: string;
  readonly class: OutcomeClass;
  /** Substring the detail must contain. */
  readonly detail: string;
  readonly httpStatus?: number;
  readonly addresses?: readonly string[];
}

const ROWS: readonly Row[] = [
  // nc -z -vv
  { name: 'nc open', task: tcp, exit: 0, output: '198.18.5.2 (198.18.5.2:81) open\nsent 0, rcvd 0\n', class: 'connected', detail: '198.18.5.2 (198.18.5.2:81) open' },
  { name: 'nc refused', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): Connection refused\nsent 0, rcvd 0\n', class: 'refused', detail: 'nc: 198.18.5.2 (198.18.5.2:81): Connection refused' },
  { name: 'nc DROP', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): Connection timed out\nsent 0, rcvd 0\n', class: 'timeout', detail: 'timed out' },
  { name: 'nc host unreachable', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): No route to host\nsent 0, rcvd 0\n', class: 'no-route', detail: 'nc: 198.18.5.2 (198.18.5.2:81): No route to host' },
  { name: 'nc net unreachable', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): Network is unreachable\nsent 0, rcvd 0\n', class: 'no-route', detail: 'unreachable' },
  { name: 'nc bad address', task: tcpByName, exit: 1, output: "nc: bad address 'nope.kk.test.'\n", class: 'name-not-found', detail: "nc: bad address 'nope.kk.test.' (no such name, or DNS unreachable)" },
  // Local route types: seen from the real nc, but no NetworkPolicy produces them; not guessed.
  { name: 'nc blackhole route', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): Invalid argument\nsent 0, rcvd 0\n', class: 'exec-error', detail: 'Invalid argument' },
  { name: 'nc prohibit route', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): Permission denied\nsent 0, rcvd 0\n', class: 'exec-error', detail: 'Permission denied' },
  { name: 'nc exit 0 without "open"', task: tcp, exit: 0, output: '', class: 'exec-error', detail: '(no output)' },
  { name: 'nc exit 1 claiming "open"', task: tcp, exit: 1, output: '198.18.5.2 (198.18.5.2:81) open\n', class: 'exec-error', detail: 'open' },
  // wget -q
  { name: 'wget 2xx', task: http, exit: 0, output: '', class: 'http-status', httpStatus: 200, detail: '2xx' },
  { name: 'wget 404', task: http, exit: 1, output: 'wget: server returned error: HTTP/1.1 404 Not Found\n', class: 'http-status', httpStatus: 404, detail: 'HTTP/1.1 404 Not Found' },
  { name: 'wget 503', task: http, exit: 1, output: 'wget: server returned error: HTTP/1.0 503 Service Unavailable\n', class: 'http-status', httpStatus: 503, detail: '503' },
  { name: 'wget refused', task: http, exit: 1, output: "wget: can't connect to remote host (198.18.5.2): Connection refused\n", class: 'refused', detail: 'refused' },
  { name: 'wget DROP', task: http, exit: 1, output: 'wget: download timed out\n', class: 'timeout', detail: 'download timed out' },
  { name: 'wget host unreachable', task: http, exit: 1, output: "wget: can't connect to remote host (198.18.5.2): No route to host\n", class: 'no-route', detail: "wget: can't connect to remote host (198.18.5.2): No route to host" },
  { name: 'wget net unreachable', task: http, exit: 1, output: "wget: can't connect to remote host (198.18.5.2): Network is unreachable\n", class: 'no-route', detail: 'unreachable' },
  { name: 'wget bad address', task: httpByName, exit: 1, output: "wget: bad address 'nope.kk.test.'\n", class: 'name-not-found', detail: 'nope.kk.test.' },
  { name: 'wget reset after accept', task: http, exit: 1, output: 'wget: error getting response: Connection reset by peer\n', class: 'exec-error', detail: 'error getting response' },
  { name: 'wget non-HTTP answer', task: http, exit: 1, output: 'wget: error getting response\n', class: 'exec-error', detail: 'error getting response' },
  // nslookup -type=a -timeout=T -retry=2
  {
    name: 'nslookup resolved',
    task: dns,
    exit: 0,
    output: `${NS_HEADER}Name:\tok.kk.test\nAddress: 198.18.5.1\n\n`,
    class: 'resolved',
    addresses: ['198.18.5.1'],
    detail: '198.18.5.1',
  },
  {
    name: 'nslookup several addresses',
    task: dns,
    exit: 0,
    output: `${NS_HEADER}Name:\tok.kk.test\nAddress: 10.0.0.1\nName:\tok.kk.test\nAddress: 10.0.0.2\n\n`,
    class: 'resolved',
    addresses: ['10.0.0.1', '10.0.0.2'],
    detail: '10.0.0.1, 10.0.0.2',
  },
  { name: 'nslookup NXDOMAIN', task: dns, exit: 1, output: `${NS_HEADER}** server can't find nope.kk.test.: NXDOMAIN\n\n`, class: 'name-not-found', detail: "** server can't find nope.kk.test.: NXDOMAIN (DNS answered)" },
  { name: 'nslookup NOTIMP (dnsd, AAAA)', task: dns, exit: 1, output: `${NS_HEADER}** server can't find ok.kk.test.: NOTIMP\n\n`, class: 'name-not-found', detail: 'NOTIMP' },
  { name: 'nslookup no servers', task: dns, exit: 1, output: ';; connection timed out; no servers could be reached\n\n', class: 'dns-unreachable', detail: ';; connection timed out; no servers could be reached' },
  {
    name: 'nslookup read refused',
    task: dns,
    exit: 1,
    output: 'nslookup: read: Connection refused\nnslookup: read: Connection refused\n;; connection timed out; no servers could be reached\n\n',
    class: 'dns-unreachable',
    detail: 'read: Connection refused',
  },
  { name: 'nslookup write refused', task: dns, exit: 1, output: "nslookup: write to '127.0.0.1': Connection refused\n;; connection timed out; no servers could be reached\n\n", class: 'dns-unreachable', detail: "write to '127.0.0.1'" },
  { name: 'nslookup net unreachable', task: dns, exit: 1, output: "nslookup: can't connect to remote host (198.18.252.1): Network is unreachable\n", class: 'dns-unreachable', detail: 'Network is unreachable' },
  { name: 'nslookup NOERROR, empty answer', task: dns, exit: 0, output: `${NS_HEADER}Non-authoritative answer:\n\n`, class: 'name-not-found', detail: 'no A record for ok.kk.test.' },
  { name: 'nslookup SERVFAIL', task: dns, exit: 1, output: `${NS_HEADER}** server can't find ok.kk.test.: SERVFAIL\n\n`, class: 'name-not-found', detail: 'SERVFAIL' },
  { name: 'nslookup REFUSED', task: dns, exit: 1, output: `${NS_HEADER}** server can't find ok.kk.test.: REFUSED\n\n`, class: 'name-not-found', detail: 'REFUSED' },
  { name: 'nslookup exit 0 without a Server: header or addresses', task: dns, exit: 0, output: 'hello\n', class: 'exec-error', detail: 'without addresses' },
  { name: 'nslookup usage text', task: dns, exit: 1, output: 'BusyBox v1.35.0 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n', class: 'exec-error', detail: 'BusyBox v1.35.0' },
  // nslookup -type=a -timeout=T -retry=1 TOKEN IP:PORT against kubeknock's responder (udp-netns.test.ts)
  { name: 'udp echoed (responder answers NXDOMAIN naming the token)', task: udp, exit: 1, output: `${RESPONDER_HEADER}** server can't find ${TOKEN}: NXDOMAIN\n\n`, class: 'echoed', detail: `** server can't find ${TOKEN}: NXDOMAIN (kubeknock's responder answered` },
  { name: 'udp port unreachable (no responder, or REJECT)', task: udp, exit: 1, output: `nslookup: read: Connection refused\n${NO_SERVERS}`, class: 'refused', detail: 'nslookup: read: Connection refused' },
  { name: 'udp DROP (or host unreachable, which a UDP socket never hears of)', task: udp, exit: 1, output: NO_SERVERS, class: 'timeout', detail: 'no servers could be reached (no answer from the responder)' },
  { name: 'udp admin-prohibited', task: udp, exit: 1, output: `nslookup: read: No route to host\n${NO_SERVERS}`, class: 'no-route', detail: 'No route to host' },
  { name: 'udp net unreachable on connect', task: udp, exit: 1, output: "nslookup: can't connect to remote host (198.18.5.1): Network is unreachable\n", class: 'no-route', detail: 'Network is unreachable' },
  { name: 'udp answer naming another token', task: udp, exit: 1, output: `${RESPONDER_HEADER}** server can't find c5.kubeknock-client-x7k2q.kubeknock.: NXDOMAIN\n\n`, class: 'exec-error', detail: `not the responder's reply to ${TOKEN}` },
  { name: 'udp answer with another rcode', task: udp, exit: 1, output: `${RESPONDER_HEADER}** server can't find ${TOKEN}: SERVFAIL\n\n`, class: 'exec-error', detail: 'SERVFAIL' },
  { name: 'udp: a real DNS server answering with an address', task: udp, exit: 0, output: `${RESPONDER_HEADER}Name:\t${TOKEN}\nAddress: 10.0.0.1\n\n`, class: 'exec-error', detail: 'not the responder' },
  { name: 'udp TERM by outer timeout', task: udp, exit: 143, output: '', class: 'timeout', detail: 'outer timeout' },
  // IPv6 peers: nc brackets the address, wget leaves it out, and an ICMPv6 admin-prohibited (a REJECT)
  // is EACCES, "Permission denied": a deny (no-route) for an IPv6 peer, unrecognised for an IPv4 one.
  { name: 'nc open, IPv6', task: tcpTo6, exit: 0, output: `${S6} ([${S6}]:82) open\nsent 0, rcvd 0\n`, class: 'connected', detail: `${S6} ([${S6}]:82) open` },
  { name: 'nc refused, IPv6', task: tcpTo6, exit: 1, output: `nc: ${S6} ([${S6}]:82): Connection refused\nsent 0, rcvd 0\n`, class: 'refused', detail: 'Connection refused' },
  { name: 'nc admin-prohibited, IPv6', task: tcpTo6, exit: 1, output: `nc: ${S6} ([${S6}]:82): Permission denied\nsent 0, rcvd 0\n`, class: 'no-route', detail: `nc: ${S6} ([${S6}]:82): Permission denied (ICMPv6 administratively prohibited: a REJECT rule)` },
  { name: 'nc Permission denied, IPv4: not guessed', task: tcp, exit: 1, output: 'nc: 198.18.5.2 (198.18.5.2:81): Permission denied\nsent 0, rcvd 0\n', class: 'exec-error', detail: 'unrecognised nc result' },
  { name: 'wget admin-prohibited, IPv6', task: httpTo6, exit: 1, output: "wget: can't connect to remote host: Permission denied\n", class: 'no-route', detail: 'ICMPv6 administratively prohibited' },
  { name: 'wget refused, IPv6', task: httpTo6, exit: 1, output: "wget: can't connect to remote host: Connection refused\n", class: 'refused', detail: "wget: can't connect to remote host: Connection refused" },
  { name: 'wget Permission denied, IPv4: not guessed', task: http, exit: 1, output: "wget: can't connect to remote host (198.18.5.2): Permission denied\n", class: 'exec-error', detail: 'unrecognised wget result' },
  {
    name: 'nslookup AAAA resolved, IPv6 server',
    task: dns6,
    exit: 0,
    output: `Server:\t\t${S6}\nAddress:\t[${S6}]:53\n\nName:\tsix.kk.test\nAddress: ${S6}\n\n`,
    class: 'resolved',
    detail: `resolved to ${S6}`,
    addresses: [S6],
  },
  { name: 'nslookup admin-prohibited, IPv6 server', task: dns6, exit: 1, output: `nslookup: read: Permission denied\n${NO_SERVERS}`, class: 'dns-unreachable', detail: 'ICMPv6 administratively prohibited' },
  { name: 'udp admin-prohibited, IPv6', task: udp6, exit: 1, output: `nslookup: read: Permission denied\n${NO_SERVERS}`, class: 'no-route', detail: 'ICMPv6 administratively prohibited' },
  { name: 'udp Permission denied, IPv4: not read as a REJECT, only the summary line counts', task: udp, exit: 1, output: `nslookup: read: Permission denied\n${NO_SERVERS}`, class: 'timeout', detail: 'no servers could be reached' },
  // The outer `timeout` (BusyBox execs the probe in its place: 143 TERM, 137 KILL)
  { name: 'TERM by outer timeout, IP target', task: tcp, exit: 143, output: 'sent 0, rcvd 0\npunt!\nTerminated\n', class: 'timeout', detail: 'outer timeout' },
  { name: 'KILL by outer timeout, IPv6 target', task: tcp6, exit: 137, output: '', class: 'timeout', detail: 'exit 137' },
  { name: 'TERM by outer timeout, name target', task: tcpByName, exit: 143, output: 'sent 0, rcvd 0\npunt!\nTerminated\n', class: 'dns-unreachable', detail: 'name lookup of api.prod.svc.cluster.local.' },
  { name: 'TERM by outer timeout, URL with a name', task: httpByName, exit: 143, output: 'Terminated\n', class: 'dns-unreachable', detail: 'did not finish' },
  { name: 'TERM by outer timeout, nslookup', task: dns, exit: 143, output: '', class: 'dns-unreachable', detail: 'no DNS answer' },
  { name: 'coreutils timeout 124', task: tcp, exit: 124, output: '', class: 'timeout', detail: 'exit 124' },
  // The probe never ran
  { name: 'applet missing', task: tcp, exit: 127, output: "timeout: can't execute 'nc': No such file or directory\n", class: 'exec-error', detail: "can't execute 'nc'" },
  { name: 'shell: not found', task: http, exit: 127, output: 'sh: wget: not found\n', class: 'exec-error', detail: 'not found' },
  { name: 'not executable', task: dns, exit: 126, output: 'sh: nslookup: Permission denied\n', class: 'exec-error', detail: 'could not run' },
  { name: 'segfault (Debian busybox-static wget -T)', task: http, exit: 139, output: '', class: 'exec-error', detail: 'exit 139' },
  { name: 'garbage', task: tcp, exit: 1, output: '\u0000\u00ff random\n', class: 'exec-error', detail: 'random' },
];

describe('classifyOutcome', () => {
  it.each(ROWS.map((r) => [r.name, r]))('%s', (_name, row) => {
    const outcome = classifyOutcome(row.task, { id: row.task.id, exitCode: row.exit, output: row.output, durationMs: 3000 });
    expect(outcome.class).toBe(row.class);
    expect(outcome.detail).toContain(row.detail);
    expect(httpStatusOf(outcome)).toBe(row.httpStatus);
    expect(addressesOf(outcome)).toEqual(row.addresses);
  });
});
