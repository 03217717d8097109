/** propose: observed flows → least-privilege NetworkPolicies as reviewed YAML (pure: no fs, network or clock). */
export { propose, NODE_FLOWS_NOTE, type ProposeOptions } from './plan.js';
export { factsOf, type ProposeFacts } from './facts.js';
export { renderNamespaceYaml, proposalFileName, type RenderContext } from './render.js';
export type * from './types.js';
