import { describe, expect, it } from 'vitest';
import { parseConntrack, parseConntrackLine, type ConntrackEntry } from '../../src/flows/conntrack.js';
import { parseSample } from '../../src/flows/sample.js';
import { capturedText } from './captured-facts.js';

const entry = (outcome: ReturnType<typeof parseConntrackLine>): ConntrackEntry => {
  if (typeof outcome === 'string') throw new Error(`expected an entry, got ${outcome}`);
  return outcome;
};
const show = (e: ConntrackEntry): string =>
  `${e.protocol}${e.tcpState === undefined ? '' : ` ${e.tcpState}`} ${e.original.src.text}:${e.original.sport} > ${e.original.dst.text}:${e.original.dport} | ${e.reply.src.text}:${e.reply.sport} > ${e.reply.dst.text}:${e.reply.dport}${e.unreplied ? ' unreplied' : ''}${e.assured ? ' assured' : ''}`;

describe('conntrack lines', () => {
  it.each([
    [
      'TCP to a Service ClusterIP: the original tuple keeps the ClusterIP, the reply names the backend',
      'ipv4     2 tcp      6 117 TIME_WAIT src=10.244.2.2 dst=10.96.129.170 sport=42507 dport=5432 src=10.244.0.2 dst=10.244.2.2 sport=5432 dport=42507 [ASSURED] mark=0 zone=0 use=2',
      'TCP TIME_WAIT 10.244.2.2:42507 > 10.96.129.170:5432 | 10.244.0.2:5432 > 10.244.2.2:42507 assured',
    ],
    [
      'UDP has no state; [UNREPLIED] sits between the tuples',
      'ipv4     2 udp      17 10 src=10.244.1.3 dst=10.244.0.2 sport=34898 dport=5353 [UNREPLIED] src=10.244.0.2 dst=10.244.1.3 sport=5353 dport=34898 mark=0 zone=0 use=2',
      'UDP 10.244.1.3:34898 > 10.244.0.2:5353 | 10.244.0.2:5353 > 10.244.1.3:34898 unreplied',
    ],
    [
      'IPv6 fully expanded becomes RFC 5952 text',
      'ipv6     10 tcp      6 76 TIME_WAIT src=fd00:0010:0244:0002:0000:0000:0000:0003 dst=fd00:0010:0244:0001:0000:0000:0000:0002 sport=42257 dport=5432 src=fd00:0010:0244:0001:0000:0000:0000:0002 dst=fd00:0010:0244:0002:0000:0000:0000:0003 sport=5432 dport=42257 [ASSURED] mark=0 zone=0 use=2',
      'TCP TIME_WAIT fd00:10:244:2::3:42257 > fd00:10:244:1::2:5432 | fd00:10:244:1::2:5432 > fd00:10:244:2::3:42257 assured',
    ],
    [
      'an unanswered TCP SYN',
      'ipv4     2 tcp      6 118 SYN_SENT src=10.244.2.2 dst=10.244.0.2 sport=40000 dport=5432 [UNREPLIED] src=10.244.0.2 dst=10.244.2.2 sport=5432 dport=40000 mark=0 zone=0 use=2',
      'TCP SYN_SENT 10.244.2.2:40000 > 10.244.0.2:5432 | 10.244.0.2:5432 > 10.244.2.2:40000 unreplied',
    ],
  ])('%s', (_name, line, expected) => {
    expect(show(entry(parseConntrackLine(line)))).toBe(expected);
  });

  it.each([
    ['one tuple only', 'ipv4 2 tcp 6 10 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2'],
    ['TCP without a state', 'ipv4 2 tcp 6 10 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1'],
    ['a port out of range', 'ipv4 2 udp 17 10 src=10.0.0.1 dst=10.0.0.2 sport=70000 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=70000'],
    ['an IPv6 address on an ipv4 line', 'ipv4 2 udp 17 10 src=fd00::1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=fd00::1 sport=2 dport=1'],
    ['not a family', 'garbage'],
  ])('%s is malformed, counted and skipped', (_name, line) => {
    expect(parseConntrackLine(line)).toBe('malformed');
    expect(parseConntrack(`${line}\n`)).toEqual({ entries: [], malformed: 1, ignored: 0 });
  });

  it('other protocols are ignored, not malformed', () => {
    const icmp = 'ipv4     2 icmp     1 29 src=10.244.2.2 dst=10.244.0.2 type=8 code=0 id=7 src=10.244.0.2 dst=10.244.2.2 type=0 code=0 id=7 mark=0 zone=0 use=2';
    expect(parseConntrack(icmp)).toEqual({ entries: [], malformed: 0, ignored: 1 });
  });
});

describe('the real captures', () => {
  const conntrack = (file: string): ConntrackEntry[] => {
    const parsed = parseSample(capturedText(file));
    if (parsed.kind !== 'sample' || parsed.sample.conntrack.kind !== 'read') throw new Error(`no conntrack in ${file}`);
    expect(parsed.sample.malformed).toBe(0);
    return [...parsed.sample.conntrack.entries];
  };

  it('reads every line of the three nodes', () => {
    expect([conntrack('kk-node1.txt').length, conntrack('kk-node2.txt').length, conntrack('kk-node3.txt').length]).toEqual([36, 157, 57]);
  });

  it('kk-node3 has analytics dialling Service obsdemo/pg, answered by postgres', () => {
    expect(conntrack('kk-node3.txt').filter((e) => e.original.dst.text === '10.96.129.170').map(show)).toEqual([
      'TCP TIME_WAIT 10.244.2.2:34529 > 10.96.129.170:5432 | 10.244.0.2:5432 > 10.244.2.2:34529 assured',
      'TCP TIME_WAIT 10.244.2.2:42507 > 10.96.129.170:5432 | 10.244.0.2:5432 > 10.244.2.2:42507 assured',
    ]);
  });
});
