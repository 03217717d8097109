/**
 * Before kubeknock writes anything beyond probe pods (a rollout, a multi-step scenario), the
 * authorizer is asked for every write it will make, so a missing permission fails before the first
 * change instead of half-way. Only a definite "no" stops it: a review that cannot be asked proves
 * nothing either way.
 */
import { InfraError } from '../model/errors.js';
import { CHANGE_PERMISSIONS, JOURNAL_PERMISSIONS, type AccessAnswer, type AccessQuestion } from '../model/permissions.js';
import type { ObjectRef } from '../model/objects.js';


export interface WritePlan {
  /** Every object a change touches. */
  readonly refs: readonly ObjectRef[];
  /** The namespace of the journal ConfigMap, when the journal lives in the cluster. */
  readonly journalNamespace?: string;
}

export async function requireWritePermissions(canI: (question: AccessQuestion) => Promise<AccessAnswer>, plan: WritePlan, server: string): Promise<void> {
  const questions = new Map<string, AccessQuestion>();
  for (const ref of plan.refs) {
    const permissions = ref.kind === 'NetworkPolicy' || ref.kind === 'Namespace' ? CHANGE_PERMISSIONS[ref.kind] : [];
    for (const { verb, group, resource } of permissions) {
      // A Namespace is cluster-scoped: its permission is asked without a namespace.
      const namespace = ref.kind === 'Namespace' ? undefined : ref.namespace;
      const question: AccessQuestion = { verb, group, resource, ...(namespace === undefined ? {} : { namespace }) };
      questions.set(JSON.stringify(question), question);
    }
  }
  if (plan.journalNamespace !== undefined) {
    for (const { verb, group, resource } of JOURNAL_PERMISSIONS) questions.set(`journal ${verb}`, { verb, group, resource, namespace: plan.journalNamespace });
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
