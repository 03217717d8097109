/**
 * The Kubernetes API's own rules for names, labels and image references (apimachinery's
 * validation package and the distribution reference grammar the kubelet parses images with), as pure
 * checks. Scenario validation, the manifest decoders and the CLI flags all use these, so whatever
 * kubeknock accepts the API server and the kubelet accept too. Each check returns a problem that quotes
 * the rejected value, or undefined.
 */
import { excerptOf } from './excerpt.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A qualified name's name part, and every non-empty label value. */
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** `"x"`: the rejected value as the user typed it, quotes and escapes included (a newline cannot forge a line), cut short. */
function quote(value: string): string {
  return excerptOf(value);
}

/** Namespaces, Service names, ports' owners: lower-case alphanumerics and '-', at most 63. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return `${quote(value)} is ${value.length} characters; at most 63 are allowed`;
  if (!DNS1123_LABEL.test(value)) return `${quote(value)} must be lower-case letters, digits and '-', starting and ending with a letter or digit`;
  return undefined;
}

/** Secret names, label-key prefixes: dot-separated DNS-1123 labels, at most 253, no trailing dot. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253) return `${quote(value)} is ${value.length} characters; at most 253 are allowed`;
  const labels = value.split('.');
  if (labels.some((label) => !DNS1123_LABEL.test(label) || label.length > 63)) {
    return `${quote(value)} must be a DNS subdomain: lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label and annotation keys, toleration and node-selector keys: `[prefix/]name`. */
