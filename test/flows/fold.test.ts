import { describe, expect, it } from 'vitest';
import { createFold, type FoldFacts } from '../../src/flows/fold.js';
import { conntrackLine, line, sampleText, world, type SocketSpec } from './fold-world.js';

const T0 = 1_800_000_000;
const fold = (samples: readonly string[], facts: FoldFacts = world()) => {
  const f = createFold(facts);
  for (const text of samples) expect(f.add(text)).toMatchObject({ kind: 'added' });
  return f.finish();
};
const flows = (samples: readonly string[], facts?: FoldFacts): string[] => fold(samples, facts).flows.map((flow) => line(flow).replace(/ \d\d:\d\d:\d\d(\.\.\d\d:\d\d:\d\d)?$/, ''));
const tcp = (pod: SocketSpec['pod'], local: string, remote: string, state = '01'): SocketSpec => ({ pod, proto: 'tcp', local, remote, state });
const udp = (pod: SocketSpec['pod'], local: string, remote: string, state = '01'): SocketSpec => ({ pod, proto: 'udp', local, remote, state });

describe('which samples count', () => {
  it('a pod counts only from a sample of the node it runs on', () => {
    // db runs on n1; n2's collector listing it (shared PID namespace) is not evidence.
    expect(flows([sampleText('n2', T0, [tcp('db', '10.1.1.5:41000', '203.0.113.9:443')])])).toEqual([]);
    expect(flows([sampleText('n1', T0, [tcp('db', '10.1.1.5:41000', '203.0.113.9:443')])])).toEqual(['shop/app=db,tier=data -> external 203.0.113.9 443/TCP ipv4 samples=1 client']);
  });

  it('a hostNetwork pod is never a party: its sockets are ignored, its address is the node, and it is listed unseen', () => {
    const result = fold([sampleText('n1', T0, [tcp('agent', '10.0.0.1:41000', '10.1.1.5:5432'), tcp('db', '10.1.1.5:5432', '10.0.0.1:41000')])]);
    expect(result.flows.map(line)).toEqual(['node n1 -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 server 08:00:00']);
    expect(result.coverage.unseen).toEqual(['shop/agent: hostNetwork (its sockets are its node\'s)', 'shop/api: node n2 not observed (no sample received)', 'shop/cache: in no sample of node n1']);
  });

  it('pods the facts do not know (started after they were read) are skipped', () => {
    const text = sampleText('n1', T0, [tcp('db', '10.1.1.5:41000', '203.0.113.9:443')]).replaceAll('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000ff');
    expect(flows([text])).toEqual([]);
  });

  it('refuses a sample that does not read, as a value, and goes on', () => {
    const f = createFold(world());
    expect(f.add('hello')).toMatchObject({ kind: 'refused' });
    expect(f.finish().stats).toEqual({ samples: 0, refused: 1, malformedLines: 0 });
  });
});

