/**
 * Fold benchmark: 1,000 pods (100 workloads of 10 pods, 10 nodes), 50,000 socket-table lines per
 * interval (5,000 per node sample: 50 per pod, two listeners and 48 connections on fresh ephemeral
 * ports), plus 1,000 conntrack lines per node sample (a fifth of the clients dial a Service), for 60
 * intervals: 600 samples folded one at a time, as `observe` does. Prints the fold time, wall and CPU
 * (parsing included, generating the sample texts excluded), the goal of issue 19 (< 2 s) and whether
 * it is met, the machine's load, the flows found with a digest (a change to the fold must keep it),
 * and the resident memory as the window goes on, which must not grow with it. Run with
 * `npm run bench:flows` (FLOWS_BENCH_INTERVALS=10 for a quick look); the samples are generated
 * deterministically, so runs compare.
 */
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Identity } from '../src/discover/types.js';
import { createFold, type FoldFacts, type PodFact, type ServiceFact } from '../src/flows/fold.js';

const NODES = 10;
const WORKLOADS = 100;
const PODS_PER_WORKLOAD = 10;
const SOCKETS_PER_POD = 50;
const CONNTRACK_PER_NODE = 1_000;
const INTERVALS = Number(process.env.FLOWS_BENCH_INTERVALS ?? 60);
const INTERVAL_SECONDS = 10;
const T0 = 1_800_000_000;
const GOAL_MS = 2_000;

