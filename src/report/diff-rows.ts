/**
 * A verdict diff made readable at any size, shared by the diff and rollout-plan renderers: one row per
 * source → destination whose changed ports share the same reason (the ports are listed together), a
 * count per responsible policy and per namespace pair, and a cap on the rows shown, with the number
 * left out (the JSON output lists every cell).
 */
import type { CellChange, Party, PolicyRoleKind } from '../diff/index.js';
import type { PolicyRef } from '../policy/index.js';

export type ChangeKind = 'cut' | 'open';

export interface DiffRow {
  readonly from: string;
  readonly to: string;
  /** `TCP/8080`, `TCP/53, UDP/53`. */
  readonly ports: string;
  /** The directions that flipped: `in` (the destination's ingress), `eg` (the source's egress) or `in+eg`. */
  readonly directions: 'in' | 'eg' | 'in+eg';
  /** What the responsible policies did, in groups: `isolated by: a; admits other traffic only: b`. */
  readonly policies: readonly RoleGroup[];
  /** Scenario checks on these cells: agreeing with the new verdict, or not. */
  readonly expected?: { readonly agrees: boolean; readonly text: string };
}

export interface RoleGroup {
  readonly role: PolicyRoleKind;
  readonly policies: readonly string[];
}

/** How each role reads in a row, in the order the groups are shown; ROLES_LEGEND says what they mean. */
const ROLE_TEXT: Readonly<Record<PolicyRoleKind, string>> = {
  isolates: 'isolated by',
  'admits-other': 'admits other traffic only',
  'stopped-admitting': 'no longer admitted by',
  admits: 'admitted by',
  'stopped-isolating': 'no longer isolated by',
};

export const ROLES_LEGEND =
  'isolated by: selects the pod and admits nothing in that direction; admits other traffic only: selects the pod (so isolates it too), but its rules admit other connections, not this one';

export function roleText(groups: readonly RoleGroup[], show: (name: string) => string = (name) => name): string {
  return groups.map((group) => `${ROLE_TEXT[group.role]}: ${group.policies.map(show).join(', ')}`).join('; ');
}

function roleGroups(change: CellChange): RoleGroup[] {
  return (Object.keys(ROLE_TEXT) as PolicyRoleKind[])
    .map((role) => ({ role, policies: [...new Set(change.roles.filter((entry) => entry.role === role).map((entry) => policyName(entry.policy)))] }))
    .filter((group) => group.policies.length > 0);
}

export function diffRows(kind: ChangeKind, changes: readonly CellChange[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let last: { key: string; row: DiffRow; ports: string[] } | undefined;
  for (const change of changes) {
    const row = rowOf(kind, change);
    const key = JSON.stringify([row.from, row.to, row.directions, row.policies, row.expected]);
    const port = `${change.cell.protocol}/${change.cell.port}`;
    if (last && last.key === key) {
      last.ports.push(port);
      continue;
    }
    if (last) rows.push({ ...last.row, ports: last.ports.join(', ') });
    last = { key, row, ports: [port] };
  }
  if (last) rows.push({ ...last.row, ports: last.ports.join(', ') });
  return rows;
}

function rowOf(kind: ChangeKind, change: CellChange): DiffRow {
  // A cut flips the directions that now deny; an open, those that used to.
  const flipped = (direction: 'ingress' | 'egress'): boolean => change[direction].before !== change[direction].after;
  const ingress = flipped('ingress');
  const egress = flipped('egress');
  const verdict = kind === 'cut' ? 'deny' : 'allow';
  const expected = change.expected.length === 0 ? undefined : expectationOf(change, verdict);
  return {
    from: change.cell.from,
    to: change.cell.to,
    ports: '',
    directions: ingress && egress ? 'in+eg' : ingress ? 'in' : 'eg',
    policies: roleGroups(change),
    ...(expected ? { expected } : {}),
  };
}

function expectationOf(change: CellChange, verdict: 'allow' | 'deny'): { agrees: boolean; text: string } {
  const against = change.expected.filter((expected) => expected.expect !== verdict);
  if (against.length === 0) return { agrees: true, text: `as ${[...new Set(change.expected.map((expected) => expected.scenario))].join(', ')} expects` };
  return { agrees: false, text: against.map((expected) => `${expected.scenario} "${expected.check}" expects ${expected.expect}`).join('; ') };
}

export function policyName(policy: PolicyRef): string {
  return `${policy.namespace}/${policy.name}`;
}

export function policyWhere(policy: PolicyRef): string {
  return policy.file ? `${policy.file}${policy.line ? `:${policy.line}` : ''}` : 'the cluster';
}

/** `name count` pairs, most first: how many changed cells each responsible policy is named for. */
export function countByPolicy(changes: readonly CellChange[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const change of changes) for (const policy of change.responsible) counts.set(policyName(policy), (counts.get(policyName(policy)) ?? 0) + 1);
  return sortCounts(counts);
}

/** `source-namespace → destination-namespace` with counts, most first. */
export function countByNamespaces(changes: readonly CellChange[], parties: readonly Party[]): [string, number][] {
  const namespaceOf = new Map(parties.map((party) => [party.label, party.namespace]));
  const counts = new Map<string, number>();
  for (const change of changes) {
    const key = `${namespaceOf.get(change.cell.from) ?? '?'} → ${namespaceOf.get(change.cell.to) ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return sortCounts(counts);
}

/** The first `max` entries as `a 3, b 2`, and how many more. */
export function countsText(counts: readonly [string, number][], max: number, show: (name: string) => string = (name) => name): string {
  const shown = counts.slice(0, max).map(([name, count]) => `${show(name)} ${count}`);
  return counts.length > max ? `${shown.join(', ')}, and ${counts.length - max} more` : shown.join(', ');
}

function sortCounts(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
