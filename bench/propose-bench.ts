/**
 * propose benchmark: 1,000 workloads in 20 namespaces and 10,000 observed flows (same-namespace,
 * cross-namespace, outside addresses, DNS; each workload with several labels, pod-template-hash among
 * them, so the selector search has work to do), as a flows file → read back → the proposal and its YAML,
 * one file per namespace.
 * Prints wall time, peak RSS and the output size. Run with `npm run bench:propose`. The flows are
 * generated deterministically (a seeded generator), so runs compare. Goal: < 2 s.
 * KUBEKNOCK_BENCH_SKIP_YAML=1 leaves out the separate read of the YAML form.
 */
import { parseFlowsText } from '../src/app/flows/read-flows.js';
import { renderFlowsJson, renderFlowsYaml } from '../src/flows/document-yaml.js';
import { propose, renderNamespaceYaml } from '../src/flows/propose/index.js';
import { FLOWS_API_VERSION, FLOWS_KIND, type Flow, type FlowParty, type FlowsDocument } from '../src/flows/types.js';
import { prng } from '../test/support/prng.js';

const NAMESPACES = 20;
const WORKLOADS = 1_000;
const FLOWS = 10_000;
const TIERS = ['front', 'back', 'db', 'cache'] as const;


function workloads(): FlowParty[] {
  return Array.from({ length: WORKLOADS }, (_, i) => {
    const namespace = `ns-${String(i % NAMESPACES).padStart(2, '0')}`;
    const name = `svc-${String(Math.floor(i / NAMESPACES)).padStart(3, '0')}`;
    const labels: Record<string, string> = { app: name.slice(0, 6), component: name, tier: TIERS[i % TIERS.length] ?? 'front', team: `t${i % 7}`, 'pod-template-hash': `h${i}` };
    const identity = `${namespace}/${Object.keys(labels).sort().map((key) => `${key}=${labels[key] ?? ''}`).join(',')}`;
    return { kind: 'workload', identity, namespace, labels, workloads: [`Deployment ${namespace}/${name}`] };
  });
}

function document(): FlowsDocument {
  const next = prng(19);
  const parties = workloads();
  const dns: FlowParty = { kind: 'workload', identity: 'kube-system/k8s-app=kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, workloads: ['Deployment kube-system/coredns'] };
  const pick = (list: readonly FlowParty[]): FlowParty => list[Math.floor(next() * list.length)] as FlowParty;
  const seen = new Set<string>();
  const flows: Flow[] = [];
  while (flows.length < FLOWS) {
    const source = pick(parties);
    const roll = next();
    const sameNamespace = parties.filter((party) => party.kind === 'workload' && source.kind === 'workload' && party.namespace === source.namespace);
    const destination: FlowParty =
      roll < 0.05 ? { kind: 'external', address: `203.0.${Math.floor(next() * 4)}.${Math.floor(next() * 250)}` } : roll < 0.1 ? dns : roll < 0.75 ? pick(sameNamespace) : pick(parties);
    const protocol = destination === dns && next() < 0.8 ? 'UDP' : 'TCP';
    const port = destination === dns ? 53 : [80, 443, 5432, 6379, 8080, 9090][Math.floor(next() * 6)] ?? 80;
    const key = `${JSON.stringify(source)}>${JSON.stringify(destination)}:${port}/${protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    flows.push({
      source,
      destination,
      port,
      ...(port === 8080 ? { portName: 'http' } : {}),
      protocol,
      families: next() < 0.5 ? ['ipv4'] : ['ipv4', 'ipv6'],
      firstSeen: '2026-12-07T19:00:00Z',
      lastSeen: '2026-12-07T19:59:00Z',
      samples: 1 + Math.floor(next() * 60),
      seenBy: ['client', 'server'],
    });
  }
  return {
    apiVersion: FLOWS_API_VERSION,
    kind: FLOWS_KIND,
    cluster: { server: 'https://bench.invalid:6443' },
    namespaces: Array.from({ length: NAMESPACES }, (_, n) => `ns-${String(n).padStart(2, '0')}`),
    window: { start: '2026-12-07T19:00:00Z', end: '2026-12-07T20:00:00Z', intervalSeconds: 5, ended: 'completed' },
    coverage: { nodes: [{ name: 'node-1', status: 'observed', samples: 720, conntrack: 'read' }], unseen: [] },
    flows,
  };
}

// The flows file as observe writes it (`-o json`); reading it back (parse + validate) is part of the
// command. The YAML form is read once more, apart, because its reader is the slower one.
const generated = document();
const flowsJson = renderFlowsJson(generated);
const now = new Date('2026-12-07T20:00:00Z');
const started = performance.now();
const cpuBefore = process.cpuUsage();
const input = parseFlowsText('flows.json', flowsJson, { now });
const read = (performance.now() - started) / 1000;
const proposal = propose(input, { namespaces: [] });
const files = proposal.namespaces.map((namespace) => renderNamespaceYaml(namespace, { flowsFile: 'flows.json', document: input }));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const rssAfterPropose = process.resourceUsage().maxRSS;
const flowsYaml = process.env.KUBEKNOCK_BENCH_SKIP_YAML === '1' ? undefined : renderFlowsYaml(generated);
const yamlStarted = performance.now();
if (flowsYaml !== undefined) parseFlowsText('flows.yaml', flowsYaml, { now });
const yamlSeconds = (performance.now() - yamlStarted) / 1000;
const policies = proposal.namespaces.reduce((sum, namespace) => sum + namespace.policies.length, 0);
const rules = proposal.namespaces.reduce((sum, namespace) => sum + namespace.policies.reduce((count, policy) => count + policy.ingress.length + policy.egress.length, 0), 0);
process.stdout.write(
  [
    `propose: ${WORKLOADS} workloads in ${NAMESPACES} namespaces, ${input.flows.length} flows`,
    `proposal: ${files.length} files, ${policies} policies, ${rules} rules, ${Math.round(files.reduce((sum, text) => sum + text.length, 0) / 1024)} KiB of YAML`,
    // CPU time beside wall time: on a shared machine the wall time says as much about the neighbours.
    `time: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (read the ${Math.round(flowsJson.length / 1024)} KiB JSON flows file: ${read.toFixed(2)} s, then propose + YAML; goal < 2 s)`,
    `peak RSS: ${Math.round(rssAfterPropose / 1024)} MiB`,
    ...(flowsYaml === undefined ? [] : [`the same flows as YAML (${Math.round(flowsYaml.length / 1024)} KiB): read in ${yamlSeconds.toFixed(2)} s, peak RSS then ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`]),
    '',
  ].join('\n'),
);