describe('server or client side', () => {
  it('a listening socket makes its port a server port: the connected socket on it is the server side', () => {
    expect(flows([sampleText('n1', T0, [tcp('cache', '0.0.0.0:6379', '0.0.0.0:0', '0A'), tcp('cache', '10.1.1.6:6379', '10.1.2.7:1234')])])).toEqual(['shop/app=api -> shop/app=cache 6379/TCP ipv4 samples=1 server']);
  });

  it('a UDP socket bound with no peer is a server port too', () => {
    expect(flows([sampleText('n1', T0, [udp('cache', '0.0.0.0:7000', '0.0.0.0:0', '07'), udp('cache', '10.1.1.6:7000', '10.1.2.7:1234')])])).toEqual(['shop/app=api -> shop/app=cache 7000/UDP ipv4 samples=1 server']);
  });

  it('a listener seen in an earlier sample still counts (BusyBox nc -l has no LISTEN socket while it serves)', () => {
    expect(flows([sampleText('n1', T0, [tcp('cache', '0.0.0.0:6379', '0.0.0.0:0', '0A')]), sampleText('n1', T0 + 10, [tcp('cache', '10.1.1.6:6379', '10.1.2.7:1234')])])).toEqual(['shop/app=api -> shop/app=cache 6379/TCP ipv4 samples=1 server']);
  });

  it('a declared container port is a server port', () => {
    expect(flows([sampleText('n1', T0, [tcp('db', '10.1.1.5:5432', '10.1.2.7:1234')])])).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 server']);
  });

  it('the remote pod\'s server port makes this side the client', () => {
    expect(flows([sampleText('n1', T0, [tcp('cache', '10.1.1.6:1234', '10.1.1.5:5432')])])).toEqual(['shop/app=cache -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 client']);
  });

  it('conntrack says who opened it when no server port does', () => {
    const sockets = [tcp('cache', '10.1.1.6:7000', '10.1.2.7:7001')];
    expect(flows([sampleText('n1', T0, sockets)])).toEqual(['shop/app=cache -> shop/app=api 7001/TCP ipv4 samples=1 client']);
    const opened = conntrackLine('tcp', ['10.1.2.7', 7001, '10.1.1.6', 7000], ['10.1.1.6', 7000, '10.1.2.7', 7001]);
    expect(flows([sampleText('n1', T0, sockets, [opened])])).toEqual(['shop/app=api -> shop/app=cache 7000/TCP ipv4 samples=1 server+conntrack']);
  });

  it('else the end on an ephemeral port (32768-60999) is the client; else this side is', () => {
    expect(flows([sampleText('n1', T0, [tcp('cache', '10.1.1.6:7000', '10.1.2.7:45000')])])).toEqual(['shop/app=api -> shop/app=cache 7000/TCP ipv4 samples=1 server']);
    expect(flows([sampleText('n1', T0, [tcp('cache', '10.1.1.6:45000', '10.1.2.7:7000')])])).toEqual(['shop/app=cache -> shop/app=api 7000/TCP ipv4 samples=1 client']);
    expect(flows([sampleText('n1', T0, [tcp('cache', '10.1.1.6:45000', '10.1.2.7:45001')])])).toEqual(['shop/app=cache -> shop/app=api 45001/TCP ipv4 samples=1 client']);
  });

  it('an unanswered SYN (SYN_SENT) and a bound, never connected socket (CLOSE) are not traffic', () => {
    expect(flows([sampleText('n1', T0, [tcp('cache', '10.1.1.6:45000', '10.1.1.5:5432', '02'), tcp('cache', '10.1.1.6:46000', '0.0.0.0:0', '07')])])).toEqual([]);
  });
});

describe('addresses', () => {
  it.each([
    ['a pod IP: the discover identity with the most labels that are a subset of the pod\'s', '10.1.1.5:5432', 'shop/app=db,tier=data 5432(pg)'],
    ['a pod\'s IPv6 address: the same identity', '[fd00:1:1::5]:5432', 'shop/app=db,tier=data 5432(pg)'],
    ['a node address', '10.0.0.2:10250', 'node n2 10250'],
    ['a node\'s IPv6 address', '[fd00::1]:10250', 'node n1 10250'],
    ['an address of a node\'s pod range that is no pod\'s (the CNI gateway)', '10.1.2.1:53', 'node n2 53'],
    ['anything else', '198.51.100.7:443', 'external 198.51.100.7 443'],
    ['IPv6 anything else', '[2001:db8::7]:443', 'external 2001:db8::7 443'],
  ])('%s', (_name, remote, expected) => {
    const local = remote.startsWith('[') ? '[fd00:1:2::7]:45000' : '10.1.2.7:45000';
    expect(flows([sampleText('n2', T0, [tcp('api', local, remote)])])[0]).toMatch(new RegExp(`^shop/app=api -> ${expected.replaceAll('.', '\\.').replace('(', '\\(').replace(')', '\\)')}/TCP`));
  });

  it('loopback and unspecified addresses are ignored', () => {
    expect(flows([sampleText('n2', T0, [tcp('api', '127.0.0.1:45000', '127.0.0.1:8080'), tcp('api', '[::1]:45000', '[::1]:8080')])])).toEqual([]);
  });

  it('a v4-mapped peer of a listener bound to :: is IPv4', () => {
    expect(flows([sampleText('n1', T0, [tcp('db', '[::ffff:10.1.1.5]:5432', '[::ffff:10.1.2.7]:45000')])])).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 server']);
  });

  it('a pod no identity covers gets its own labels, without the volatile ones (pod-template-hash)', () => {
    const result = fold([sampleText('n1', T0, [tcp('cache', '10.1.1.6:45000', '198.51.100.7:443')])]);
    expect(result.flows[0]?.source).toEqual({ kind: 'workload', identity: 'shop/app=cache', namespace: 'shop', labels: { app: 'cache' }, workloads: [] });
  });
});

