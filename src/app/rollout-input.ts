/**
 * The input of a rollout: NetworkPolicy manifests, read like `kubectl apply -f`. Each policy must
 * name its namespace (a rollout never guesses one from a kubeconfig context), and every policy is then
 * put to the API server's own validation with a server-side dry run before anything is planned:
 * the server, not kubeknock's reading of the schema, decides what can be applied.
 */
import { InputError, type InputIssue } from '../model/errors.js';
import { ObjectRejected, type ObjectPort } from '../model/object-port.js';
import { describeRef, refOf, type KubeObject } from '../model/objects.js';
import type { RawObject } from '../policy/index.js';
import { readManifestObjects } from './manifest-objects.js';

export interface RolloutPolicy {
  readonly object: KubeObject;
  readonly raw: RawObject;
  readonly file: string;
  readonly line: number;
}

export interface RolloutInput {
  readonly policies: readonly RolloutPolicy[];
  /** Files as given, for the journal. */
  readonly sources: readonly string[];
}

const POLICY_API_VERSION = 'networking.k8s.io/v1';

/**
 * `namespaces`: the -n values. With one, policies that name no namespace go there, as with
 * `kubectl apply -n`; a policy naming a namespace not given with -n is refused, as kubectl refuses it.
 */
export async function readRolloutFiles(paths: readonly string[], cwd: string, note: (text: string) => void, namespaces: readonly string[] = []): Promise<RolloutInput> {
  const read = await readManifestObjects(paths, cwd, { namespaces, flag: '-n' });
  const issues: InputIssue[] = [...read.issues];
  // Without -n a rollout never guesses (kubectl would take the kubeconfig context's namespace).
  for (const { what, file, line } of read.defaulted.filter(({ kind }) => kind === 'NetworkPolicy')) {
    issues.push({
      file,
      line,
      path: 'metadata.namespace',
      message: `${what} has no metadata.namespace; a rollout never takes one from the kubeconfig context: pass -n NAMESPACE to put it there (as kubectl apply -n does), or write "namespace: …" into the manifest`,
    });
  }
  for (const line of read.merged) note(line);
  const policies: RolloutPolicy[] = [];
  const others = new Map<string, number>();
  for (const raw of read.objects) {
    const value = raw.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    const line = raw.locate([]).line;
    if (value === null || typeof value !== 'object') continue;
    if (value.kind !== 'NetworkPolicy') {
      const kind = typeof value.kind === 'string' ? value.kind : '(no kind)';
      others.set(kind, (others.get(kind) ?? 0) + 1);
      continue;
    }
    const at = (path: (string | number)[]) => ({ file: raw.file, line: raw.locate(path).line });
    if (value.apiVersion !== POLICY_API_VERSION) {
      issues.push({ ...at(['apiVersion']), path: 'apiVersion', message: `${JSON.stringify(value.apiVersion)} is not the NetworkPolicy API kubeknock rolls out; use "apiVersion: ${POLICY_API_VERSION}"` });
      continue;
    }
    const name = value.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      issues.push({ ...at(['metadata']), path: 'metadata.name', message: 'a NetworkPolicy without metadata.name; give it a name' });
      continue;
    }
    // Placed above (-n) or refused there; copies of one policy were read once or refused as a conflict.
    policies.push({ object: value as unknown as KubeObject, raw, file: raw.file, line });
  }
  if (issues.length > 0) throw new InputError(`${issues.length} problem(s) in the policy files; nothing was sent to the cluster`, issues);
  if (others.size > 0) {
    note(`rollout applies NetworkPolicies only; left out: ${[...others].map(([kind, count]) => `${count} ${kind}`).join(', ')} (apply those with kubectl first, e.g. the Namespaces)`);
  }
  if (policies.length === 0) throw new InputError(`no NetworkPolicy in ${paths.join(', ')}: a rollout needs at least one`);
  return { policies, sources: paths };
}

/**
 * Every policy through the API server's validation and admission (dry run: nothing is stored). All
 * refusals are collected, each with its file and line and the server's own message.
 */
export async function validateOnServer(objects: ObjectPort, input: RolloutInput): Promise<void> {
  const results = await Promise.all(
    input.policies.map(async (policy) => {
      try {
        await objects.dryRunApply(policy.object);
        return undefined;
      } catch (error) {
        if (!(error instanceof ObjectRejected)) throw error;
        const issue: InputIssue = { file: policy.file, line: policy.line, path: '', message: `the API server refuses ${describeRef(refOf(policy.object))}: ${error.serverMessage}` };
        return issue;
      }
    }),
  );
  const issues = results.filter((issue): issue is InputIssue => issue !== undefined);
  if (issues.length > 0) {
    throw new InputError(`the API server at ${objects.server} refuses ${issues.length} of the ${input.policies.length} policies (server-side dry run); nothing was changed`, issues);
  }
}
