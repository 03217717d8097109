/** `kubeknock discover`: bad input, empty selections, UDP doors, external hosts, names and the plan on stderr. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actorNames } from '../../src/discover/index.js';
import type { Identity } from '../../src/discover/index.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kk-discover-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};

const APP = write(
  'app.yaml',
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: c
          ports:
            - {name: http, containerPort: 8080}
            - {name: statsd, containerPort: 8125, protocol: UDP}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: shop}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec: {hostNetwork: true, containers: [{name: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
    - {port: 80, targetPort: http}
    - {port: 8125, targetPort: statsd, protocol: UDP}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
      ports: [{port: 443}]
`,
);

describe('kubeknock discover', () => {
  it('keeps UDP doors as comments, skips hostNetwork with a note, and adds --external hosts', async () => {
    const { code, stdout, stderr } = await runCli(['discover', '-f', APP, '--external', '203.0.113.10:443', '--external', 'example.com:443', '--external', '198.51.100.1:80']);
    expect(code, stderr).toBe(0);
    const parsed = parseScenario('d.yaml', stdout);
    expect(parsed.ok, 'validate accepts it').toBe(true);
    expect(stdout).toContain('#   not probed: 8125/UDP "statsd": UDP listeners not supported yet');
    expect(stdout).toContain(`Service shop/api port 8125/UDP: not probed: UDP listeners not supported yet`);
    expect(stdout).toContain('#   DaemonSet shop/node-agent: hostNetwork');
    expect(stdout).toContain('shop-api: {namespace: shop, labels: {app: api}, listen: [{port: 8080, name: http}]}');
    // An IP is judged at run time; a name only where no ipBlock can matter, else it is left out with the reason.
    expect(stdout).toContain('- {from: shop-web, to: {host: "203.0.113.10", port: 443}, expect: policy}');
    expect(stdout).toContain('- {from: shop-api, to: {host: example.com, port: 443}, expect: allow}');
    expect(stdout).toContain('- {from: shop-web, to: {host: "198.51.100.1", port: 80}, expect: policy}');
    expect(stdout, 'shop-web may not resolve names at all').toContain('#   shop-web → example.com:443: a host name needs DNS, which the policies deny this source; give an IP address');
    expect(stdout, 'shop-web may not reach DNS, so its Service checks go by ClusterIP').toContain('- {from: shop-web, to: {service: api, namespace: shop, port: 80, via: cluster-ip}, expect: deny}  # by ClusterIP: this source may not reach DNS');
    expect(stdout).toContain('- {from: shop-web, dns: kubernetes.default.svc.cluster.local., expect: deny}');
    expect(stdout).toContain('- {from: shop-api, to: {service: api, namespace: shop, port: 80}, expect: allow}');
    expect(stderr).toMatch(/^discover: 2 workloads in 1 namespace → 2 identities, 2 classes, 1 skipped$/m);
  });

  it('--snapshot freezes the external IP checks too', async () => {
    const { stdout } = await runCli(['discover', '-f', APP, '--snapshot', '--external', '203.0.113.10:443', '--external', '198.51.100.1:80']);
    expect(stdout).toContain('- {from: shop-web, to: {host: "203.0.113.10", port: 443}, expect: allow}');
    expect(stdout).toContain('- {from: shop-web, to: {host: "198.51.100.1", port: 80}, expect: deny}');
    expect(stdout).not.toContain('expect: policy');
  });

  it('exits 2 listing every problem of invalid manifests with file:line', async () => {
    const bad = write('bad.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    metadata: {labels: {v: 1}}\n---\nkind: [\n');
    const { code, stderr, stdout } = await runCli(['discover', '-f', bad, '-f', join(scratch, 'missing.yaml')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${bad}:6:`);
    expect(stderr).toContain('label value must be a string');
    expect(stderr).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: YAML syntax`));
    expect(stderr).toContain(`${join(scratch, 'missing.yaml')}: no such file or directory`);
  });

  it('exits 2 saying what was searched when the selection finds no workload', async () => {
    // With files, -n is kubectl's: objects of another namespace are refused, not filtered (issue 18).
    const inNamespace = await runCli(['discover', '-f', APP, '-n', 'prod']);
    expect(inNamespace.code).toBe(2);
    expect(inNamespace.stderr).toContain('Deployment api names namespace "shop", which does not match -n prod; kubectl apply refuses that too: pass -n shop, or leave -n out');
    const bySelector = await runCli(['discover', '-f', APP, '-l', 'app=agent']);
    expect(bySelector.code).toBe(2);
    expect(bySelector.stderr).toContain('in every namespace of the input (shop), workloads with labels app=agent; 1 skipped:');
    expect(bySelector.stderr).toMatch(/app\.yaml:\d+: DaemonSet shop\/node-agent: hostNetwork/);
  });

  it.each([
    [['-l', 'app in ()'], '-l app in (): "app in ()": the values in (…) must be label values'],
    [['--external', 'example.com'], '--external example.com: write HOST:PORT'],
    [['--external', 'example.com:70000'], '--external example.com:70000: the port must be a whole number from 1 to 65535'],
    [['-n', 'shop', '-A'], 'Use either -n or -A, not both'],
    // Issue 18 item 5: the scenario validator's host rule, applied to the flag before anything is read.
    [['--external', '$(reboot):443'], '--external $(reboot):443: the host "$(reboot)" is not an IP address or DNS name'],
    [['--external', 'a;b:80'], '--external a;b:80: the host "a;b" is not an IP address or DNS name'],
    [['--external', 'x\u001b[31m:80'], '--external x\\x1b[31m:80: the host "x\\x1b[31m" is not an IP address or DNS name'],
    [['--external', '[::1;id]:80'], 'the host "::1;id" is not an IP address or DNS name'],
    [['--name', 'Not_A_Label'], '--name Not_A_Label: a scenario name is a DNS label'],
  ])('refuses %j with exit 2', async (flags, message) => {
    const { code, stderr } = await runCli(['discover', '-f', APP, ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('leaves out a namespace being deleted and, unless named, kube-system, saying so; a named kube-system is said to be impersonated', async () => {
    // Two files: with -f, -n places and checks namespaces as kubectl apply -n does (it filters nothing).
    const file = write(
      'leaving.yaml',
      `apiVersion: v1
kind: Namespace
metadata: {name: leaving, deletionTimestamp: "2026-12-01T00:00:00Z"}
status: {phase: Terminating}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: old, namespace: leaving}
spec:
  template:
    metadata: {labels: {app: old}}
    spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
`,
    );
    const system = write(
      'system.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec: {containers: [{name: c, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53}]}]}
`,
    );
    const every = await runCli(['discover', '-f', APP, '-f', file, '-f', system]);
    expect(every.code, every.stderr).toBe(0);
    expect(every.stderr).toContain('left out namespace leaving: it is being deleted, so no probe pod can be created in it\n');
    expect(every.stderr).toContain("left out namespace kube-system: its probe pods would carry the labels of the cluster's own components (CoreDNS's k8s-app=kube-dns among them); name it with -n kube-system to probe it\n");
    expect(every.stderr).not.toContain('probe pod in kube-system');
    const actors = (text: string): string[] => {
      const parsed = parseScenario('discovered.yaml', text);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      return [...parsed.scenario.actors.values()].map((actor) => `${actor.namespace}/${actor.name}`).sort();
    };
    expect(actors(every.stdout)).toEqual(['shop/shop-api', 'shop/shop-web']);

    const named = await runCli(['discover', '-f', APP, '-f', system, '-n', 'kube-system', '-n', 'shop']);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).not.toContain('left out namespace');
    expect(named.stderr).toContain("note: 1 probe pod in kube-system will carry the labels of its workloads (k8s-app=kube-dns) and stand beside the cluster's own components during the run\n");
    expect(actors(named.stdout)).toEqual(['kube-system/kube-system-coredns', 'shop/shop-api', 'shop/shop-web']);

    const onlyLeaving = await runCli(['discover', '-f', file, '-n', 'leaving']);
    expect(onlyLeaving.code).toBe(2);
    expect(onlyLeaving.stderr).toContain('discover found no workload to probe in namespace leaving; left out namespace leaving: it is being deleted');
  });

  it('needs -f', async () => {
    const { code, stderr } = await runCli(['discover']);
    expect(code).toBe(2);
    expect(stderr).toContain('Give manifests with -f');
  });
});

describe('actorNames', () => {
  const identity = (namespace: string, name: string): Identity => ({ key: `${namespace}/${name}`, namespace, labels: { app: name }, workloads: [{ kind: 'Deployment', namespace, name }], doors: [] });
  it('are <namespace>-<workload>, at most 40 characters, unique and stable', () => {
    const long = 'a-very-long-workload-name-that-goes-on-and-on';
    const names = actorNames([identity('a-b', 'c'), identity('a', 'b-c'), identity('payments', long), identity('payments', `${long}-too`), identity('NS', 'Web_1')]);
    expect(names.slice(0, 2), 'a clash gets -2').toEqual(['a-b-c', 'a-b-c-2']);
    expect(names[2]).toMatch(/^payments-a-very-long-workload-[a-z-]*[a-z]-[a-z0-9]{7}$/);
    expect(names[3]).toMatch(/^payments-a-very-long-workload-[a-z-]*[a-z]-[a-z0-9]{7}$/);
    expect(names[2], 'two long names with one start stay apart').not.toBe(names[3]);
    expect(names[4]).toBe('ns-web-1');
    for (const name of names) expect(name.length, name).toBeLessThanOrEqual(40);
    expect(actorNames([identity('payments', long)])[0], 'the same input gives the same name').toBe(names[2]);
  });
});

describe('the scenario text', () => {
  it('quotes what YAML would read as something else: numbers, booleans, a numeric namespace', async () => {
    const file = write(
      'odd.yaml',
      `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: "2024"
  labels: {version: "1", enabled: "true", app.kubernetes.io/name: web, empty: "", tag: "1e3"}
spec: {containers: [{name: c, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: "404", namespace: "2024"}
spec: {selector: {app.kubernetes.io/name: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: "2024", labels: {role: client}}
spec: {containers: [{name: c}]}
`,
    );
    const { code, stdout, stderr } = await runCli(['discover', '-f', file]);
    expect(code, stderr).toBe(0);
    const parsed = parseScenario('odd-scenario.yaml', stdout);
    if (!parsed.ok) throw new Error(parsed.issues.map((issue) => `${issue.line}: ${issue.path}: ${issue.message}`).join('\n'));
    expect(parsed.scenario.actors.get('2024-web')?.labels).toEqual({ 'app.kubernetes.io/name': 'web', empty: '', enabled: 'true', tag: '1e3', version: '1' });
    expect(parsed.scenario.actors.get('2024-web')?.namespace).toBe('2024');
    expect(parsed.scenario.checks.find((check) => check.to.type === 'service')?.to).toMatchObject({ name: '404', namespace: '2024', port: 80 });
  });
});

describe('skip notes in the scenario header', () => {
  it('lists each hostNetwork or unlabelled workload, and owned objects on one line', async () => {
    const replicaSetPods = Array.from({ length: 7 }, (_, i) => `---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f-${i}
  namespace: shop
  labels: {app: web, pod-template-hash: 5d8f}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u, controller: true}]
spec: {containers: [{name: c}]}
`).join('');
    const file = write(
      'dump.yaml',
      `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u, controller: true}]
spec: {template: {metadata: {labels: {app: web, pod-template-hash: 5d8f}}, spec: {containers: [{name: c}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: shop}
spec: {containers: [{name: c}]}
${replicaSetPods}`,
    );
    const { code, stdout } = await runCli(['discover', '-f', file]);
    expect(code).toBe(0);
    const header = stdout.slice(0, stdout.indexOf('apiVersion:'));
    expect(header).toContain('#   Pod shop/bare: no pod labels');
    expect(header).toContain('#   8 owned by a workload of the input, which stands for them: Pod shop/web-5d8f-0, Pod shop/web-5d8f-1, Pod shop/web-5d8f-2, Pod shop/web-5d8f-3, Pod shop/web-5d8f-4, and 3 more');
    expect(stdout).toContain('shop-web: {namespace: shop, labels: {app: web}}');
  });
});

describe('--external with a host name', () => {
  it('is judged where no ipBlock can matter, and left out with the reason where one can', async () => {
    const file = write(
      'edge.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: edge, namespace: dmz, labels: {app: edge}}
spec: {containers: [{name: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: edge-egress, namespace: dmz}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - ports: [{port: 53, protocol: UDP}]
    - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
      ports: [{port: 443}]
`,
    );
    const { code, stdout } = await runCli(['discover', '-f', file, '--external', 'example.com:443', '--external', 'example.com:80']);
    expect(code).toBe(0);
    expect(stdout).toContain('#   dmz-edge → example.com:443: an ipBlock rule may admit it depending on the address example.com resolves to; give an IP address');
    expect(stdout, 'no rule admits any address on 80').toContain('- {from: dmz-edge, to: {host: example.com, port: 80}, expect: deny}');
  });
});
