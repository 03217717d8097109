import { describe, expect, it } from 'vitest';
import { createFold, type FoldFacts, type PodFact } from '../../src/flows/fold.js';
import { parseSample } from '../../src/flows/sample.js';
import { capturedFacts, capturedText } from './captured-facts.js';
import { conntrackLine, line, sampleText, UID, world, type SocketSpec } from './fold-world.js';

const T0 = 1_800_000_000;
const tcp = (pod: SocketSpec['pod'], local: string, remote: string, state = '01'): SocketSpec => ({ pod, proto: 'tcp', local, remote, state });
const udp = (pod: SocketSpec['pod'], local: string, remote: string, state = '01'): SocketSpec => ({ pod, proto: 'udp', local, remote, state });

/** The fold of these texts, once as collector text (the fast path) and once as Samples parseSample built. */
function bothWays(texts: readonly string[], facts: FoldFacts) {
  const fromText = createFold(facts);
  const fromSample = createFold(facts);
  for (const text of texts) {
    const fast = fromText.add(text);
    const parsed = parseSample(text);
    // A text parseSample refuses is handed over as text, so both folds count the refusal.
    const slow = parsed.kind === 'sample' ? fromSample.add(parsed.sample) : fromSample.add(text);
    if (parsed.kind === 'refused') expect(slow).toEqual(parsed);
    expect(fast, 'the same outcome for each sample').toEqual(slow);
  }
  return { fast: fromText.finish(), slow: fromSample.finish() };
}

/** Everything the fold reads: both families, v4-mapped, UDP, Services, attempts, odd lines. */
const EVERYTHING = [
  sampleText(
    'n1',
    T0,
    [
      tcp('db', '0.0.0.0:5432', '0.0.0.0:0', '0A'),
      tcp('db', '10.1.1.5:5432', '10.1.2.7:41000'),
      tcp('db', '[::ffff:10.1.1.5]:5432', '[::ffff:10.1.2.7]:41001'),
      tcp('db', '[fd00:1:1::5]:5432', '[fd00:1:2::7]:41002', '06'),
      tcp('db', '10.1.1.5:43000', '203.0.113.9:443', '02'),
      tcp('db', '127.0.0.1:43001', '127.0.0.1:9000'),
      udp('db', '0.0.0.0:5353', '0.0.0.0:0', '07'),
      udp('db', '10.1.1.5:40000', '10.96.0.10:53'),
      tcp('cache', '10.1.1.6:45000', '10.96.0.5:15432'),
      tcp('cache', '10.1.1.6:45001', '10.1.1.1:10250'),
      tcp('agent', '10.0.0.1:46000', '10.1.1.5:5432'),
    ],
    [
      conntrackLine('tcp', ['10.1.1.6', 45000, '10.96.0.5', 15432], ['10.1.1.5', 5432, '10.1.1.6', 45000]),
      conntrackLine('tcp', ['10.1.1.6', 45000, '10.96.0.5', 15432], ['10.1.1.5', 5432, '10.1.1.6', 45000], { state: 'ESTABLISHED' }),
      conntrackLine('tcp', ['10.1.2.7', 41000, '10.96.0.5', 15432], ['10.1.1.5', 5432, '10.1.2.7', 41000]),
      conntrackLine('tcp', ['10.1.1.6', 45002, '10.1.1.5', 5432], ['10.1.1.5', 5432, '10.1.1.6', 45002], { state: 'SYN_SENT', unreplied: true }),
      conntrackLine('udp', ['10.1.1.5', 40000, '10.96.0.10', 53], ['10.1.1.9', 53, '10.1.1.5', 40000], { unreplied: true }),
      conntrackLine('tcp', ['fd00:0001:0002:0000:0000:0000:0000:0007', 41002, 'fd00:0096:0000:0000:0000:0000:0000:0005', 15432], ['fd00:0001:0001:0000:0000:0000:0000:0005', 5432, 'fd00:0001:0002:0000:0000:0000:0000:0007', 41002]),
      'ipv4     2 icmp     1 29 src=10.1.1.5 dst=10.0.0.2 type=8 code=0 id=1 src=10.0.0.2 dst=10.1.1.5 type=0 code=0 id=1 mark=0 use=1',
      'ipv4 2 tcp 6 100 TIME_WAIT src=10.1.1.5 dst=10.1.1.6 sport=1 dport=2 src=10.1.1.6 dst=10.1.1.5 sport=2 dport=1 src=10.1.1.7 dst=10.1.1.5',
      'ipv4 2 tcp 6 100 TIME_WAIT src=fd00::1 dst=10.1.1.6 sport=1 dport=2 src=10.1.1.6 dst=fd00::1 sport=2 dport=1',
      'ipv4 2 udp 17 20 src=10.1.1.5 dst=10.1.1.6 sport=1 dport=99999 src=10.1.1.6 dst=10.1.1.5 sport=99999 dport=1',
    ],
  ).replace('## conntrack', `   9: nonsense\n## pod=${UID.db} table=sctp\nx\n## conntrack`),
  sampleText('n2', T0 + 10, [tcp('api', '10.1.2.7:41000', '10.96.0.5:15432'), tcp('api', '[fd00:1:2::7]:41002', '[fd00:96::5]:15432'), tcp('db', '10.1.1.5:1', '10.1.1.6:2')], 'unreadable'),
  sampleText('n1', T0 + 20, [tcp('cache', '10.1.1.6:45000', '10.96.0.5:15432')]).replaceAll(UID.cache, '00000000-0000-4000-8000-0000000000ff'),
  'hello',
];

