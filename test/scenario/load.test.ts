import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario, readScenarioFile } from '../../src/scenario/load.js';
import { InputError } from '../../src/model/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('readScenarioFile: valid scenarios', () => {
  it('expands the README example into one check per cell with defaults applied', async () => {
    const result = await readScenarioFile(fixture('valid-postgres.yaml'));
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    const { scenario } = result;
    expect(scenario.name).toBe('postgres-lockdown');
    expect([...scenario.actors.keys()]).toEqual(['backend', 'frontend', 'postgres']);
    expect(scenario.checks.map((c) => [c.id, c.from, c.toLabel, c.kind, c.expect])).toEqual([
      ['c1', 'backend', 'postgres:5432', 'tcp', 'allow'],
      ['c2', 'frontend', 'postgres:5432', 'tcp', 'deny'],
      ['c3', 'backend', 'dns:kubernetes.default.svc.cluster.local.', 'dns', 'allow'],
      ['c4', 'frontend', 'dns:kubernetes.default.svc.cluster.local.', 'dns', 'allow'],
    ]);
    expect(scenario.checks[0]?.timeoutSeconds).toBe(2);
    expect(scenario.checks[0]?.attempts).toBe(3);
    expect(scenario.checks[2]?.source.line).toBe(12);
    expect(scenario.defaults.pod.image).toMatch(/^docker\.io\/library\/busybox:\d+\.\d+\.\d+$/);
  });

  it('resolves every target form, named targets, kinds, overrides and per-check settings', async () => {
    const result = await readScenarioFile(fixture('valid-every-target.yaml'));
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    const { scenario } = result;
    expect(scenario.defaults.denyOutcomes).toEqual(['timeout']);
    expect(scenario.defaults.pod.imagePullPolicy).toBe('Never');
    expect(scenario.defaults.pod.deadlineSeconds).toBe(900);
    expect(scenario.actors.get('web')?.listen).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP', name: 'metrics' }]);
    const rows = scenario.checks.map((c) => [c.toLabel, c.kind, c.expect, c.to.type]);
    expect(rows).toEqual([
      ['web:8080', 'tcp', 'allow', 'actor'],
      ['web:9090', 'tcp', 'allow', 'actor'],
      ['api', 'tcp', 'allow', 'service'],
      ['api-ip', 'tcp', 'allow', 'service'],
      ['workers', 'tcp', 'allow', 'pods'],
      ['outside', 'tcp', 'deny', 'host'],
      ['web:8080', 'http', 'allow', 'actor'],
      ['http://api.apps.svc.cluster.local/healthz', 'http', 'allow', 'url'],
      ['dns:kubernetes.default.svc.cluster.local.@10.96.0.10', 'dns', 'allow', 'dns'],
    ]);
    expect(scenario.checks[3]?.to).toEqual({ type: 'service', namespace: 'apps', name: 'api', port: 80, via: 'cluster-ip' });
    expect(scenario.checks[4]?.to).toMatchObject({ type: 'pods', select: 'any', selector: { matchLabels: { app: 'worker' } } });
    expect(scenario.checks[0]?.name).toBe('web-matrix: client → web:8080');
    expect(scenario.checks[6]).toMatchObject({ timeoutSeconds: 5, attempts: 4 });
  });
});

describe('readScenarioFile: every mistake at once, located', () => {
  it('reports all three mistakes with file:line and field', async () => {
    const file = fixture('invalid-three-mistakes.yaml');
    const result = await readScenarioFile(file);
    expect(result.ok, 'a scenario with mistakes must not load').toBe(false);
    if (result.ok) return;
    const found = result.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    expect([...found].sort()).toEqual([
      '10 spec.checks[1].from: unknown actor "frontend" (actors: backend, postgres)',
      '11 spec.checks[2].expect: "maybe" must be one of: "allow", "deny", "policy"',
      '9 spec.checks[0].to: actor "postgres" does not listen on 5433; add it to "listen" (now: 5432)',
    ]);
    expect(result.issues.every((i) => i.file === file)).toBe(true);
  });
});

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly expected: readonly RegExp[];
}

const base = (checks: string, extra = ''): string => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  actors:
    a: {namespace: ns1, labels: {app: a}}
    b: {namespace: ns1, labels: {app: b}, listen: [80, 8080]}
