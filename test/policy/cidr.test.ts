import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../src/policy/cidr.js';

describe('addresses and CIDR blocks', () => {
  it.each([
    ['10.0.0.1', true],
    ['255.255.255.255', true],
    ['256.0.0.1', false],
    ['10.0.0', false],
    ['010.0.0.1', false],
    ['::1', true],
    ['2001:db8::5', true],
    ['2001:db8:0:0:0:0:0:5', true],
    ['::ffff:10.0.0.1', true],
    ['2001:db8::5::1', false],
    ['2001:db8:0:0:0:0:0:0:5', false],
    ['gggg::1', false],
    ['1:2:3:4:5:6:7:8::9', false],
    ['pod-a', false],
  ])('%s is an address: %s', (text, valid) => {
    expect(parseIp(text) !== undefined, `${text} should ${valid ? '' : 'not '}parse`).toBe(valid);
  });

  it.each([
    ['10.0.0.0/8', '10.255.1.1', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['0.0.0.0/0', '192.0.2.1', true],
    ['192.0.2.7/32', '192.0.2.7', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['10.0.0.0/8', '::ffff:10.0.0.1', false],
  ])('%s contains %s: %s', (cidr, ip, inside) => {
    const block = parseCidr(cidr);
    const address = parseIp(ip);
    expect(block && address && cidrContains(block, address), `${ip} ${inside ? 'inside' : 'outside'} ${cidr}`).toBe(inside);
  });

  it('requires the prefix length', () => {
    expect(parseCidr('10.0.0.0'), 'a bare address is not a CIDR').toBeUndefined();
    expect(parseCidr('10.0.0.0/33'), 'prefix beyond 32').toBeUndefined();
  });
});
