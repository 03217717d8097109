import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiError, classifyApiError } from '../../src/cluster/api-error.js';
import { describeError, InfraError } from '../../src/model/errors.js';

const status = (code: number, reason: string, message: string): ApiException<string> =>
  new ApiException(code, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }), {});

describe('classifyApiError', () => {
  it('403 violating PodSecurity is admission, not RBAC', () => {
    const failure = classifyApiError(
      status(
        403,
        'Forbidden',
        'pods "kk-probe-x1" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "probe" must set securityContext.allowPrivilegeEscalation=false)',
      ),
    );
    expect(failure.kind).toBe('admission');
    expect(failure.code).toBe(403);
    expect(failure.message).toContain('violates PodSecurity');
  });

  it('403 for a namespace being deleted is admission (NamespaceLifecycle), not RBAC', () => {
    const failure = classifyApiError(
      status(403, 'Forbidden', 'pods "kubeknock-backend-" is forbidden: unable to create new content in namespace production because it is being terminated'),
    );
    expect(failure.kind).toBe('admission');
  });

  it('403 from RBAC is forbidden', () => {
    const failure = classifyApiError(
      status(403, 'Forbidden', 'pods is forbidden: User "system:serviceaccount:ci:runner" cannot create resource "pods" in API group "" in the namespace "production"'),
    );
    expect(failure).toMatchObject({ kind: 'forbidden', reason: 'Forbidden' });
  });

  it('403 from an admission webhook is admission', () => {
    expect(classifyApiError(status(403, 'Forbidden', 'admission webhook "validation.gatekeeper.sh" denied the request: no busybox')).kind).toBe('admission');
  });

  it('404 namespace not found keeps the server message', () => {
    const failure = classifyApiError(status(404, 'NotFound', 'namespaces "productoin" not found'));
    expect(failure).toEqual({ kind: 'not-found', code: 404, reason: 'NotFound', message: 'namespaces "productoin" not found' });
  });

  it('409 AlreadyExists is a conflict', () => {
    expect(classifyApiError(status(409, 'AlreadyExists', 'pods "x" already exists')).kind).toBe('conflict');
  });

  it('401 without a body says the credentials were rejected', () => {
    const failure = classifyApiError(new ApiException(401, 'Unauthorized', undefined, {}));
    expect(failure.kind).toBe('unauthorized');
    expect(failure.message).toContain('credentials');
  });

  it('a body that is not JSON is used as the message', () => {
    expect(classifyApiError(new ApiException(502, 'Unknown API Status Code!', 'Bad Gateway', {}))).toMatchObject({ kind: 'server', message: 'Bad Gateway' });
  });

  it('a network error carries its system code', () => {
    const error = Object.assign(new Error('request to https://10.0.0.1:6443/api failed, reason: connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(classifyApiError(error)).toMatchObject({ kind: 'network', reason: 'ECONNREFUSED' });
  });
});

describe('apiError', () => {
  it('prefixes what we were doing and says which kind of 403 it was', () => {
    const error = apiError('creating probe pod in production', status(403, 'Forbidden', 'pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true'));
    expect(error).toBeInstanceOf(InfraError);
    expect(error.message).toBe('creating probe pod in production: rejected by admission: pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true');
    expect(error.exitCode).toBe(2);
  });
});

describe('describeError of an API failure', () => {
  it('says what was done and why in one line, without client-node\'s HTTP dump of the cause', () => {
    const error = apiError('listing DaemonSets in kube-system', status(403, 'Forbidden', 'daemonsets.apps is forbidden: User "u" cannot list resource "daemonsets"'));
    const text = describeError(new InfraError('inspecting the CNI', { cause: error }));
    expect(text).toBe('inspecting the CNI: listing DaemonSets in kube-system: forbidden (RBAC): daemonsets.apps is forbidden: User "u" cannot list resource "daemonsets"');
    expect(text).not.toMatch(/HTTP-Code|Unknown API Status Code|Headers/);
  });
});
