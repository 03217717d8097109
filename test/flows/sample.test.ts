import { describe, expect, it } from 'vitest';
import { parseSample } from '../../src/flows/sample.js';
import { capturedText } from './captured-facts.js';

const UID = '16d021df-cc23-4dad-8643-613e39d7c420';
const LISTEN = '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0';

describe('collector samples', () => {
  it('reads node, time, each pod\'s four tables and conntrack from a real capture', () => {
    const parsed = parseSample(capturedText('kk-node2.txt'));
    if (parsed.kind !== 'sample') throw new Error(parsed.reason);
    const { sample } = parsed;
    expect({ node: sample.node, time: sample.time, pods: sample.pods.map((pod) => `${pod.uid} ${pod.sockets.length}`), conntrack: sample.conntrack.kind, malformed: sample.malformed }).toEqual({
      node: 'kk-node2',
      time: 1796672884,
      pods: ['4d6469ee-053e-417e-95d3-804fea78f874 95', `${UID} 19`],
      conntrack: 'read',
      malformed: 0,
    });
  });

  it('says when conntrack could not be read, or was not printed', () => {
    const unreadable = parseSample(`# kubeknock-sample 1 node=n1 time=5\n## pod=${UID} table=tcp\n${LISTEN}\n## conntrack\n# conntrack unreadable\n`);
    expect(unreadable.kind === 'sample' && unreadable.sample.conntrack).toEqual({ kind: 'unreadable' });
    const absent = parseSample(`# kubeknock-sample 1 node=n1 time=5\n## pod=${UID} table=tcp\n${LISTEN}\n`);
    expect(absent.kind === 'sample' && absent.sample.conntrack).toEqual({ kind: 'unreadable' });
  });

  it('counts lines outside any section, unknown sections and bad table lines as malformed', () => {
    const parsed = parseSample(`# kubeknock-sample 1 node=n1 time=5\nstray\n## pod=${UID} table=sctp\nx\n## pod=${UID} table=tcp\n${LISTEN}\n   1: nonsense\n`);
    expect(parsed.kind === 'sample' && { malformed: parsed.sample.malformed, sockets: parsed.sample.pods[0]?.sockets.length }).toEqual({ malformed: 4, sockets: 1 });
  });

  it.each([
    ['no header', `## pod=${UID} table=tcp\n`, 'is not a sample header'],
    ['another format version', '# kubeknock-sample 2 node=n1 time=5\n', 'sample format 2 is not the format 1'],
    ['a time that is not a number', '# kubeknock-sample 1 node=n1 time=soon\n', 'is not a sample header'],
  ])('refuses %s', (_name, text, reason) => {
    const parsed = parseSample(text);
    expect(parsed.kind).toBe('refused');
    expect(parsed.kind === 'refused' && parsed.reason).toContain(reason);
  });

  it('refuses, as a value, a sample beyond the size or line limit', () => {
    const text = `# kubeknock-sample 1 node=n1 time=5\n## pod=${UID} table=tcp\n${`${LISTEN}\n`.repeat(20)}`;
    expect(parseSample(text, { maxChars: 100, maxLines: 1000 })).toEqual({ kind: 'refused', reason: `sample is ${text.length} characters, more than the limit of 100` });
    expect(parseSample(text, { maxChars: 1_000_000, maxLines: 10 })).toEqual({ kind: 'refused', reason: 'sample has 23 lines, more than the limit of 10' });
    expect(parseSample(text).kind).toBe('sample');
  });
});
