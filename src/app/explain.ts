/** explain: why one connection is allowed or denied, policy by policy and rule by rule. */
import { addPods, compileInventory, explainConnection, resolveEndpoint, type EngineOptions, type Explanation, type ExtraPod, type Protocol } from '../policy/index.js';
import { InputError, type InputIssue } from '../model/errors.js';
import { loadInventory, type PolicySource } from './policy-input.js';

export interface ExplainOptions {
  readonly source: PolicySource;
  /** `namespace/pod` or an IP address. */
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** Which address of a dual-stack pod ipBlocks see; absent: the primary one. */
  readonly family?: 4 | 6;
  readonly engine: EngineOptions;
  /** Pods to judge as if they existed (e.g. the probe pods a scenario would create), by `namespace/name`. */
  readonly extraPods: readonly ExtraPod[];
}

export async function explain(options: ExplainOptions): Promise<Explanation> {
  const base = compileInventory(await loadInventory(options.source), options.engine);
  const issues: InputIssue[] = [];
  for (const pod of options.extraPods) {
    const key = `${pod.namespace}/${pod.name}`;
    if (base.podsByKey.has(key)) issues.push({ file: '--from-labels/--to-labels', line: 0, path: '', message: `${key} is already a pod of the inventory; drop the labels flag to use it as it is` });
  }
  const compiled = addPods(base, options.extraPods);
  const resolve = (flag: 'from' | 'to') => {
    const endpoint = resolveEndpoint(compiled, options[flag]);
    if (!endpoint) {
      const known = compiled.pods.slice(0, 8).map((pod) => pod.key);
      const more = compiled.pods.length > known.length ? `, … (${compiled.pods.length} in all)` : '';
      issues.push({
        file: `--${flag}`,
        line: 0,
        path: '',
        message: `"${options[flag]}" is neither a pod of the inventory (namespace/name) nor an IP address; known pods: ${known.join(', ') || 'none'}${more} (describe a pod that does not exist yet with --${flag}-labels)`,
      });
    }
    return endpoint;
  };
  const from = resolve('from');
  const to = resolve('to');
  if (!from || !to || issues.length > 0) throw new InputError('cannot explain', issues);
  return explainConnection(compiled, { from, to, port: options.port, protocol: options.protocol, ...(options.family === undefined ? {} : { family: options.family }) });
}
