/**
 * The Pushgateway's grouping key: `--metrics-group KEY=VALUE` flags → the URL path of one group,
 * `/metrics/job/<job>/<name>/<value>…`. Pure; the push itself is pushgateway.ts.
 */
export interface GroupingKey {
  readonly job: string;
  /** The other labels of the group, in the order given. */
  readonly labels: readonly (readonly [name: string, value: string])[];
}

export const DEFAULT_JOB = 'kubeknock';

/**
 * Label names kubeknock's own series carry, and the one that marks the last-success group. A grouping
 * label of the same name would contradict a pushed series' own label, which the Pushgateway refuses.
 */
export const RESERVED_LABELS = ['scenario', 'step', 'result', 'from', 'to', 'failure', 'version', 'kubeknock_group'] as const;

/** The group that holds only `kubeknock_last_success_timestamp_seconds`, next to the run's group. */
export const LAST_SUCCESS_GROUP: readonly [string, string] = ['kubeknock_group', 'last-success'];

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `KEY=VALUE` flags → the grouping key, or every problem with them, each naming the flag value. */
export function parseGroupingFlags(flags: readonly string[]): { ok: true; key: GroupingKey } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  let job = DEFAULT_JOB;
  const labels: [string, string][] = [];
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = at < 0 ? flag : flag.slice(0, at);
    const value = at < 0 ? '' : flag.slice(at + 1);
    if (at < 0) problems.push(`--metrics-group ${JSON.stringify(flag)}: write KEY=VALUE, e.g. --metrics-group cluster=prod`);
    else if (!LABEL_NAME.test(name) || name.startsWith('__')) problems.push(`--metrics-group ${JSON.stringify(flag)}: "${name}" is no Prometheus label name (letters, digits and _, not starting with a digit or __)`);
    else if ((RESERVED_LABELS as readonly string[]).includes(name)) problems.push(`--metrics-group ${JSON.stringify(flag)}: "${name}" is a label of kubeknock's own series; pick another name`);
    else if (seen.has(name)) problems.push(`--metrics-group ${JSON.stringify(flag)}: "${name}" is given twice; a group has one value per label`);
    else if (name === 'job' && value === '') problems.push(`--metrics-group ${JSON.stringify(flag)}: the job needs a value`);
    else if (name === 'job') job = value;
    else labels.push([name, value]);
    seen.add(name);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, key: { job, labels } };
}

/**
 * The group's path under the Pushgateway's base URL. A value with a `/` (or an empty one) cannot be a
 * path segment: the Pushgateway takes it base64url-encoded, its name suffixed `@base64`.
 */
export function groupPath(key: GroupingKey): string {
  const segments = [['job', key.job] as const, ...key.labels].map(([name, value]) =>
    value.includes('/') || value === '' ? `${name}@base64/${base64Url(value)}` : `${name}/${encodeURIComponent(value)}`,
  );
  return `/metrics/${segments.join('/')}`;
}

export function withLabel(key: GroupingKey, label: readonly [string, string]): GroupingKey {
  return { ...key, labels: [...key.labels, label] };
}

/** RFC 4648 base64url; the Pushgateway reads the empty value as `=`, since an empty path segment would vanish. */
function base64Url(value: string): string {
  if (value === '') return '=';
  return Buffer.from(value, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** What is wrong with a `--pushgateway` base URL, or undefined. */
export function pushgatewayUrlProblem(text: string): string | undefined {
  // `pgw:9091` parses as a URL of scheme "pgw": say what is missing instead.
  if (!text.includes('://')) return `give the scheme too: http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL; write http://HOST:PORT (the Pushgateway listens on 9091 by default)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the scheme must be http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (url.search !== '' || url.hash !== '') return 'give the base URL without a query or fragment; kubeknock adds /metrics/job/…';
  if (url.username !== '' || url.password !== '') return 'credentials in the URL would show in the process list and the CronJob; put the Pushgateway behind a proxy that adds them';
  return undefined;
}
