import { describe, expect, it } from 'vitest';
import { xmlAttr, xmlAttrs, xmlText } from '../../src/report/xml.js';

describe('xml escaping', () => {
  it.each([
    ['a<b>&c', 'a&lt;b&gt;&amp;c'],
    [']]>', ']]&gt;'],
    ['bell\u0007 nul\u0000 esc\u001b', 'bell\\x07 nul\\x00 esc\\x1b'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
    ['nonchar \uffff lone \udc00 pair \ud83d\ude00', 'nonchar \\uffff lone \\udc00 pair \ud83d\ude00'],
  ])('xmlText(%j) = %j', (input, expected) => {
    expect(xmlText(input)).toBe(expected);
  });

  it('escapes both quotes and keeps whitespace in attributes as character references', () => {
    expect(xmlAttr(`"it's"\t\r\n`)).toBe('&quot;it&apos;s&quot;&#9;&#13;&#10;');
  });

  it('writes only the defined attributes, in order', () => {
    expect(xmlAttrs({ name: 'a&b', missing: undefined, tests: 3 })).toBe('name="a&amp;b" tests="3"');
  });
});