${extra}  checks:
${checks}`;

const cases: readonly Case[] = [
  { name: 'unknown actor in from', yaml: base('    - {from: zed, to: b:80, expect: allow}\n'), expected: [/^9 spec\.checks\[0\]\.from: unknown actor "zed"/] },
  { name: 'port the actor does not listen on', yaml: base('    - {from: a, to: b:81, expect: allow}\n'), expected: [/^9 spec\.checks\[0\]\.to: actor "b" does not listen on 81/] },
  { name: 'ambiguous actor port', yaml: base('    - {from: a, to: b, expect: allow}\n'), expected: [/actor "b" listens on 80, 8080: name the port/] },
  { name: 'shell characters in a host', yaml: base('    - {from: a, to: {host: "x;rm -rf /", port: 80}, expect: deny}\n'), expected: [/spec\.checks\[0\]\.to: host: "x;rm -rf \/" is not an IP address or DNS name/] },
  { name: 'quote in a URL', yaml: base("    - {from: a, url: \"http://x/'a\", expect: deny}\n"), expected: [/spec\.checks\[0\]\.url: url: .* has characters a URL does not need/] },
  { name: 'no destination', yaml: base('    - {from: a, expect: deny}\n'), expected: [/spec\.checks\[0\]: say where to knock/] },
  { name: 'two destinations', yaml: base('    - {from: a, dns: x.y., url: "http://x/", expect: deny}\n'), expected: [/give only one of "to", "dns" and "url"/] },
  { name: 'kind dns on a tcp target', yaml: base('    - {from: a, to: b:80, kind: dns, expect: allow}\n'), expected: [/spec\.checks\[0\]\.kind: kind "dns" needs a DNS name/] },
  { name: 'duplicate cell', yaml: base('    - {from: a, to: b:80, expect: allow}\n    - {from: [a], to: [b:80], expect: deny}\n'), expected: [/^10 spec\.checks\[1\]: a → b:80 \(tcp\) is already checked at spec\.checks\[0\]/] },
  { name: 'except naming no cell', yaml: base('    - {from: a, to: b:80, expect: allow, except: [{from: a, to: b:8080, expect: deny}]}\n'), expected: [/except\[0\]: a → b:8080 is not a cell of this check/] },
  { name: 'unknown field', yaml: base('    - {from: a, to: b:80, expect: allow, timeout: 3}\n'), expected: [/^9 spec\.checks\[0\]\.timeout: unknown field "timeout" \(did you mean "timeoutSeconds"\?\); allowed here: name, from, to/] },
  { name: 'bad target object', yaml: base('    - {from: a, to: {svc: api}, expect: allow}\n'), expected: [/spec\.checks\[0\]\.to: \{"svc":"api"\} must be an actor or named target/] },
  { name: 'bad label', yaml: base('    - {from: a, to: b:80, expect: allow}\n').replace('labels: {app: a}', 'labels: {"app!": a}'), expected: [/spec\.actors\.a\.labels\.app!: label key "app!"/] },
  { name: 'bad namespace', yaml: base('    - {from: a, to: b:80, expect: allow}\n').replace('namespace: ns1, labels: {app: a}', 'namespace: NS_1, labels: {app: a}'), expected: [/^6 spec\.actors\.a\.namespace: "NS_1" is not valid: Lower-case letters/] },
  { name: 'target named like an actor', yaml: base('    - {from: a, to: b:80, expect: allow}\n', '  targets:\n    b: {host: 203.0.113.1, port: 80}\n'), expected: [/spec\.targets\.b: "b" is also an actor's name/] },
  { name: 'a pod talking to itself', yaml: base('    - {from: b, to: b:80, expect: allow}\n'), expected: [/^9 spec\.checks\[0\]: b → b:80 is a probe pod talking to itself/] },
  { name: 'YAML syntax error', yaml: 'apiVersion: [\n', expected: [/^\d+ : YAML: /] },
  { name: 'empty file', yaml: '', expected: [/the file is empty/] },
  { name: 'wrong apiVersion', yaml: base('    - {from: a, to: b:80, expect: allow}\n').replace('v1alpha1', 'v1'), expected: [/^1 apiVersion: "kubeknock\.dev\/v1" must be "kubeknock\.dev\/v1alpha1"/] },
];

/** The scenario is refused, and for each pattern some issue (`line path: message`) matches it. */
function expectRejected(yaml: string, expected: readonly RegExp[]): void {
    const result = parseScenario('s.yaml', yaml);
    expect(result.ok, 'expected the scenario to be rejected').toBe(false);
    if (result.ok) return;
    const found = result.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    for (const pattern of expected) {
      expect(found.some((line) => pattern.test(line)), `expected an issue matching ${pattern}, got:\n${found.join('\n')}`).toBe(true);
    }
}

describe('parseScenario: each mistake gets a precise message', () => {
  it.each(cases)('$name', ({ yaml, expected }) => {
    expectRejected(yaml, expected);
  });
});

describe('expect: policy', () => {
  it('is accepted on actor, pods and IP host targets with tcp and http, in checks and in except cells', () => {
    const result = parseScenario(
      's.yaml',
      base(
        `    - {from: a, to: [b:80, {pods: {namespace: ns2, matchLabels: {app: w}}, port: 7000}, {host: 203.0.113.10, port: 443}], expect: policy}
    - {from: a, to: b:8080, kind: http, expect: policy}
    - {from: a, to: api, expect: allow, except: [{from: a, to: api, expect: policy}]}
    - {from: a, to: {host: "2001:db8::1", port: 443}, expect: deny}
