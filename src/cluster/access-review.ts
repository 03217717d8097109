/** One SelfSubjectAccessReview: "may the current user do this?", as the authorizer answers it. */
import type { AuthorizationV1Api } from '@kubernetes/client-node';
import type { AccessAnswer, AccessQuestion } from '../model/permissions.js';
import type { ApiCalls } from './api-calls.js';

export async function reviewAccess(authorization: AuthorizationV1Api, calls: ApiCalls, question: AccessQuestion): Promise<AccessAnswer> {
  const review = await calls.request('asking the API server what we may do (SelfSubjectAccessReview)', () =>
    authorization.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            verb: question.verb,
            group: question.group,
            resource: question.resource,
            ...(question.subresource ? { subresource: question.subresource } : {}),
            ...(question.namespace ? { namespace: question.namespace } : {}),
          },
        },
      },
    }),
  );
  const reason = review.status?.reason || review.status?.evaluationError;
  return { allowed: review.status?.allowed === true, ...(reason ? { reason } : {}) };
}
