import { describe, expect, it } from 'vitest';
import { singleAddressCidr } from '../../src/flows/propose/ip-block.js';
import { policyNames } from '../../src/flows/propose/names.js';

describe('propose: policy names', () => {
  it('are DNS labels of at most 63 characters, long ones kept apart by a hash, clashes numbered in order', () => {
    const long = 'a-very-long-workload-name-that-goes-on-and-on-past-the-limit';
    const names = policyNames(['Web_Front', 'dns', 'default-deny', `${long}-one`, `${long}-two`, 'web-front']);
    expect(names[0]).toBe('kubeknock-proposed-web-front');
    expect(names[1], 'the namespace-wide DNS policy keeps its name').toBe('kubeknock-proposed-dns-2');
    expect(names[2]).toBe('kubeknock-proposed-default-deny-2');
    expect(names[3]).not.toBe(names[4]);
    expect(names[5]).toBe('kubeknock-proposed-web-front-2');
    for (const name of names) expect(name, name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe('propose: an outside address as an ipBlock', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0010', '2001:db8::10/128'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['fd00:0010:0244:0001:0000:0000:0000:0002', 'fd00:10:244:1::2/128'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6/128'],
    ['::1', '::1/128'],
  ])('%s → %s', (address, cidr) => {
    expect(singleAddressCidr(address)).toBe(cidr);
  });

  it('is undefined for a name', () => {
    expect(singleAddressCidr('db.example.com')).toBeUndefined();
  });
});
