import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../src/flows/address.js';
import { parseSocketLine, parseSocketTable, TCP_STATES, type SocketEntry } from '../../src/flows/socket-table.js';
import { parseSample } from '../../src/flows/sample.js';
import { capturedText } from './captured-facts.js';

const line = (local: string, remote: string, state: string): string => `   0: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 20 4 30 10 -1`;
const entry = (outcome: ReturnType<typeof parseSocketLine>): SocketEntry => {
  if (typeof outcome === 'string') throw new Error(`expected an entry, got ${outcome}`);
  return outcome;
};
const ends = (e: SocketEntry): string => `${e.local.text}:${e.local.port} ${e.remote.text}:${e.remote.port} ${e.local.family}`;

describe('socket table addresses (hex words in little-endian host order)', () => {
  it.each([
    ['IPv4', 'tcp', '0301F40A:A9DF', '0200F40A:1538', '10.244.1.3:43487 10.244.0.2:5432 ipv4'],
    ['IPv4 loopback', 'tcp', '0100007F:8F66', '0100007F:1F90', '127.0.0.1:36710 127.0.0.1:8080 ipv4'],
    ['IPv4 any', 'udp', '00000000:14E9', '00000000:0000', '0.0.0.0:5353 0.0.0.0:0 ipv4'],
    ['IPv6', 'tcp6', '100000FD020044020000000003000000:9555', '100000FD010044020000000002000000:1538', 'fd00:10:244:2::3:38229 fd00:10:244:1::2:5432 ipv6'],
    ['v4-mapped IPv6 reported as IPv4', 'tcp6', '0000000000000000FFFF00000200F40A:1538', '0000000000000000FFFF00000301F40A:A9DF', '10.244.0.2:5432 10.244.1.3:43487 ipv4'],
    ['IPv6 any (::)', 'tcp6', '00000000000000000000000000000000:0035', '00000000000000000000000000000000:0000', ':::53 :::0 ipv6'],
    ['IPv6 loopback (::1)', 'tcp6', '00000000000000000000000001000000:1F90', '00000000000000000000000001000000:C000', '::1:8080 ::1:49152 ipv6'],
  ] as const)('%s', (_name, table, local, remote, expected) => {
    expect(ends(entry(parseSocketLine(table, line(local, remote, '01'))))).toBe(expected);
  });

  it('writes IPv6 in RFC 5952 form, the same text the API server gives', () => {
    expect(parseAddress('fd00:0010:0244:0001:0000:0000:0000:0002')?.text).toBe('fd00:10:244:1::2');
    expect(parseAddress('::ffff:10.244.0.2')).toEqual({ text: '10.244.0.2', family: 'ipv4' });
    expect(parseAddress('2001:db8:0:0:1:0:0:1')?.text).toBe('2001:db8::1:0:0:1');
    expect(parseAddress('fd00:10:96::692d')?.text).toBe('fd00:10:96::692d');
  });
});

describe('socket states', () => {
  const roles: Record<string, string> = { ESTABLISHED: 'connected', SYN_SENT: 'idle', SYN_RECV: 'connected', FIN_WAIT1: 'connected', FIN_WAIT2: 'connected', TIME_WAIT: 'connected', CLOSE: 'idle', CLOSE_WAIT: 'connected', LAST_ACK: 'connected', LISTEN: 'listening', CLOSING: 'connected', NEW_SYN_RECV: 'connected' };
  it.each(Object.entries(TCP_STATES))('TCP state %s is %s', (number, name) => {
    const hex = Number(number).toString(16).toUpperCase().padStart(2, '0');
    const parsed = entry(parseSocketLine('tcp', line('0200F40A:1538', '0301F40A:A9DF', hex)));
    expect(parsed).toMatchObject({ protocol: 'TCP', state: name, role: roles[name] });
  });

  it('names all twelve TCP states, 01 ESTABLISHED to 0C NEW_SYN_RECV', () => {
    expect(Object.keys(TCP_STATES).length).toBe(12);
    expect(TCP_STATES[0x0a]).toBe('LISTEN');
  });

  it.each([
    ['UDP 07 with remote 0:0 is a bound (listening) socket', 'udp', '00000000:14E9', '00000000:0000', '07', { state: 'unconnected', role: 'listening' }],
    ['UDP 07 bound to :: (udp6) is listening', 'udp6', '00000000000000000000000000000000:0035', '00000000000000000000000000000000:0000', '07', { state: 'unconnected', role: 'listening' }],
    ['UDP 01 is connected', 'udp6', '0000000000000000FFFF00000200F40A:14E9', '0000000000000000FFFF00000301F40A:8500', '01', { state: 'connected', role: 'connected' }],
  ] as const)('%s', (_name, table, local, remote, state, expected) => {
    expect(entry(parseSocketLine(table, line(local, remote, state)))).toMatchObject({ protocol: 'UDP', ...expected });
  });
});