describe('Services', () => {
  const dial = tcp('api', '10.1.2.7:45000', '10.96.0.5:15432');
  const dnat = conntrackLine('tcp', ['10.1.2.7', 45000, '10.96.0.5', 15432], ['10.1.1.5', 5432, '10.1.2.7', 45000]);

  it('a client dialling a ClusterIP: via the Service, the backend from conntrack\'s reply tuple', () => {
    expect(flows([sampleText('n2', T0, [dial], [dnat])])).toEqual(['shop/app=api -> shop/app=db,tier=data via shop/db:15432 5432(pg)/TCP ipv4 samples=1 client+conntrack']);
  });

  it('without conntrack the backend is unknown: no destination, the targetPort', () => {
    expect(flows([sampleText('n2', T0, [dial], 'unreadable')])).toEqual(['shop/app=api -> ? via shop/db:15432 5432/TCP ipv4 samples=1 client']);
  });

  it('the server\'s socket on another node cannot see the Service: it joins the client\'s flow through it', () => {
    const server = sampleText('n1', T0, [tcp('db', '10.1.1.5:5432', '10.1.2.7:45000')], []);
    expect(flows([server, sampleText('n2', T0, [dial], [dnat])])).toEqual(['shop/app=api -> shop/app=db,tier=data via shop/db:15432 5432(pg)/TCP ipv4 samples=2 client+server+conntrack']);
    // A sample that saw it both ways (a server socket, and a conntrack entry of another connection through the Service) counts once.
    const other = conntrackLine('tcp', ['10.1.2.7', 45001, '10.96.0.5', 15432], ['10.1.1.5', 5432, '10.1.2.7', 45001]);
    const both = (time: number): string => sampleText('n1', time, [tcp('db', '10.1.1.5:5432', '10.1.2.7:45000')], [other]);
    expect(flows([both(T0), both(T0 + 10)])).toEqual(['shop/app=api -> shop/app=db,tier=data via shop/db:15432 5432(pg)/TCP ipv4 samples=2 server+conntrack']);
    // Alone it is what it is: a direct flow.
    expect(flows([server])).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 server']);
  });
});

describe('conntrack between samples', () => {
  it('adds connections that opened and closed between samples, on the node of either end', () => {
    const entry = conntrackLine('tcp', ['10.1.2.7', 45000, '10.1.1.5', 5432], ['10.1.1.5', 5432, '10.1.2.7', 45000]);
    expect(flows([sampleText('n2', T0, [], [entry])])).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 conntrack']);
    expect(flows([sampleText('n1', T0, [], [entry])])).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 conntrack']);
  });

  it('ignores entries with no pod of this node on either end (the node\'s own traffic)', () => {
    const entry = conntrackLine('tcp', ['10.0.0.2', 45000, '10.250.0.1', 6443], ['10.250.0.1', 6443, '10.0.0.2', 45000], { state: 'ESTABLISHED' });
    const elsewhere = conntrackLine('tcp', ['10.1.2.7', 45000, '198.51.100.7', 443], ['198.51.100.7', 443, '10.1.2.7', 45000]);
    expect(flows([sampleText('n2', T0, [], [entry]), sampleText('n1', T0, [], [elsewhere])])).toEqual([]);
  });

  it('skips TCP attempts nobody answered; keeps UDP datagrams even unanswered', () => {
    const syn = conntrackLine('tcp', ['10.1.2.7', 45000, '10.1.1.5', 5432], ['10.1.1.5', 5432, '10.1.2.7', 45000], { state: 'SYN_SENT', unreplied: true });
    const datagram = conntrackLine('udp', ['10.1.2.7', 45000, '10.1.1.5', 5353], ['10.1.1.5', 5353, '10.1.2.7', 45000], { unreplied: true });
    expect(flows([sampleText('n2', T0, [], [syn, datagram])])).toEqual(['shop/app=api -> shop/app=db,tier=data 5353/UDP ipv4 samples=1 conntrack']);
  });

  it('IPv6 entries, written fully expanded, map to the same pods', () => {
    const entry = conntrackLine('tcp', ['fd00:0001:0002:0000:0000:0000:0000:0007', 45000, 'fd00:0001:0001:0000:0000:0000:0000:0005', 5432], ['fd00:0001:0001:0000:0000:0000:0000:0005', 5432, 'fd00:0001:0002:0000:0000:0000:0000:0007', 45000]);
    expect(flows([sampleText('n2', T0, [], [entry])])).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv6 samples=1 conntrack']);
  });
});

