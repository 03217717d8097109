/** Discovery: decoded objects → workload identities → a scenario plan (pure: no fs, network or clock). */
export { findWorkloads, identityKey } from './find-workloads.js';
export { actorNames } from './names.js';
export { buildEngine, type DiscoveryEngine } from './engine.js';
export { computeClasses, type ClassAssignment } from './classes.js';
export { planDiscovery, describeTarget, type DiscoveryPlan, type PlannedActor, type PlannedCheck, type PlannedTarget, type PlanOptions } from './plan.js';
export { coveredPairs, type CoveredPair } from './coverage.js';
export { renderScenarioYaml, type RenderContext } from './render-yaml.js';
export { planSummary } from './summary.js';
export { parseLabelSelector } from './parse-selector.js';
export type * from './types.js';
