/**
 * IPv6 and dual-stack in the policy engine: CIDR parsing in every `::` form, ipBlock and except per
 * family (an IPv6 block never matches an IPv4 address, nor an IPv4 block an IPv6 one), and a
 * dual-stack pod judged by its address of the connection's family.
 */
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../src/policy/cidr.js';
import { computeMatrix, judgeConnection, matrixCell, type PolicyQuery } from '../../src/policy/index.js';
import { compiled, inventoryOf, namespace, pod, policy } from './builders.js';

describe('IPv6 CIDR blocks', () => {
  it.each([
    ['::/0', '::', true],
    ['::/0', 'fd00:10:244:1::5', true],
    ['::/0', '10.0.0.1', false],
    ['0.0.0.0/0', 'fd00::1', false],
    ['::1/128', '::1', true],
    ['::1/128', '::2', false],
    ['fd00:10:244::/48', 'fd00:10:244:3::1', true],
    ['fd00:10:244::/48', 'fd00:10:245::1', false],
    ['fd00:10:244:1::/64', 'fd00:10:244:1:ffff:ffff:ffff:ffff', true],
    ['fd00:10:244:1::/64', 'fd00:10:244:2::', false],
    ['fd00::/8', 'fdff::1', true],
    ['fd00::/8', 'fe80::1', false],
    ['FD00:10:96::/112', 'fd00:10:96::ffff', true],
    ['fd00:10:96::/112', 'fd00:10:96::1:0', false],
    ['2001:db8::/32', '2001:0db8:0000::0001', true],
    ['::ffff:0:0/96', '::ffff:10.0.0.1', true],
    ['1::/16', '1:0:0:0:0:0:0:9', true],
    ['::8/125', '::f', true],
    ['::8/125', '::10', false],
  ])('%s contains %s: %s', (cidr, ip, inside) => {
    const block = parseCidr(cidr);
    const address = parseIp(ip);
    expect(block, `${cidr} should parse`).toBeDefined();
    expect(address, `${ip} should parse`).toBeDefined();
    expect(block && address && cidrContains(block, address), `${ip} ${inside ? 'inside' : 'outside'} ${cidr}`).toBe(inside);
  });

  it.each([['fd00::/129'], ['fd00::'], ['fd00:::/64'], ['fd00::1::/64'], ['fd00::/-1'], ['fd00::/6 4'], ['[fd00::]/64']])('refuses %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('masks the host bits of an IPv6 block, as the API server keeps them', () => {
    expect(parseCidr('fd00:10:244:1::5/64')?.base).toBe(parseIp('fd00:10:244:1::')?.value);
  });
});

/** web (dual-stack) may send to 203.0.113.0/24 and to fd00:beef::/32 except fd00:beef:dead::/48. */
const EGRESS = policy('apps/web-egress', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Egress'],
  egress: [
    { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] },
    { to: [{ ipBlock: { cidr: 'fd00:beef::/32', except: ['fd00:beef:dead::/48'] } }] },
  ],
});

describe('ipBlock against addresses, per family', () => {
  const inventory = compiled([namespace('apps'), pod('apps/web', { labels: { app: 'web' }, ips: ['10.244.1.5', 'fd00:10:244:1::5'] }), EGRESS]);
  it.each([
    ['203.0.113.7', 'allow'],
    ['203.0.113.200', 'deny'],
    ['fd00:beef:1::7', 'allow'],
    ['fd00:beef:dead::7', 'deny'],
    ['fd00:beef:dead:ffff::1', 'deny'],
    ['fd00:bee0::1', 'deny'],
    // The same bits, the other family: never the IPv4 block.
    ['::ffff:203.0.113.7', 'deny'],
    ['::cb00:7107', 'deny'],
  ])('web → %s: %s', (to, verdict) => {
    expect(judgeConnection(inventory, { from: 'apps/web', to, port: 443, protocol: 'TCP' }).verdict).toBe(verdict);
  });
});