describe('merging', () => {
  it('samples counts samples, not sockets; first and last seen are the samples\' times; families join', () => {
    const first = sampleText('n2', T0, [tcp('api', '10.1.2.7:45000', '10.1.1.5:5432'), tcp('api', '10.1.2.7:45001', '10.1.1.5:5432')]);
    const second = sampleText('n2', T0 + 60, [tcp('api', '[fd00:1:2::7]:45002', '[fd00:1:1::5]:5432')]);
    const result = fold([first, second]);
    expect(result.flows.map(line)).toEqual(['shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4+ipv6 samples=2 client 08:00:00..08:01:00']);
    expect(result.flows[0]).toMatchObject({ firstSeen: '2027-01-15T08:00:00Z', lastSeen: '2027-01-15T08:01:00Z' });
  });

  it('sorts by source, destination, port, protocol: the same output for any sample order', () => {
    const a = sampleText('n2', T0, [tcp('api', '10.1.2.7:45000', '198.51.100.7:443'), udp('api', '10.1.2.7:45001', '10.1.1.5:5432'), tcp('api', '10.1.2.7:45002', '10.1.1.5:5432')]);
    const b = sampleText('n1', T0 + 5, [tcp('cache', '10.1.1.6:45000', '10.1.1.5:5432'), tcp('db', '10.1.1.5:45000', '10.0.0.2:10250')]);
    const expected = [
      'shop/app=api -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 client',
      'shop/app=api -> shop/app=db,tier=data 5432/UDP ipv4 samples=1 client',
      'shop/app=api -> external 198.51.100.7 443/TCP ipv4 samples=1 client',
      'shop/app=cache -> shop/app=db,tier=data 5432(pg)/TCP ipv4 samples=1 client',
      'shop/app=db,tier=data -> node n2 10250/TCP ipv4 samples=1 client',
    ];
    expect(flows([a, b])).toEqual(expected);
    expect(flows([b, a])).toEqual(expected);
  });

  it('-n keeps only flows with a workload of the selected namespaces on one end', () => {
    const sample = sampleText('n2', T0, [tcp('api', '10.1.2.7:45000', '198.51.100.7:443')]);
    expect(flows([sample], world({ namespaces: ['other'] }))).toEqual([]);
    expect(flows([sample], world({ namespaces: ['shop'] }))).toHaveLength(1);
  });
});

describe('coverage', () => {
  it('names each node with its samples and conntrack, and the pods that could not be seen', () => {
    const result = fold([sampleText('n1', T0, [], 'unreadable'), sampleText('n1', T0 + 10, [tcp('db', '0.0.0.0:5432', '0.0.0.0:0', '0A')], [])]);
    expect(result.coverage).toEqual({
      nodes: [
        { name: 'n1', status: 'observed', samples: 2, conntrack: 'unreadable' },
        { name: 'n2', status: 'not-observed', reason: 'no sample received', samples: 0, conntrack: 'unreadable' },
      ],
      unseen: ['shop/agent: hostNetwork (its sockets are its node\'s)', 'shop/api: node n2 not observed (no sample received)', 'shop/cache: in no sample of node n1'],
    });
  });
});
