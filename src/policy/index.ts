/** The NetworkPolicy engine: pure (no fs, network or clock). Decode → compile → judge, explain, lint. */
export * from './types.js';
export type { CompiledInventory, CompiledPod, Direction } from './compiled.js';
export type { DirectionVerdict, Explanation, Judgement, PolicyRef, RuleMatch, RuleMiss, TierRuleRef, Verdict } from './explanation.js';
export { compileInventory, withExtraPods } from './compile.js';
export { explainConnection, resolveEndpoint, type ConnectionQuery, type Endpoint } from './evaluate.js';
export { computeMatrix, matrixCell, type MatrixCell, type PolicyMatrix } from './matrix.js';
export { READ_KINDS, decodeObjects, toInputIssue, type DecodeIssue, type DecodeResult, type FieldPath, type RawObject, type SkippedObject } from './decode/index.js';
export { lintPolicies, LINT_RULES, type LintFinding, type LintRule } from './lint/index.js';
export { admittingWithin, directionAllowsWithin, isolatedWithin, isolatingWithin, type PolicySet } from './policy-set.js';
export { addPods, judgeConnection, judgeWithPods, UnknownEndpointError, type ExtraPod, type PolicyQuery } from './runner-query.js';
export { describeSelector } from './label-selector.js';
export { describePortEntry } from './port-matcher.js';
export { DNS_LABELS, DNS_NAMESPACE, DNS_STAND_IN, dnsStandIn, isClusterDns } from './cluster-dns.js';