export function qualifiedNameProblem(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return `key ${quote(value)} may contain at most one '/' (prefix/name)`;
  const [prefixOrName = '', maybeName] = parts;
  const name = maybeName ?? prefixOrName;
  if (maybeName !== undefined) {
    if (prefixOrName.length === 0) return `key ${quote(value)} has an empty prefix before '/'`;
    const prefix = dns1123SubdomainProblem(prefixOrName);
    if (prefix) return `key ${quote(value)}: the prefix ${quote(prefixOrName)} must be a DNS subdomain (lower-case letters, digits, '-' and '.', no trailing dot, at most 253 characters)`;
  }
  if (name.length === 0) return `key ${quote(value)} has an empty name`;
  if (name.length > 63) return `key ${quote(value)}: the name part is ${name.length} characters; at most 63 are allowed`;
  if (!QUALIFIED_NAME_PART.test(name)) return `key ${quote(value)}: the name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `value ${quote(value)} is ${value.length} characters; at most 63 are allowed`;
  if (!QUALIFIED_NAME_PART.test(value)) return `value ${quote(value)} must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

/** A label (or node-selector) pair: the key's problem or the value's. */
export function labelProblem(key: string, value: string): string | undefined {
  const keyProblem = qualifiedNameProblem(key);
  if (keyProblem) return `label ${keyProblem}`;
  const valueProblem = labelValueProblem(value);
  return valueProblem ? `label ${quote(key)}: ${valueProblem}` : undefined;
}

/** Container port names (IANA_SVC_NAME): what the kubelet and API server accept for `ports[].name`. */
export function portNameProblem(value: string): string | undefined {
  const rules = 'at most 15 lower-case letters, digits and \'-\', at least one letter, no leading, trailing or double \'-\'';
  if (value.length === 0 || value.length > 15) return `port name ${quote(value)} must be ${rules}`;
  if (!/^[-a-z0-9]+$/.test(value)) return `port name ${quote(value)} must be ${rules}`;
  if (!/[a-z]/.test(value)) return `port name ${quote(value)} needs at least one letter (all digits reads as a port number)`;
  if (value.startsWith('-') || value.endsWith('-') || value.includes('--')) return `port name ${quote(value)} must not start or end with '-' or contain '--'`;
  return undefined;
}

/*
 * The distribution reference grammar (what `docker pull`, containerd and the kubelet parse):
 *   reference := name [":" tag] ["@" digest]
 *   name      := [domain "/"] path-component ("/" path-component)*
 *   domain    := host [":" port]       (host: DNS-like components, or [IPv6])
 *   path-component := [a-z0-9]+ (separator [a-z0-9]+)*   separator := [_.] | "__" | "-"+
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := algorithm ":" hex{32,}
 * Repository paths are lower case: `BusyBox:1.36` is InvalidImageName at the kubelet.
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

export function imageReferenceProblem(value: string): string | undefined {
  const form = 'write [registry[:port]/]path[:tag][@sha256:…] with a lower-case path, e.g. docker.io/library/busybox:1.36.1';
  if (value.length === 0) return `the image must not be empty; ${form}`;
  if (value.length > 512) return `image ${quote(value.slice(0, 40))}… is ${value.length} characters; that is no image reference`;
  if (IMAGE_REFERENCE.test(value)) {
    const name = value.split('@')[0]?.replace(/:[\w][\w.-]*$/, '') ?? value;
    if (name.length > 255) return `image ${quote(value)}: the repository name is longer than 255 characters`;
    return undefined;
  }
  if (value.endsWith(':')) return `image ${quote(value)} ends with ':' and has no tag; ${form}`;
  // The path is what follows the registry (the first component, when there is a '/'); it is the part
  // that must be lower case, so say so when upper case is the only thing wrong.
  const slash = value.indexOf('/');
  const path = (slash >= 0 ? value.slice(slash + 1) : value).split(/[:@]/)[0] ?? '';
  const registry = slash >= 0 ? `${value.slice(0, slash)}/` : '';
  if (/[A-Z]/.test(path) && IMAGE_REFERENCE.test(`${registry}${value.slice(registry.length).replace(path, path.toLowerCase())}`)) {
    return `image ${quote(value)}: the repository path must be lower case; ${form}`;
  }
  return `${quote(value)} is not an image reference; ${form}`;
}

export interface TolerationInput {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

/** The API server's toleration rules; each problem names the field it is about. */
export function tolerationProblems(t: TolerationInput): { field: keyof TolerationInput; message: string }[] {
  const problems: { field: keyof TolerationInput; message: string }[] = [];
  const operator = t.operator ?? 'Equal';
  if (t.key !== undefined && t.key !== '') {
    const key = qualifiedNameProblem(t.key);
    if (key) problems.push({ field: 'key', message: key });
  } else if (operator !== 'Exists') {
    problems.push({ field: 'operator', message: `operator ${quote(operator)} needs a key; with no key the operator must be "Exists" (tolerate every taint)` });
  }
  if (operator !== 'Exists' && operator !== 'Equal') {
    problems.push({ field: 'operator', message: `operator ${quote(operator)} must be "Exists" or "Equal"` });
  } else if (operator === 'Exists' && t.value !== undefined && t.value !== '') {
    problems.push({ field: 'value', message: `value ${quote(t.value)} must be empty when the operator is "Exists"` });
  } else if (operator === 'Equal' && t.value !== undefined) {
    const value = labelValueProblem(t.value);
    if (value) problems.push({ field: 'value', message: value });
  }
  if (t.effect !== undefined && t.effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
    problems.push({ field: 'effect', message: `effect ${quote(t.effect)} must be "NoSchedule", "PreferNoSchedule" or "NoExecute"` });
  }
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
    problems.push({ field: 'tolerationSeconds', message: `tolerationSeconds ${t.tolerationSeconds} only applies to effect "NoExecute" (effect is ${t.effect === undefined ? 'not set' : quote(t.effect)})` });
  }
  return problems;
}

export interface SelectorRequirementInput {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/** One matchExpressions entry, as the API server checks it; problems name the field they are about. */
export function selectorRequirementProblems(e: SelectorRequirementInput): { field: 'key' | 'operator' | 'values'; message: string }[] {
  const problems: { field: 'key' | 'operator' | 'values'; message: string }[] = [];
  const key = qualifiedNameProblem(e.key);
  if (key) problems.push({ field: 'key', message: key });
  const values = e.values ?? [];
  switch (e.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) problems.push({ field: 'values', message: `operator ${quote(e.operator)} needs at least one value` });
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) problems.push({ field: 'values', message: `operator ${quote(e.operator)} takes no values (got ${values.map(quote).join(', ')})` });
      break;
    default:
      problems.push({ field: 'operator', message: `operator ${quote(e.operator)} must be one of "In", "NotIn", "Exists", "DoesNotExist"` });
  }
  for (const value of values) {
    const problem = labelValueProblem(value);
    if (problem) problems.push({ field: 'values', message: problem });
  }
  return problems;
}