describe('the fold reads collector text as parseSample does', () => {
  it('every rule at once: the same flows, coverage and counts both ways', () => {
    const { fast, slow } = bothWays(EVERYTHING, world());
    expect(fast).toEqual(slow);
    expect(fast.flows.length, 'the samples hold flows').toBeGreaterThan(3);
    // nonsense, the sctp section and its line, three conntrack lines (a third tuple, IPv6 on an ipv4 line, port 99999).
    expect(fast.stats).toEqual({ samples: 3, refused: 1, malformedLines: 6 });
  });

  it.each([['kk-node1.txt'], ['kk-node2.txt'], ['kk-node3.txt']])('the real capture %s', (file) => {
    const { fast, slow } = bothWays([capturedText(file)], capturedFacts());
    expect(fast).toEqual(slow);
    expect(fast.flows.length).toBeGreaterThan(0);
  });

  it('the three real captures together', () => {
    const { fast, slow } = bothWays(['kk-node1.txt', 'kk-node2.txt', 'kk-node3.txt'].map(capturedText), capturedFacts());
    expect(fast).toEqual(slow);
  });
});

describe('a pod whose tables come in separate sections', () => {
  // Two `app=web` pods name port 8080 differently; the flow keeps the first name the fold meets.
  const web = (name: 'db' | 'cache', ip: string, portName: string): PodFact => ({ uid: UID[name], namespace: 'shop', name, node: 'n1', labels: { app: 'web' }, podIPs: [ip], hostNetwork: false, ports: [{ port: 8080, protocol: 'TCP', name: portName }] });
  const client = (name: 'api' | 'agent', ip: string): PodFact => ({ uid: UID[name], namespace: 'shop', name, node: 'n1', labels: { app: 'client' }, podIPs: [ip], hostNetwork: false, ports: [] });
  const facts = world({ pods: [web('db', '10.1.1.5', 'http'), web('cache', '10.1.1.6', 'web'), client('api', '10.1.1.7'), client('agent', '10.1.1.8')], identities: [] });
  const section = (sockets: readonly SocketSpec[]): string => sampleText('n1', T0, sockets).split('\n').slice(1).join('\n');
  // api's first section, then agent's, then api's again: api's sockets are still folded first, as printed.
  const text = `# kubeknock-sample 1 node=n1 time=${T0}\n${section([tcp('api', '0.0.0.0:9000', '0.0.0.0:0', '0A')])}${section([tcp('agent', '10.1.1.8:40001', '10.1.1.6:8080')])}${section([tcp('api', '10.1.1.7:40002', '10.1.1.5:8080')])}`;

  it('is folded pod by pod: api (port name http) before agent (web)', () => {
    const { fast, slow } = bothWays([text], facts);
    expect(fast.flows.map(line)).toEqual(['shop/app=client -> shop/app=web 8080(http)/TCP ipv4 samples=1 client 08:00:00']);
    expect(fast).toEqual(slow);
  });
});
