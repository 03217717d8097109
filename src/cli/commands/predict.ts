import type { Argv } from 'yargs';
import { predict } from '../../app/predict.js';
import type { Protocol } from '../../policy/index.js';
import { htmlAssetsFor } from '../../app/html-assets.js';
import { graphOfMatrix } from '../../report/graph/from-matrix.js';
import { isPictureFormat, PICTURE_FORMATS, renderGraph, type PictureFormat } from '../../report/graph/render.js';
import { renderMatrixTable, writeMatrixJson } from '../../report/policy-matrix.js';
import { wantsColor } from '../cluster-options.js';
import { tableWidthOption, withTableWidthFlags, type TableWidthFlags } from '../table-width.js';
import { defineCommand } from './define.js';
import { checkPort, engineFamily, engineOptions, familyOption, policySource, protocolOption, withPolicySourceFlags, type PolicySourceFlags } from './policy-source.js';

interface PredictArgs extends PolicySourceFlags, TableWidthFlags {
  readonly port: number;
  readonly protocol: Protocol;
  readonly family?: 'ipv4' | 'ipv6';
  readonly output: 'table' | 'json' | PictureFormat;
}

export const predictCommandFactory = defineCommand<PredictArgs>((ctx) => ({
  command: 'predict',
  describe: 'Truth table the NetworkPolicies imply for every ordered pair of pods, on one port (no cluster needed with -f)',
  builder: (yargs: Argv<object>) =>
    withTableWidthFlags(withPolicySourceFlags(yargs))
      .option('port', { type: 'number', default: 80, describe: 'Destination port' })
      .option('protocol', protocolOption)
      .option('family', familyOption)
      .option('output', { alias: 'o', choices: ['table', 'json', ...PICTURE_FORMATS] as const, default: 'table' as const, describe: 'Output format' })
      .check((argv) => checkPort(argv.port)),
  handler: async (argv) => {
    const matrix = await predict({ source: policySource(argv, ctx.io), port: argv.port, protocol: argv.protocol, ...engineFamily(argv.family), engine: engineOptions(argv) });
    if (isPictureFormat(argv.output)) ctx.io.stdout.write(renderGraph(argv.output, graphOfMatrix(matrix), (await htmlAssetsFor([argv.output])).htmlAssets));
    else if (argv.output === 'json') writeMatrixJson(matrix, (text) => ctx.io.stdout.write(text));
    else ctx.io.stdout.write(renderMatrixTable(matrix, { color: wantsColor(ctx.io), ...tableWidthOption(argv, ctx.io) }));
  },
}));
