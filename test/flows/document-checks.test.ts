/**
 * Whether a flows document may be used here and now: its age and its cluster.
 */
import { describe, expect, it } from 'vitest';
import { flowsAgeProblem, flowsClusterProblem, parseFlowsMaxAge, sameServer } from '../../src/flows/document-checks.js';
import { obsdemoFlows } from './builders.js';

describe('parseFlowsMaxAge', () => {
  it.each([
    ['24h', 86_400],
    ['90m', 5400],
    ['1h30m', 5400],
    ['7d', 604_800],
    ['45s', 45],
    ['0', 0],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseFlowsMaxAge(text)).toEqual({ ok: true, seconds });
  });

  it.each(['24', '1 day', '-1h', '1.5h', ''])('refuses %j with the forms it takes', (text) => {
    const result = parseFlowsMaxAge(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain('expected a duration like 24h, 90m, 1h30m or 7d');
  });
});

describe('flowsAgeProblem', () => {
  const document = obsdemoFlows(); // window ends 2026-12-07T19:42:00Z
  it('accepts flows younger than the limit', () => {
    expect(flowsAgeProblem(document, new Date('2026-12-08T19:41:59Z'), 86_400, '24h')).toBeUndefined();
  });
  it('refuses older flows, saying when they were observed, how old they are and the two ways out', () => {
    expect(flowsAgeProblem(document, new Date('2026-12-10T19:42:01Z'), 86_400, '24h')).toBe(
      'observed until 2026-12-07T19:42:00Z, 3 days ago, older than --flows-max-age 24h: workloads deployed since then are missing from it; observe again (kubeknock observe -o FILE), or pass --flows-max-age 0 to use it anyway',
    );
  });
  it('accepts any age with 0', () => {
    expect(flowsAgeProblem(document, new Date('2036-01-01T00:00:00Z'), 0, '0')).toBeUndefined();
  });
});

describe('flowsClusterProblem', () => {
  const document = obsdemoFlows(); // https://10.250.0.1:6443
  it('accepts the same server, written another way', () => {
    expect(flowsClusterProblem(document, 'https://10.250.0.1:6443/')).toBeUndefined();
    expect(sameServer('https://API.example:443', 'https://api.example')).toBe(true);
  });
  it('accepts when the command does not know the current server (offline)', () => {
    expect(flowsClusterProblem(document, undefined)).toBeUndefined();
  });
  it('refuses another cluster, naming both servers', () => {
    expect(flowsClusterProblem(document, 'https://prod.example:6443')).toBe(
      'observed on https://10.250.0.1:6443, but the current cluster (kubeconfig) is https://prod.example:6443: these flows name another cluster\'s workloads; switch the kubeconfig context, or observe this cluster (kubeknock observe -o FILE)',
    );
  });
});
