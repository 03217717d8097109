/**
 * A small two-node world for the fold's unit tests, and a writer of collector samples in the kernel's
 * format (hex words in little-endian order), so each rule is tested through the same text the
 * collector prints.
 */
import type { Identity } from '../../src/discover/types.js';
import type { FoldFacts, PodFact } from '../../src/flows/fold.js';
import type { Flow, FlowParty } from '../../src/flows/types.js';

export const UID = {
  db: '00000000-0000-4000-8000-000000000001',
  api: '00000000-0000-4000-8000-000000000002',
  cache: '00000000-0000-4000-8000-000000000003',
  agent: '00000000-0000-4000-8000-000000000004',
} as const;

const pod = (name: keyof typeof UID, node: string, podIPs: string[], labels: Record<string, string>, extra: Partial<PodFact> = {}): PodFact => ({ uid: UID[name], namespace: 'shop', name, node, labels, podIPs, hostNetwork: false, ports: [], ...extra });

const identity = (labels: Record<string, string>, workload: string): Identity => ({
  key: `shop/${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}`,
  namespace: 'shop',
  labels,
  workloads: [{ kind: 'Deployment', namespace: 'shop', name: workload }],
  doors: [],
});

export function world(overrides: Partial<FoldFacts> = {}): FoldFacts {
  return {
    pods: [
      pod('db', 'n1', ['10.1.1.5', 'fd00:1:1::5'], { app: 'db', tier: 'data' }, { ports: [{ port: 5432, protocol: 'TCP', name: 'pg' }] }),
      pod('api', 'n2', ['10.1.2.7', 'fd00:1:2::7'], { app: 'api', 'pod-template-hash': '5d8f' }),
      pod('cache', 'n1', ['10.1.1.6'], { app: 'cache', 'pod-template-hash': '77aa' }),
      pod('agent', 'n1', ['10.0.0.1'], { app: 'agent' }, { hostNetwork: true }),
    ],
    services: [{ namespace: 'shop', name: 'db', clusterIPs: ['10.96.0.5', 'fd00:96::5'], ports: [{ port: 15432, protocol: 'TCP', targetPort: 5432 }] }],
    nodes: [
      { name: 'n1', addresses: ['10.0.0.1', 'fd00:0::1'], podCIDRs: ['10.1.1.0/24', 'fd00:1:1::/64'] },
      { name: 'n2', addresses: ['10.0.0.2'], podCIDRs: ['10.1.2.0/24'] },
    ],
    identities: [identity({ app: 'db' }, 'db'), identity({ app: 'db', tier: 'data' }, 'db-primary'), identity({ app: 'api' }, 'api')],
    ...overrides,
  };
}

/** `10.1.1.5:5432` or `[fd00::1]:80` → the kernel's hex. */
function hexEndpoint(text: string): { hex: string; v6: boolean } {
  const v6 = text.startsWith('[');
  const [address, port] = v6 ? (text.slice(1).split(']:') as [string, string]) : (text.split(':') as [string, string]);
  const portHex = Number(port).toString(16).toUpperCase().padStart(4, '0');
  if (!v6) return { hex: `${littleEndian(address.split('.').map(Number))}:${portHex}`, v6 };
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? dotted(g) : [Number.parseInt(g, 16)])));
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  let hex = '';
  for (let i = 0; i < 16; i += 4) hex += littleEndian(bytes.slice(i, i + 4));
  return { hex: `${hex}:${portHex}`, v6 };
}

function dotted(quad: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = quad.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

function littleEndian(bytes: number[]): string {
  return [...bytes].reverse().map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** One socket: protocol, local, remote, state hex (`0A` LISTEN, `01` ESTABLISHED, `07` UDP bound). */
export interface SocketSpec {
  readonly pod: keyof typeof UID;
  readonly proto: 'tcp' | 'udp';
  readonly local: string;
  readonly remote: string;
  readonly state: string;
}

export function sampleText(node: string, time: number, sockets: readonly SocketSpec[], conntrack?: readonly string[] | 'unreadable'): string {
  const lines = [`# kubeknock-sample 1 node=${node} time=${time}`];
  const byTable = new Map<string, string[]>();
  for (const socket of sockets) {
    const local = hexEndpoint(socket.local);
    const remote = hexEndpoint(socket.remote);
    const table = `## pod=${UID[socket.pod]} table=${socket.proto}${local.v6 ? '6' : ''}`;
    const list = byTable.get(table) ?? [];
    list.push(`   ${list.length}: ${local.hex} ${remote.hex} ${socket.state} 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000`);
    byTable.set(table, list);
  }
  for (const [table, list] of byTable) lines.push(table, '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', ...list);
  if (conntrack === 'unreadable') lines.push('## conntrack', '# conntrack unreadable');
  else if (conntrack !== undefined) lines.push('## conntrack', ...conntrack);
  return `${lines.join('\n')}\n`;
}

/** `ipv4 2 tcp 6 100 TIME_WAIT src=… dst=… sport dport src=… …`: a conntrack line (UDP when state is omitted). */
export function conntrackLine(proto: 'tcp' | 'udp', original: [string, number, string, number], reply: [string, number, string, number], flags: { state?: string; unreplied?: boolean } = {}): string {
  const family = original[0].includes(':') ? 'ipv6 10' : 'ipv4 2';
  const head = proto === 'tcp' ? `${family} tcp 6 100 ${flags.state ?? 'TIME_WAIT'}` : `${family} udp 17 20`;
  const tuple = ([src, sport, dst, dport]: [string, number, string, number]): string => `src=${src} dst=${dst} sport=${sport} dport=${dport}`;
  return `${head} ${tuple(original)}${flags.unreplied === true ? ' [UNREPLIED]' : ''} ${tuple(reply)}${flags.unreplied === true ? '' : ' [ASSURED]'} mark=0 zone=0 use=2`;
}

export function party(p: FlowParty | undefined): string {
  if (p === undefined) return '?';
  switch (p.kind) {
    case 'workload':
      return p.identity;
    case 'node':
      return `node ${p.name}`;
    case 'external':
      return `external ${p.address}`;
  }
}

/** One line per flow: `src -> dst [via ns/name:port] port[(name)]/PROTO families samples=N seenBy first..last`. */
export function line(flow: Flow): string {
  const via = flow.via === undefined ? '' : ` via ${flow.via.namespace}/${flow.via.name}:${flow.via.port}`;
  const times = flow.firstSeen === flow.lastSeen ? flow.firstSeen.slice(11, 19) : `${flow.firstSeen.slice(11, 19)}..${flow.lastSeen.slice(11, 19)}`;
  return `${party(flow.source)} -> ${party(flow.destination)}${via} ${flow.port}${flow.portName === undefined ? '' : `(${flow.portName})`}/${flow.protocol} ${flow.families.join('+')} samples=${flow.samples} ${flow.seenBy.join('+')} ${times}`;
}
