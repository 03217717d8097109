/**
 * readRenderedFlowsYaml reads what renderFlowsYaml writes exactly as the yaml package does, and gives
 * up (undefined: the caller uses the full parser) on anything outside that layout.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderFlowsYaml } from '../../src/flows/document-yaml.js';
import { readRenderedFlowsYaml } from '../../src/flows/rendered-yaml.js';
import { flow, obsdemoFlows } from './builders.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/flows/${name}`, import.meta.url)), 'utf8');

describe('readRenderedFlowsYaml', () => {
  it.each(['valid-obsdemo.yaml', 'valid-interrupted.yaml', 'invalid-port-and-protocol.yaml'])('reads %s as the yaml package does', (name) => {
    const text = fixture(name);
    expect(readRenderedFlowsYaml(text)).toEqual(parse(text));
  });

  it('reads labels and names that need quotes as the yaml package does', () => {
    const odd = { kind: 'workload' as const, identity: 'a/x=true,y=1', namespace: 'a', labels: { y: '1', x: 'true', 'app.kubernetes.io/name': 'a: b, c', e: '', q: 'say "hi"\\' }, workloads: ['Deployment a/x'] };
    const text = renderFlowsYaml(obsdemoFlows({ flows: [flow(odd, { kind: 'node', name: 'no' }, 10250), flow(odd, { kind: 'external', address: 'fd00:10:96::a' }, 53, { protocol: 'UDP' })] }));
    expect(readRenderedFlowsYaml(text)).toEqual(parse(text));
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a trailing comment', 'a: 1  # one\n'],
    ['a boolean', 'a: true\n'],
    ['a decimal', 'a: 1.5\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a multi-line scalar', 'a: |\n  text\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a sequence at its key\'s indent', 'a:\n- 1\n'],
    ['a YAML-only escape', 'a: "\\x41"\n'],
  ])('gives up on %s', (_, text) => {
    expect(readRenderedFlowsYaml(text)).toBeUndefined();
  });
});
