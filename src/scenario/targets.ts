/**
 * Turns what a check's `to` says ("postgres:5432", a named target, an inline object) into a Target,
 * its matrix column label and the probe kind it implies.
 */
import { assertNever } from '../model/assert-never.js';
import { listenPortText, type Actor, type CheckKind, type ListenProtocol, type Target } from '../model/scenario.js';
import type { TargetDocument, TargetRefDocument } from './document.js';
import { labelProblem, selectorRequirementProblems } from '../model/kube-rules.js';
import { hostProblem, isIP, isDnsName, urlProblem } from './strict-values.js';

export interface ResolvedTarget {
  readonly target: Target;
  readonly label: string;
  /** The kind this target forces (url → http, dns → dns); undefined when tcp and http both fit. */
  readonly impliedKind?: CheckKind;
}

export type TargetResult = { readonly ok: true; readonly value: ResolvedTarget } | { readonly ok: false; readonly problem: string };

export interface TargetContext {
  readonly actors: ReadonlyMap<string, Actor>;
  readonly namedTargets: Readonly<Record<string, TargetDocument>>;
  /** Entries that failed the schema: references to them resolve to a silent failure (already reported). */
  readonly broken: ReadonlySet<string>;
}

const fail = (problem: string): TargetResult => ({ ok: false, problem });

/**
 * `protocol` is the one the check's kind uses (checkProtocol): an actor is knocked on at a listen port
 * of that protocol, and a UDP port's label says so (`dns-cache:5353/udp`), so one port number open
 * on both is two matrix columns.
 */
export function resolveTargetRef(ref: TargetRefDocument, ctx: TargetContext, protocol: ListenProtocol): TargetResult {
  if (typeof ref !== 'string') return resolveTargetDocument(ref, ctx, protocol);
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(\d{1,5}))?$/.exec(ref);
  if (!match) return fail(`"${ref}" is not a target reference: write an actor ("postgres", "postgres:5432") or the name of a target under spec.targets`);
  const name = match[1] ?? '';
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (ctx.broken.has(name)) return fail('');
  if (ctx.actors.has(name)) return resolveActor(name, port, ctx, protocol);
  const named = ctx.namedTargets[name];
  if (named) {
    if (port !== undefined) return fail(`"${ref}": the named target "${name}" already has its port; write "${name}"`);
    const resolved = resolveTargetDocument(named, ctx, protocol);
    return resolved.ok ? { ok: true, value: { ...resolved.value, label: name } } : fail(`target "${name}": ${resolved.problem}`);
  }
  return fail(`"${name}" is neither an actor (${list(ctx.actors.keys())}) nor a named target (${list(Object.keys(ctx.namedTargets))})`);
}

export function resolveTargetDocument(doc: TargetDocument, ctx: TargetContext, protocol: ListenProtocol): TargetResult {
  if ('actor' in doc) {
    if (ctx.broken.has(doc.actor)) return fail('');
    if (!ctx.actors.has(doc.actor)) return fail(`unknown actor "${doc.actor}" (actors: ${list(ctx.actors.keys())})`);
    return resolveActor(doc.actor, doc.port, ctx, protocol);
  }
  if ('service' in doc) {
    const via = doc.via ?? 'dns';
    const label = `svc/${doc.namespace}/${doc.service}:${doc.port}${via === 'cluster-ip' ? ' (ClusterIP)' : ''}`;
    return { ok: true, value: { target: { type: 'service', namespace: doc.namespace, name: doc.service, port: doc.port, via }, label } };
  }
  if ('pods' in doc) {
    const { namespace, matchLabels, matchExpressions } = doc.pods;
    for (const [key, value] of Object.entries(matchLabels ?? {})) {
      const problem = labelProblem(key, value);
      if (problem) return fail(`pods.matchLabels: ${problem}`);
    }
    for (const [i, expression] of (matchExpressions ?? []).entries()) {
      const [problem] = selectorRequirementProblems(expression);
      if (problem) return fail(`pods.matchExpressions[${i}].${problem.field}: ${problem.message}`);
    }
    // `matchLabels: {}` and `matchExpressions: []` select as much as no selector at all.
    if (Object.keys(matchLabels ?? {}).length === 0 && (matchExpressions ?? []).length === 0) {
      return fail('pods: give at least one label in matchLabels or one matchExpressions entry (an empty selector would probe every pod of the namespace)');
    }
    const selector = { ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions ? { matchExpressions } : {}) };
    const select = doc.select ?? 'each';
    const label = `pods/${namespace}/${selectorText(selector)}:${doc.port}`;
    return { ok: true, value: { target: { type: 'pods', namespace, selector, port: doc.port, select }, label } };
  }
  if ('host' in doc) {
    const problem = hostProblem(doc.host);
    if (problem) return fail(`host: ${problem}`);
    return { ok: true, value: { target: { type: 'host', host: doc.host, port: doc.port }, label: `${doc.host}:${doc.port}` } };
  }
  if ('url' in doc) {
    const problem = urlProblem(doc.url);
    if (problem) return fail(`url: ${problem}`);
    return { ok: true, value: { target: { type: 'url', url: doc.url }, label: doc.url, impliedKind: 'http' } };
  }
  if (!isDnsName(doc.dns)) return fail(`dns: "${doc.dns}" is not a DNS name`);
  if (doc.server !== undefined && !isIP(doc.server)) return fail(`server: "${doc.server}" must be the IP address of a DNS server`);
  const target: Target = doc.server === undefined ? { type: 'dns', name: doc.dns } : { type: 'dns', name: doc.dns, server: doc.server };
  return { ok: true, value: { target, label: `dns:${doc.dns}${doc.server ? `@${doc.server}` : ''}`, impliedKind: 'dns' } };
}