describe('malformed lines are skipped and counted, never thrown', () => {
  it.each([
    ['too few fields', '   0: 0100007F:1F90'],
    ['v6 address in a v4 table', line('00000000000000000000000000000000:0035', '00000000000000000000000000000000:0000', '0A')],
    ['not hex', line('0100007G:1F90', '00000000:0000', '0A')],
    ['short port', line('0100007F:1F9', '00000000:0000', '0A')],
    ['unknown TCP state', line('0100007F:1F90', '00000000:0000', '0D')],
    ['no slot number', '0100007F:1F90 00000000:0000 0A 0 0 0'],
  ])('%s', (_name, text) => {
    expect(parseSocketLine('tcp', text)).toBe('malformed');
    const table = parseSocketTable('tcp', `  sl  local_address rem_address   st\n${text}\n${line('0100007F:1F90', '00000000:0000', '0A')}\n`);
    expect(table).toMatchObject({ malformed: 1, entries: [{ state: 'LISTEN' }] });
  });

  it('a UDP state other than 01 and 07 is malformed', () => {
    expect(parseSocketLine('udp', line('0100007F:1F90', '00000000:0000', '0A'))).toBe('malformed');
  });
});

describe('the real captures', () => {
  const sockets = (file: string, uid: string): SocketEntry[] => {
    const parsed = parseSample(capturedText(file));
    if (parsed.kind !== 'sample') throw new Error(parsed.reason);
    expect(parsed.sample.malformed).toBe(0);
    return [...(parsed.sample.pods.find((pod) => pod.uid === uid)?.sockets ?? [])];
  };

  it('CoreDNS (kk-node2) listens on TCP 53, 8181, 8080, 9153 and UDP 53, bound to ::', () => {
    const coredns = sockets('kk-node2.txt', '4d6469ee-053e-417e-95d3-804fea78f874');
    expect(coredns.filter((s) => s.role === 'listening').map((s) => `${s.protocol} ${s.local.text} ${s.local.port}`)).toEqual(['TCP :: 53', 'TCP :: 8181', 'TCP :: 8080', 'TCP :: 9153', 'UDP :: 53']);
    // Kubelet probes reach it from the node's bridge address, written v4-mapped in tcp6.
    expect(coredns.filter((s) => s.role === 'connected' && s.local.port === 8181)[0]).toMatchObject({ state: 'TIME_WAIT', local: { text: '10.244.1.2', family: 'ipv4' }, remote: { text: '10.244.1.1' } });
  });

  it('postgres (kk-node1) holds a v4-mapped CLOSE_WAIT socket on 5432 and a connected UDP socket on 5353', () => {
    expect(sockets('kk-node1.txt', '7b49cca3-ef2d-4254-ab8c-62ab128409af').map((s) => `${s.protocol} ${s.state} ${ends(s)}`)).toEqual([
      'TCP CLOSE_WAIT 10.244.0.2:5432 10.244.1.3:43487 ipv4',
      'UDP connected 10.244.0.2:5353 10.244.1.3:34048 ipv4',
    ]);
  });

  it('backend (kk-node2) is a client of postgres and web on both families', () => {
    const remotes = new Set(sockets('kk-node2.txt', '16d021df-cc23-4dad-8643-613e39d7c420').map((s) => `${s.remote.text}:${s.remote.port}`));
    expect([...remotes].sort()).toEqual(['10.244.0.2:5432', '10.244.2.3:8080', 'fd00:10:244:1::2:5432', 'fd00:10:244:3::3:8080']);
  });
});
