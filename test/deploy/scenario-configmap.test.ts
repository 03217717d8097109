import { describe, expect, it } from 'vitest';
import { MAX_DATA_BYTES, buildScenarioConfigMap, scenarioKeys } from '../../src/deploy/scenario-configmap.js';

describe('scenarioKeys', () => {
  it('keys are the file names, in order', () => {
    expect(scenarioKeys([{ file: 'a/one.yaml', text: '' }, { file: '/abs/two.yml', text: '' }])).toEqual({ ok: true, keys: ['one.yaml', 'two.yml'] });
  });

  it.each([
    {
      name: 'two files with one name: the second is named with the first',
      files: ['a/x.yaml', 'b/x.yaml'],
      issues: [{ file: 'b/x.yaml', message: 'has the same file name as a/x.yaml; the ConfigMap holds files by name, so rename one of them' }],
    },
    {
      name: 'a name that cannot be a key',
      files: ['a/my scenario.yaml'],
      issues: [{ file: 'a/my scenario.yaml', message: 'the file name "my scenario.yaml" cannot be a ConfigMap key (letters, digits, "-", "_", "." only): rename the file' }],
    },
  ])('$name', ({ files, issues }) => {
    const result = scenarioKeys(files.map((file) => ({ file, text: 'x' })));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map(({ file, message }) => ({ file, message }))).toEqual(issues);
  });

  it('more text than a ConfigMap holds is refused', () => {
    const big = 'x'.repeat(MAX_DATA_BYTES / 2 + 1);
    const result = scenarioKeys([{ file: 'a.yaml', text: big }, { file: 'b.yaml', text: big }]);
    expect(result.ok ? 'accepted' : result.issues[0]?.message).toContain('more than a ConfigMap holds');
    expect(scenarioKeys([{ file: 'a.yaml', text: big }]).ok).toBe(true);
  });
});

describe('buildScenarioConfigMap', () => {
  it('holds each text under its key, named after the audit', () => {
    const map = buildScenarioConfigMap({ name: 'audit', namespace: 'kk' }, [{ key: 'a.yaml', text: 'kind: Scenario\n' }]);
    expect(map).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'audit-scenarios', namespace: 'kk' }, data: { 'a.yaml': 'kind: Scenario\n' } });
  });
});
