/**
 * Offline truth tables from the network-policy-api v0.3.0 conformance suite (conformance/tests/*.go and
 * conformance/base/): for 22 of its 24 standard tests, every subtest up to the first change the test makes
 * to policies or namespaces (the pod relabelling of the pod-selector tests is replayed per check), on its
 * base namespaces and pods, must get the verdict the suite demands. 52 subtests, 188 checks
 * (test/fixtures/conformance-tiers/cases.json). The two inline-CIDR tests put pod IPs into policies at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { compileInventory, decodeObjects, explainConnection, resolveEndpoint, type CompiledInventory, type Endpoint, type Protocol } from '../../src/policy/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'conformance-tiers');

interface Check {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly expect: 'allow' | 'deny';
  /** Labels the test had set on pods at the moment of this check (the suite relabels pods mid-test). */
  readonly labels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
interface Case {
  readonly test: string;
  readonly manifest: string;
  readonly subtests: readonly { readonly name: string; readonly checks: readonly Check[] }[];
}

const CASES = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as readonly Case[];

function objectsOf(file: string) {
  const parsed = parseManifestText(readFileSync(join(DIR, file), 'utf8'), file);
  expect(parsed.issues).toEqual([]);
  return parsed.objects;
}

describe('network-policy-api conformance, offline', () => {
  it('covers the tests and checks it says', () => {
    expect(CASES.length).toBe(22);
    expect(CASES.flatMap((c) => c.subtests).length).toBe(52);
    expect(CASES.flatMap((c) => c.subtests.flatMap((s) => s.checks)).length).toBe(188);
  });

  describe.each(CASES)('$test', (c) => {
    const decoded = decodeObjects([...objectsOf('base.yaml'), ...objectsOf(c.manifest)]);
    const engineFor = (labels: Check['labels'] = {}): CompiledInventory =>
      compileInventory({
        ...decoded.inventory,
        pods: decoded.inventory.pods.map((pod) => ({ ...pod, labels: { ...pod.labels, ...labels[`${pod.namespace}/${pod.name}`] } })),
      });
    it.each(c.subtests)('$name', (subtest) => {
      expect(decoded.issues).toEqual([]);
      const wrong = subtest.checks.flatMap((check) => {
        const engine = engineFor(check.labels);
        const explanation = explainConnection(engine, {
          from: resolveEndpoint(engine, check.from) as Endpoint,
          to: resolveEndpoint(engine, check.to) as Endpoint,
          port: check.port,
          protocol: check.protocol,
        });
        return explanation.verdict === check.expect ? [] : [`${check.from} → ${check.to} ${check.protocol}/${check.port}: want ${check.expect}, engine says ${explanation.verdict}`];
      });
      expect(wrong).toEqual([]);
    });
  });
});