/**
 * Why `expect: policy` cannot be used on this target, or undefined when it can. The engine judges a
 * connection between a pod and a pod, or a pod and an IP address (ipBlock), on one port; anything
 * resolved or translated on the way (DNS names, Service DNAT) is outside what policy decides.
 */
export function policyExpectProblem(target: Target): string | undefined {
  const otherwise = 'or write "expect: allow" or "expect: deny"';
  switch (target.type) {
    case 'actor':
    case 'pods':
      return undefined;
    case 'host':
      return isIP(target.host)
        ? undefined
        : `expect: policy needs an IP address: "${target.host}" is a name, and NetworkPolicy (ipBlock) only sees addresses; give the host's IP address, ${otherwise}`;
    case 'service':
      return `expect: policy cannot judge the Service ${target.namespace}/${target.name}: traffic to a Service is judged after DNAT on the backend pod, so target the pods instead ({pods: {namespace: ${target.namespace}, matchLabels: …}, port: TARGET_PORT}), ${otherwise}`;
    case 'url':
      return `expect: policy cannot judge a URL (its host is resolved at run time and may be a Service); target an actor, pods or an IP host with "kind: http", ${otherwise}`;
    case 'dns':
      return 'expect: policy does not apply to dns checks (the lookup goes to the DNS Service and may be answered by a node-local cache): write "expect: allow" or "expect: deny"';
    default:
      return assertNever(target, 'target');
  }
}

function resolveActor(name: string, port: number | undefined, ctx: TargetContext, protocol: ListenProtocol): TargetResult {
  const actor = ctx.actors.get(name);
  if (!actor) return fail(`unknown actor "${name}"`);
  const ports = actor.listen.filter((l) => l.protocol === protocol).map((l) => l.port);
  const now = actor.listen.length ? actor.listen.map(listenPortText).join(', ') : 'none';
  if (port === undefined) {
    const only = ports.length === 1 ? ports[0] : undefined;
    if (only === undefined) {
      if (ports.length > 1) return fail(`actor "${name}" listens on ${ports.join(', ')}${protocol === 'UDP' ? ' (UDP)' : ''}: name the port, e.g. "${name}:${ports[0]}"`);
      if (protocol === 'UDP') return fail(`actor "${name}" listens on no UDP port (now: ${now}); a udp check needs one: add {port: PORT, protocol: UDP} to its "listen"`);
      return fail(
        actor.listen.length === 0
          ? `actor "${name}" listens on no port; add "listen: [PORT]" to it, or target a Service or host instead`
          : `actor "${name}" listens on no TCP port (now: ${now}); add "listen: [PORT]" to it, or write "kind: udp" to check its UDP port`,
      );
    }
    port = only;
  } else if (!ports.includes(port)) {
    const other = actor.listen.some((l) => l.port === port);
    if (protocol === 'UDP') {
      return fail(
        other
          ? `actor "${name}" listens on ${port} over TCP only; a udp check needs a UDP listen port: add {port: ${port}, protocol: UDP} to its "listen"`
          : `actor "${name}" does not listen on UDP port ${port}; add {port: ${port}, protocol: UDP} to its "listen" (now: ${now})`,
      );
    }
    return fail(
      other
        ? `actor "${name}" listens on ${port} over UDP only; write "kind: udp" to check it, or add ${port} to "listen" for TCP`
        : `actor "${name}" does not listen on ${port}; add it to "listen" (now: ${now})`,
    );
  }
  return { ok: true, value: { target: { type: 'actor', actor: name, port }, label: `${name}:${port}${protocol === 'UDP' ? '/udp' : ''}` } };
}

function selectorText(selector: { matchLabels?: Readonly<Record<string, string>>; matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[] }): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) parts.push(`${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`);
  return parts.join(',');
}

function list(names: Iterable<string>): string {
  const all = [...names];
  return all.length ? all.join(', ') : 'none';
}