/** db admits only 10.244.1.0/24 (client's IPv4 subnet) and fd00:10:244:2::/64 (other's IPv6 subnet). */
const INGRESS = policy('apps/db-ingress', {
  podSelector: { matchLabels: { app: 'db' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24' } }, { ipBlock: { cidr: 'fd00:10:244:2::/64' } }] }],
});

describe('a dual-stack pod is judged by its address of the connection family', () => {
  const objects = [
    namespace('apps'),
    pod('apps/client', { labels: { app: 'client' }, ips: ['10.244.1.5', 'fd00:10:244:1::5'] }),
    pod('apps/other', { labels: { app: 'other' }, ips: ['10.244.2.6', 'fd00:10:244:2::6'] }),
    pod('apps/db', { labels: { app: 'db' }, ips: ['10.244.3.7', 'fd00:10:244:3::7'] }),
    INGRESS,
  ];
  const inventory = compiled(objects);
  const judge = (query: Partial<PolicyQuery>) => judgeConnection(inventory, { from: 'apps/client', to: 'apps/db', port: 5432, protocol: 'TCP', ...query }).verdict;

  it.each<[string, Partial<PolicyQuery>, string]>([
    ['client over IPv4 (its primary address, no family given)', {}, 'allow'],
    ['client over IPv4', { family: 4 }, 'allow'],
    ['client over IPv6: its IPv6 address is outside both blocks', { family: 6 }, 'deny'],
    ['other over IPv4: outside the IPv4 block', { from: 'apps/other', family: 4 }, 'deny'],
    ['other over IPv6', { from: 'apps/other', family: 6 }, 'allow'],
    ['other by its IPv6 address (the family follows the address)', { from: 'fd00:10:244:2::6' }, 'allow'],
    ['client by its IPv6 address', { from: 'fd00:10:244:1::5' }, 'deny'],
  ])('%s: %s', (_what, query, verdict) => {
    expect(judge(query)).toBe(verdict);
  });

  it('names the ipBlock that admitted the IPv6 connection', () => {
    const explanation = judgeConnection(inventory, { from: 'apps/other', to: 'apps/db', port: 5432, protocol: 'TCP', family: 6 });
    expect(explanation.ingress).toMatchObject({ kind: 'allowed', allowedBy: [{ peer: 'from[1]' }] });
  });

  it('knows a pod by any of its addresses', () => {
    expect(inventory.podsByIp.get('fd00:10:244:3::7')?.key).toBe('apps/db');
    expect(inventory.podsByIp.get('10.244.3.7')?.key).toBe('apps/db');
  });

  it('reads status.podIPs, the primary first', () => {
    expect(inventoryOf(objects).pods.find((p) => p.name === 'db')).toMatchObject({ ip: '10.244.3.7', ips: ['10.244.3.7', 'fd00:10:244:3::7'] });
  });

  it('predicts per family', () => {
    const row = (family?: 4 | 6) => {
      const matrix = computeMatrix(inventory, 5432, 'TCP', family);
      const db = matrix.pods.indexOf('apps/db');
      return ['apps/client', 'apps/other'].map((from) => matrixCell(matrix, matrix.pods.indexOf(from), db).verdict);
    };
    expect(row()).toEqual(['allow', 'deny']);
    expect(row(4)).toEqual(['allow', 'deny']);
    expect(row(6)).toEqual(['deny', 'allow']);
  });

  it('a single-stack pod has no address of the other family: an ipBlock never matches it there', () => {
    const single = compiled([namespace('apps'), pod('apps/client', { labels: { app: 'client' }, ip: '10.244.1.5' }), pod('apps/db', { labels: { app: 'db' }, ip: '10.244.3.7' }), INGRESS]);
    expect(judgeConnection(single, { from: 'apps/client', to: 'apps/db', port: 5432, protocol: 'TCP', family: 6 }).verdict).toBe('deny');
    expect(judgeConnection(single, { from: 'apps/client', to: 'apps/db', port: 5432, protocol: 'TCP' }).verdict).toBe('allow');
  });
});
