/**
 * The import direction of src/, checked by `npm test` (npm run lint:deps):
 *
 *   cli → app → {scenario, probe, policy, report, deploy} → model
 *   rollout → diff → {policy, discover}: the verdict diff and the rollout planner, pure like policy
 *
 * cluster implements the ports that probe (ClusterPort) and model (DoctorPort) define; only cli, the
 * composition root, constructs it. A rule here names the layer it protects and says why, so a failure
 * reads as the fix.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: modules that need each other belong together, or one needs a smaller shared module.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'src/model holds the shared types every layer uses: it imports nothing else of src/.',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'only-app-and-cli-use-app',
      severity: 'error',
      comment: 'src/app holds the use cases; lower layers must not reach up into it (move a shared type or port to src/model).',
      from: { path: '^src/', pathNot: '^src/(app|cli)/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'only-cli-uses-cli',
      severity: 'error',
      comment: 'src/cli is the composition root: nothing below it imports it (src/index.ts, the package entry, re-exports it).',
      from: { path: '^src/', pathNot: '^src/(cli/|index\.ts$)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cluster-only-from-the-composition-root',
      severity: 'error',
      comment: 'src/cluster implements ports; only src/cli constructs it and hands it down as the port.',
      from: { path: '^src/', pathNot: '^src/(cli|cluster)/' },
      to: { path: '^src/cluster/' },
    },
    {
      name: 'client-node-only-in-cluster',
      severity: 'error',
      comment: 'src/cluster is the only importer of @kubernetes/client-node: no client-node type crosses a port.',
      from: { path: '^src/', pathNot: '^src/cluster/' },
      to: { path: 'node_modules/@kubernetes/client-node' },
    },
    {
      name: 'pure-layers-do-no-io',
      severity: 'error',
      comment: 'model, policy, diff, rollout, flows and report are pure: no file system, network, processes or terminal spinners.',
      from: { path: '^src/(model|policy|diff|rollout|flows|report)/' },
      to: {
        dependencyTypes: ['core', 'npm'],
        path: '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads)$|node_modules/ora/',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'], exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
