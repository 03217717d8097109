import { describe, expect, it } from 'vitest';
import { OUTCOME_CLASSES, type Observed, type OutcomeClass } from '../../src/model/outcome.js';
import type { CheckKind } from '../../src/model/scenario.js';
import { DEFAULT_DENY_OUTCOMES, judgeOutcome } from '../../src/probe/judge.js';
import { anyOutcome } from '../support/outcome.js';

/** The documented mapping with the default deny list, for every kind × class. */
const EXPECTED: Record<CheckKind, Record<OutcomeClass, Observed>> = {
  tcp: {
    connected: 'allow',
    'http-status': 'error',
    resolved: 'error',
    echoed: 'error',
    refused: 'deny',
    timeout: 'deny',
    'no-route': 'deny',
    'name-not-found': 'error',
    'dns-unreachable': 'error',
    'exec-error': 'error',
  },
  http: {
    connected: 'error',
    'http-status': 'allow',
    resolved: 'error',
    echoed: 'error',
    refused: 'deny',
    timeout: 'deny',
    'no-route': 'deny',
    'name-not-found': 'error',
    'dns-unreachable': 'error',
    'exec-error': 'error',
  },
  dns: {
    connected: 'error',
    'http-status': 'error',
    resolved: 'allow',
    echoed: 'error',
    refused: 'deny',
    timeout: 'deny',
    'no-route': 'deny',
    'name-not-found': 'allow',
    'dns-unreachable': 'deny',
    'exec-error': 'error',
  },
  udp: {
    connected: 'error',
    'http-status': 'error',
    resolved: 'error',
    echoed: 'allow',
    refused: 'deny',
    timeout: 'deny',
    'no-route': 'deny',
    'name-not-found': 'error',
    'dns-unreachable': 'error',
    'exec-error': 'error',
  },
};

const KINDS: readonly CheckKind[] = ['tcp', 'http', 'dns', 'udp'];

describe('judgeOutcome with the default deny outcomes', () => {
  const rows = KINDS.flatMap((kind) => OUTCOME_CLASSES.map((cls) => [kind, cls, EXPECTED[kind][cls]] as const));
  it.each(rows)('%s + %s → %s', (kind, cls, observed) => {
    expect(judgeOutcome(kind, anyOutcome(cls, 'x'), DEFAULT_DENY_OUTCOMES)).toBe(observed);
  });

  it('defaults to timeout, refused and no-route', () => {
    expect([...DEFAULT_DENY_OUTCOMES].sort()).toEqual(['no-route', 'refused', 'timeout']);
  });
});

describe('judgeOutcome with a configured deny list', () => {
  it.each([
    ['a DROP-only CNI: refused is not a deny', 'tcp', 'refused', ['timeout'], 'error'],
    ['a DROP-only CNI: timeout still is', 'tcp', 'timeout', ['timeout'], 'deny'],
    ['a DROP-only CNI: a udp port unreachable is not a deny', 'udp', 'refused', ['timeout'], 'error'],
    ['a DNS proxy answering NXDOMAIN as its deny', 'dns', 'name-not-found', ['name-not-found'], 'deny'],
    ['an empty list: nothing is a deny but dns-unreachable on dns', 'dns', 'dns-unreachable', [], 'deny'],
    ['an empty list: a tcp timeout cannot be judged', 'tcp', 'timeout', [], 'error'],
    ['exec-error is never a deny, even when listed', 'tcp', 'exec-error', ['exec-error'], 'error'],
  ] as const)('%s', (_name, kind, cls, deny, observed) => {
    expect(judgeOutcome(kind, { class: cls, detail: 'x' }, deny)).toBe(observed);
  });
});
