/**
 * The scenario files as a ConfigMap, one key per file. Keys are file names, because the audit pod
 * mounts the ConfigMap as a directory and `kubeknock run` reports each scenario by its path.
 */
import { basename } from 'node:path';
import type { InputIssue } from '../model/errors.js';
import { metadata, type AuditIdentity, type KubeObject } from './objects.js';

export interface ScenarioFile {
  readonly file: string;
  readonly text: string;
}

/** What the API server allows as a ConfigMap key. */
const KEY = /^[-._a-zA-Z0-9]+$/;
/** A ConfigMap holds at most 1 MiB, metadata included; this leaves room for the rest. */
export const MAX_DATA_BYTES = 1_000_000;

export type KeysResult = { readonly ok: true; readonly keys: readonly string[] } | { readonly ok: false; readonly issues: readonly InputIssue[] };

/** The key of each file, in order, or every reason the files cannot share one ConfigMap. */
export function scenarioKeys(files: readonly ScenarioFile[]): KeysResult {
  const issues: InputIssue[] = [];
  const firstWithKey = new Map<string, string>();
  for (const { file } of files) {
    const key = basename(file);
    const earlier = firstWithKey.get(key);
    if (!KEY.test(key)) {
      issues.push({ file, line: 0, path: '', message: `the file name "${key}" cannot be a ConfigMap key (letters, digits, "-", "_", "." only): rename the file` });
    } else if (earlier !== undefined) {
      issues.push({ file, line: 0, path: '', message: `has the same file name as ${earlier}; the ConfigMap holds files by name, so rename one of them` });
    } else {
      firstWithKey.set(key, file);
    }
  }
  const bytes = files.reduce((sum, { text }) => sum + Buffer.byteLength(text, 'utf8'), 0);
  if (bytes > MAX_DATA_BYTES) {
    issues.push({ file: files.map((f) => f.file).join(', '), line: 0, path: '', message: `together ${bytes} bytes, more than a ConfigMap holds (${MAX_DATA_BYTES}): split them across several audits` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, keys: files.map(({ file }) => basename(file)) };
}

export function scenarioConfigMapName(identity: AuditIdentity): string {
  return `${identity.name}-scenarios`;
}

export function buildScenarioConfigMap(identity: AuditIdentity, entries: readonly { readonly key: string; readonly text: string }[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(identity, scenarioConfigMapName(identity), identity.namespace),
    data: Object.fromEntries(entries.map(({ key, text }) => [key, text])),
  };
}
