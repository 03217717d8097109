/**
 * Turns what client-node throws into one line a user can act on. An ApiException carries the HTTP code
 * and, for 4xx/5xx, the Kubernetes Status object as a JSON *string* (`reason`, `message`); network
 * failures are plain errors (FetchError) with a system code.
 */
import { ApiException } from '@kubernetes/client-node';
import { InfraError } from '../model/errors.js';

export type ApiFailureKind =
  /** Authenticated but RBAC says no. */
  | 'forbidden'
  /** 403 from an admission plugin (Pod Security, a webhook): the request was allowed, the object was not. */
  | 'admission'
  | 'unauthorized'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'server'
  | 'network';

export interface ApiFailure {
  readonly kind: ApiFailureKind;
  /** HTTP status, absent for network errors. */
  readonly code?: number;
  /** Kubernetes reason (Forbidden, NotFound, AlreadyExists…) or the system error code. */
  readonly reason?: string;
  readonly message: string;
}

interface StatusBody {
  readonly reason?: string;
  readonly message?: string;
}

export function isApiException(error: unknown): error is ApiException<unknown> {
  return error instanceof ApiException;
}

/** HTTP status of a client-node error, if it is an API answer at all. */
export function apiStatusCode(error: unknown): number | undefined {
  return isApiException(error) ? error.code : undefined;
}

export function classifyApiError(error: unknown): ApiFailure {
  if (!isApiException(error)) {
    const code = systemCode(error);
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'network', ...(code ? { reason: code } : {}), message };
  }
  const status = parseStatusBody(error.body);
  const message = status.message ?? (typeof error.body === 'string' && error.body.trim() ? error.body.trim() : `HTTP ${error.code}`);
  const base = { code: error.code, ...(status.reason ? { reason: status.reason } : {}), message };
  switch (error.code) {
    case 401:
      return { ...base, kind: 'unauthorized', message: status.message ?? 'the API server rejected our credentials (expired token or certificate?)' };
    case 403:
      return { ...base, kind: isAdmissionDenial(message) ? 'admission' : 'forbidden' };
    case 404:
      return { ...base, kind: 'not-found' };
    case 409:
      return { ...base, kind: 'conflict' };
    case 400:
    case 422:
      return { ...base, kind: 'invalid' };
    default:
      return { ...base, kind: 'server' };
  }
}

/**
 * A 403 whose message comes from admission rather than RBAC. RBAC denials always read
 * `User "x" cannot <verb> resource "y"`; Pod Security says `violates PodSecurity`, webhooks say
 * `admission webhook "…" denied the request`, NamespaceLifecycle says the namespace `is being terminated`.
 */
function isAdmissionDenial(message: string): boolean {
  return /violates PodSecurity|admission webhook|denied the request|exceeded quota|is being terminated/i.test(message) && !/ cannot \w+ resource /.test(message);
}

/** One line: "forbidden (RBAC): pods is forbidden: User …". */
export function describeApiFailure(failure: ApiFailure): string {
  const label: Record<ApiFailureKind, string> = {
    forbidden: 'forbidden (RBAC)',
    admission: 'rejected by admission',
    unauthorized: 'unauthorized',
    'not-found': 'not found',
    conflict: 'conflict',
    invalid: 'invalid',
    server: `API server error${failure.code ? ` ${failure.code}` : ''}`,
    network: 'cannot reach the API server',
  };
  return `${label[failure.kind]}: ${failure.message}`;
}

/** The error every adapter method rejects with: what we were doing, then why it failed. */
export function apiError(doing: string, error: unknown): InfraError {
  return new InfraError(`${doing}: ${describeApiFailure(classifyApiError(error))}`, { cause: error, causeSummarized: true });
}

function parseStatusBody(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return pickStatus(body);
  if (typeof body !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? pickStatus(parsed) : {};
  } catch {
    return {};
  }
}

function pickStatus(value: object): StatusBody {
  const record = value as Record<string, unknown>;
  return {
    ...(typeof record['reason'] === 'string' ? { reason: record['reason'] } : {}),
    ...(typeof record['message'] === 'string' ? { message: record['message'] } : {}),
  };
}

/** ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED… from the error or its cause. */
function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}
