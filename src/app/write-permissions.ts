/**
 * Before kubeknock writes anything beyond probe pods (a rollout, a multi-step scenario), the
 * authorizer is asked for every write it will make, so a missing permission fails before the first
 * change instead of half-way. Only a definite "no" stops it: a review that cannot be asked proves
 * nothing either way.
 */
import { InfraError } from '../model/errors.js';
import type { AccessAnswer, AccessQuestion } from '../model/permissions.js';
import type { ObjectRef } from '../model/objects.js';

const RESOURCES: Readonly<Record<string, { readonly group: string; readonly resource: string; readonly verbs: readonly string[] }>> = {
  NetworkPolicy: { group: 'networking.k8s.io', resource: 'networkpolicies', verbs: ['get', 'create', 'patch', 'update', 'delete'] },
  Namespace: { group: '', resource: 'namespaces', verbs: ['get', 'patch'] },
};
const JOURNAL_VERBS = ['get', 'create', 'patch'];

export interface WritePlan {
  /** Every object a change touches. */
  readonly refs: readonly ObjectRef[];
  /** The namespace of the journal ConfigMap, when the journal lives in the cluster. */
  readonly journalNamespace?: string;
}

export async function requireWritePermissions(canI: (question: AccessQuestion) => Promise<AccessAnswer>, plan: WritePlan, server: string): Promise<void> {
  const questions = new Map<string, AccessQuestion>();
  for (const ref of plan.refs) {
    const resource = RESOURCES[ref.kind];
    if (!resource) continue;
    for (const verb of resource.verbs) {
      // A Namespace is cluster-scoped: its permission is asked without a namespace.
      const namespace = ref.kind === 'Namespace' ? undefined : ref.namespace;
      const question: AccessQuestion = { verb, group: resource.group, resource: resource.resource, ...(namespace === undefined ? {} : { namespace }) };
      questions.set(JSON.stringify(question), question);
    }
  }
  if (plan.journalNamespace !== undefined) {
    for (const verb of JOURNAL_VERBS) questions.set(`journal ${verb}`, { verb, group: '', resource: 'configmaps', namespace: plan.journalNamespace });
  }
  const answers = await Promise.all(
    [...questions.values()].map(async (question) => ({
      question,
      allowed: await canI(question).then(
        (answer) => answer.allowed,
        () => true,
      ),
    })),
  );
  const missing = answers.filter((a) => !a.allowed).map(({ question }) => `${question.verb} ${question.group ? `${question.resource}.${question.group}` : question.resource}${question.namespace ? ` in ${question.namespace}` : ' (cluster-wide)'}`);
  if (missing.length === 0) return;
  throw new InfraError(`the current user may not make these changes in the cluster at ${server}; nothing was changed. RBAC is missing: ${missing.join(', ')}. Ask for a Role granting them (a ClusterRole for namespaces)`);
}