/** Deterministic: the same pseudo-random stream on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface BenchPod {
  readonly fact: PodFact;
  readonly ip: [number, number, number, number];
  readonly workload: number;
}

const uid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const serverPort = (workload: number): number => 8000 + (workload % 50);

function buildWorld(): { facts: FoldFacts; pods: BenchPod[]; services: Array<{ ip: [number, number, number, number]; port: number; workload: number }> } {
  const pods: BenchPod[] = [];
  const identities: Identity[] = [];
  for (let w = 0; w < WORKLOADS; w += 1) {
    const namespace = `ns-${String(w % 10).padStart(2, '0')}`;
    identities.push({ key: `${namespace}/app=w${w}`, namespace, labels: { app: `w${w}` }, workloads: [{ kind: 'Deployment', namespace, name: `w${w}` }], doors: [{ port: serverPort(w), protocol: 'TCP', name: 'http' }] });
    for (let p = 0; p < PODS_PER_WORKLOAD; p += 1) {
      const n = w * PODS_PER_WORKLOAD + p;
      const node = n % NODES;
      const ip: [number, number, number, number] = [10, 244, node, 2 + Math.floor(n / NODES)];
      pods.push({
        workload: w,
        ip,
        fact: { uid: uid(n), namespace, name: `w${w}-${p}`, node: `node-${node}`, labels: { app: `w${w}`, 'pod-template-hash': 'abc' }, podIPs: [ip.join('.'), `fd00:10:244:${node}::${(2 + Math.floor(n / NODES)).toString(16)}`], hostNetwork: false, ports: [{ port: serverPort(w), protocol: 'TCP', name: 'http' }] },
      });
    }
  }
  const services = Array.from({ length: WORKLOADS }, (_, w) => ({ ip: [10, 96, Math.floor(w / 250), w % 250] as [number, number, number, number], port: 80, workload: w }));
  const serviceFacts: ServiceFact[] = services.map((s) => ({ namespace: `ns-${String(s.workload % 10).padStart(2, '0')}`, name: `w${s.workload}`, clusterIPs: [s.ip.join('.')], ports: [{ port: 80, protocol: 'TCP', targetPort: serverPort(s.workload) }] }));
  const nodes = Array.from({ length: NODES }, (_, n) => ({ name: `node-${n}`, addresses: [`10.250.0.${10 + n}`], podCIDRs: [`10.244.${n}.0/24`] }));
  return { facts: { pods: pods.map((p) => p.fact), services: serviceFacts, nodes, identities }, pods, services };
}

const hex4 = (ip: readonly number[]): string => [...ip].reverse().map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
const socketLine = (slot: number, local: readonly number[], localPort: number, remote: readonly number[], remotePort: number, state: string): string =>
  `${String(slot).padStart(4)}: ${hex4(local)}:${hexPort(localPort)} ${hex4(remote)}:${hexPort(remotePort)} ${state} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + slot} 1 0000000000000000 20 4 30 10 -1`;

// Each workload talks to a few fixed peers (its "dependencies"): flows stay bounded as in a real cluster.
const peersOf = (w: number): number[] => [(w * 7 + 1) % WORKLOADS, (w * 13 + 5) % WORKLOADS, (w * 31 + 11) % WORKLOADS];

interface Lookups {
  readonly podsOf: Map<number, BenchPod[]>;
  readonly clientsOf: Map<number, BenchPod[]>;
}

function lookups(world: ReturnType<typeof buildWorld>): Lookups {
  const podsOf = new Map<number, BenchPod[]>();
  const clientsOf = new Map<number, BenchPod[]>();
  for (const pod of world.pods) {
    podsOf.set(pod.workload, [...(podsOf.get(pod.workload) ?? []), pod]);
    for (const peer of peersOf(pod.workload)) clientsOf.set(peer, [...(clientsOf.get(peer) ?? []), pod]);
  }
  return { podsOf, clientsOf };
}

function sampleFor(node: number, interval: number, world: ReturnType<typeof buildWorld>, look: Lookups): { readonly text: string; readonly socketLines: number } {
  const next = random(node * 100_003 + interval * 7919 + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const lines = [`# kubeknock-sample 1 node=node-${node} time=${T0 + interval * INTERVAL_SECONDS}`];
  const conntrack: string[] = [];
  let socketLines = 0;
  for (const pod of world.pods) {
    if (pod.fact.node !== `node-${node}`) continue;
    const tcp: string[] = [];
    tcp.push(socketLine(0, [0, 0, 0, 0], serverPort(pod.workload), [0, 0, 0, 0], 0, '0A'));
    tcp.push(socketLine(1, [0, 0, 0, 0], 9090, [0, 0, 0, 0], 0, '0A'));
    for (let s = 2; s < SOCKETS_PER_POD; s += 1) {
      const ephemeral = 32768 + Math.floor(next() * 28000);
      if (s % 2 === 0) {
        const peerWorkload = pick(peersOf(pod.workload));
        const viaService = s % 10 === 0;
        const backend = pick(look.podsOf.get(peerWorkload) ?? []);
        if (viaService) {
          const service = world.services[peerWorkload];
          if (service === undefined) continue;
          tcp.push(socketLine(s, pod.ip, ephemeral, service.ip, service.port, '06'));
          if (conntrack.length < CONNTRACK_PER_NODE)
            conntrack.push(`ipv4     2 tcp      6 100 TIME_WAIT src=${pod.ip.join('.')} dst=${service.ip.join('.')} sport=${ephemeral} dport=${service.port} src=${backend.ip.join('.')} dst=${pod.ip.join('.')} sport=${serverPort(peerWorkload)} dport=${ephemeral} [ASSURED] mark=0 zone=0 use=2`);
        } else tcp.push(socketLine(s, pod.ip, ephemeral, backend.ip, serverPort(peerWorkload), '01'));
      } else {
        const client = pick(look.clientsOf.get(pod.workload) ?? world.pods);
        tcp.push(socketLine(s, pod.ip, serverPort(pod.workload), client.ip, ephemeral, '06'));
      }
    }
    socketLines += tcp.length;
    lines.push(`## pod=${pod.fact.uid} table=tcp`, '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', ...tcp);
    for (const table of ['tcp6', 'udp', 'udp6']) lines.push(`## pod=${pod.fact.uid} table=${table}`, '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode');
  }
  while (conntrack.length < CONNTRACK_PER_NODE) {
    const a = pick(world.pods);
    const b = pick(world.pods);
    const port = 32768 + Math.floor(next() * 28000);
    conntrack.push(`ipv4     2 tcp      6 60 TIME_WAIT src=${a.ip.join('.')} dst=${b.ip.join('.')} sport=${port} dport=${serverPort(b.workload)} src=${b.ip.join('.')} dst=${a.ip.join('.')} sport=${serverPort(b.workload)} dport=${port} [ASSURED] mark=0 zone=0 use=2`);
  }
  lines.push('## conntrack', ...conntrack);
  // What observe hands the fold: the exec stream's bytes decoded into one string (CappedSink.text()).
  return { text: Buffer.from(`${lines.join('\n')}\n`, 'utf8').toString('utf8'), socketLines };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function main(): void {
  const world = buildWorld();
  const look = lookups(world);
  const fold = createFold(world.facts);
  let foldMs = 0;
  let foldCpuMs = 0;
  let socketLines = 0;
  const rss: string[] = [];
  for (let interval = 0; interval < INTERVALS; interval += 1) {
    for (let node = 0; node < NODES; node += 1) {
      const { text, socketLines: lines } = sampleFor(node, interval, world, look);
      socketLines += lines;
      const started = performance.now();
      const cpu = process.cpuUsage();
      const outcome = fold.add(text);
      foldMs += performance.now() - started;
      foldCpuMs += cpuMs(process.cpuUsage(cpu));
      if (outcome.kind !== 'added') throw new Error(`sample refused: ${outcome.reason}`);
    }
    if ([0, 9, 29, 59].includes(interval)) rss.push(`after interval ${interval + 1}: ${mib(process.memoryUsage().rss)}`);
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = fold.finish();
  foldMs += performance.now() - started;
  foldCpuMs += cpuMs(process.cpuUsage(cpu));
  const peak = process.resourceUsage().maxRSS * 1024;
  const goal = INTERVALS !== 60 ? `the goal is for 60 intervals; this run folded ${INTERVALS}` : foldCpuMs < GOAL_MS && foldMs < GOAL_MS ? 'met' : foldCpuMs < GOAL_MS ? 'met in CPU time (the wall time includes waiting for a busy machine)' : 'NOT met';
  process.stdout.write(
    [
      `flows fold: ${world.facts.pods.length} pods on ${NODES} nodes, ${INTERVALS} intervals, ${result.stats.samples} samples, ${socketLines} socket lines (${socketLines / INTERVALS} per interval) + ${NODES * CONNTRACK_PER_NODE * INTERVALS} conntrack lines`,
      `  fold (parse + fold + finish): ${(foldMs / 1000).toFixed(2)} s wall, ${(foldCpuMs / 1000).toFixed(2)} s CPU (the CPU time is the honest figure on a shared machine)`,
      `  goal (issue 19): 60 intervals folded in < ${GOAL_MS / 1000} s: ${goal}`,
      `  machine: load average ${loadavg().map((load) => load.toFixed(2)).join(', ')} on ${availableParallelism()} cores`,
      `  flows: ${result.flows.length} (digest ${createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 16)}: the same samples must give the same flows after a change to the fold)`,
      `  resident memory ${rss.join(', ')}`,
      `  peak RSS: ${mib(peak)} (the process, sample generation included; the fold keeps one record per flow and per pod, never a sample)`,
      '',
    ].join('\n'),
  );
}

main();
