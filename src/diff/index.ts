/** Verdict diffs between policy states (pure: no fs, network or clock): diff, and the rollout planner's building blocks. */
export { diffPolicies, type DiffInput, type DiffResult, type PolicyChanges } from './diff.js';
export { unchangedAllowed, type UnchangedAllowed, type UnchangedPair } from './unchanged.js';
export { buildUniverse, type Universe, type UniverseInput } from './universe.js';
export { applyPolicies, changedPolicies, emptyState, type PolicyState } from './policy-state.js';
export { ALLOWED, EGRESS_ALLOWS, INGRESS_ALLOWS, cellsTouchedBy, judgeCell, judgeCells } from './verdicts.js';
export { compareStates, type CompareOptions } from './compare.js';
export { cellAt, protocolOf, type CellGrid } from './grid.js';
export { mergePicture, samePolicy } from './picture.js';
export type * from './types.js';
export { cellKey } from './types.js';
export { placeFlows, type CutFlow, type FlowsOnDiff, type UnplacedFlow } from './flows.js';
