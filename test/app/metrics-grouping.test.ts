/** Issue 21: `--metrics-group` flags → the Pushgateway group path (the push itself: test/metrics/pushgateway.test.ts). */
import { describe, expect, it } from 'vitest';
import { groupPath, parseGroupingFlags } from '../../src/app/metrics/grouping.js';

describe('Pushgateway grouping key', () => {
  it.each([
    [[], '/metrics/job/kubeknock'],
    [['job=netpol-audit'], '/metrics/job/netpol-audit'],
    [['cluster=prod', 'region=eu west'], '/metrics/job/kubeknock/cluster/prod/region/eu%20west'],
    // A "/" cannot be in a path segment, and an empty segment would vanish: base64url, suffixed @base64.
    [['path=a/b'], '/metrics/job/kubeknock/path@base64/YS9i'],
    [['empty='], '/metrics/job/kubeknock/empty@base64/='],
    [['bytes=?+/'], '/metrics/job/kubeknock/bytes@base64/Pysv'],
    [['bits=a/b>'], '/metrics/job/kubeknock/bits@base64/YS9iPg=='],
    [['up=a/b?'], '/metrics/job/kubeknock/up@base64/YS9iPw=='],
    [['url=http://x/?a=1'], '/metrics/job/kubeknock/url@base64/aHR0cDovL3gvP2E9MQ=='],
  ])('%j → %s', (flags, path) => {
    const parsed = parseGroupingFlags(flags);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(groupPath(parsed.key)).toBe(path);
  });

  it('uses the URL-safe alphabet (no "+" or "/" in an encoded value)', () => {
    const parsed = parseGroupingFlags(['v=/>>?']);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(groupPath(parsed.key)).toBe('/metrics/job/kubeknock/v@base64/Lz4-Pw==');
  });

  it('lists every problem at once, each naming the flag value', () => {
    const parsed = parseGroupingFlags(['a', 'job=', '__x=1', 'from=1']);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      '--metrics-group "a": write KEY=VALUE, e.g. --metrics-group cluster=prod',
      '--metrics-group "job=": the job needs a value',
      '--metrics-group "__x=1": "__x" is no Prometheus label name (letters, digits and _, not starting with a digit or __)',
      '--metrics-group "from=1": "from" is a label of kubeknock\'s own series; pick another name',
    ]);
  });
});