`,
        '  targets:\n    api: {host: 198.51.100.7, port: 80}\n',
      ),
    );
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    expect(result.scenario.checks.map((c) => [c.toLabel, c.kind, c.expect])).toEqual([
      ['b:80', 'tcp', 'policy'],
      ['pods/ns2/app=w:7000', 'tcp', 'policy'],
      ['203.0.113.10:443', 'tcp', 'policy'],
      ['b:8080', 'http', 'policy'],
      ['api', 'tcp', 'policy'],
      ['2001:db8::1:443', 'tcp', 'deny'],
    ]);
  });

  const rejected: readonly Case[] = [
    { name: 'on a dns check', yaml: base('    - {from: a, dns: kubernetes.default.svc.cluster.local., expect: policy}\n'), expected: [/^9 spec\.checks\[0\]\.dns: expect: policy does not apply to dns checks .*write "expect: allow" or "expect: deny"/] },
    { name: 'on a URL', yaml: base('    - {from: a, url: "http://api.ns1.svc.cluster.local/", expect: policy}\n'), expected: [/^9 spec\.checks\[0\]\.url: expect: policy cannot judge a URL/] },
    {
      name: 'on a Service',
      yaml: base('    - {from: a, to: {service: api, namespace: ns1, port: 80}, expect: policy}\n'),
      expected: [/^9 spec\.checks\[0\]\.to: expect: policy cannot judge the Service ns1\/api: traffic to a Service is judged after DNAT on the backend pod, so target the pods instead/],
    },
    { name: 'on a host name', yaml: base('    - {from: a, to: {host: partner.example.com, port: 443}, expect: policy}\n'), expected: [/^9 spec\.checks\[0\]\.to: expect: policy needs an IP address: "partner\.example\.com" is a name/] },
    {
      name: 'on one target of a list, located on that target',
      yaml: base('    - from: a\n      to:\n        - b:80\n        - {host: partner.example.com, port: 443}\n      expect: policy\n'),
      expected: [/^12 spec\.checks\[0\]\.to\[1\]: expect: policy needs an IP address/],
    },
    {
      name: 'in an except cell on a Service, located on the cell',
      yaml: base('    - from: a\n      to: [b:80, api]\n      expect: allow\n      except:\n        - {from: a, to: api, expect: policy}\n', '  targets:\n    api: {service: api, namespace: ns1, port: 80}\n'),
      expected: [/^15 spec\.checks\[0\]\.except\[0\]\.expect: api: expect: policy cannot judge the Service ns1\/api/],
    },
  ];
  it.each(rejected)('is refused $name, with file:line, field and what to do', ({ yaml, expected }) => {
    expectRejected(yaml, expected);
  });

  it('is fine on a Service target whose every cell an except entry overrides', () => {
    const result = parseScenario('s.yaml', base('    - {from: a, to: {service: api, namespace: ns1, port: 80}, expect: policy, except: [{from: a, to: "svc/ns1/api:80", expect: deny}]}\n'));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.scenario.checks[0]?.expect).toBe('deny');
  });
});

describe('many-by-many checks', () => {
  it('leave out the cells where an actor would probe itself', () => {
    const result = parseScenario('s.yaml', base('    - {from: [a, b], to: [b:80, b:8080], expect: allow}\n').replace('a: {namespace: ns1, labels: {app: a}}', 'a: {namespace: ns1, labels: {app: a}, listen: [80]}'));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.scenario.checks.map((c) => `${c.from}→${c.toLabel}`)).toEqual(['a→b:80', 'a→b:8080']);
  });
});

describe('loadScenarios', () => {
  it('throws one InputError with the issues of every file', async () => {
    const error = await loadScenarios([fixture('invalid-three-mistakes.yaml'), fixture('missing.yaml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const issues = (error as InputError).issues;
    expect(issues.map((i) => i.message)).toContain('no such file');
    expect((error as InputError).exitCode).toBe(2);
  });
});
