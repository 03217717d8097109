import type { Argv } from 'yargs';
import type { Protocol } from '../../policy/index.js';
import { isPictureFormat, PICTURE_FORMATS, type PictureFormat } from '../../report/graph/picture-formats.js';
import { wantsColor } from '../cluster-options.js';
import { refuseTooNarrow, tableWidthOption, withTableWidthFlags, type TableWidthFlags } from '../table-width.js';
import { defineCommand } from './define.js';
import { checkPort, engineFamily, engineOptions, familyOption, policySource, protocolOption, withPolicySourceFlags, type PolicySourceFlags } from './policy-source.js';

const DEFAULT_PORT = 80;

interface PredictArgs extends PolicySourceFlags, TableWidthFlags {
  readonly port?: number[];
  readonly 'declared-ports': boolean;
  readonly protocol: Protocol;
  readonly family?: 'ipv4' | 'ipv6';
  readonly output: 'table' | 'json' | PictureFormat;
}

function portNumber(text: string): number {
  if (/^\s*\d+\s*$/.test(text)) return Number(text);
  throw new Error(`--port must be a whole number from 1 to 65535, or a list of them (--port 80,443) (got ${JSON.stringify(text)})`);
}

export const predictCommandFactory = defineCommand<PredictArgs>((ctx) => ({
  command: 'predict',
  describe: 'Truth tables the NetworkPolicies imply for every ordered pair of pods, one per port (no cluster needed with -f)',
  builder: (yargs: Argv<object>) =>
    withTableWidthFlags(withPolicySourceFlags(yargs))
      .option('port', {
        type: 'string',
        array: true,
        // `--port 80 --port 443` and `--port 80,443` alike; a bad entry is quoted as given.
        coerce: (values: unknown[]): number[] => values.flatMap((value) => String(value).split(',')).map(portNumber),
        describe: 'Destination port (default 80); repeat it or give a list (--port 80 --port 443, --port 80,443) for one table per port',
      })
      .option('declared-ports', { type: 'boolean', default: false, describe: 'One table per container port the pods declare, each judged towards the pods declaring it (as discover does)' })
      .option('protocol', protocolOption)
      .option('family', familyOption)
      .option('output', { alias: 'o', choices: ['table', 'json', ...PICTURE_FORMATS] as const, default: 'table' as const, describe: 'Output format' })
      .check((argv) => {
        if (argv['declared-ports'] && argv.port !== undefined) return '--declared-ports judges the ports the pods declare and --port the ports given: give one of them';
        for (const port of argv.port ?? []) {
          const problem = checkPort(port);
          if (problem !== true) return problem;
        }
        return true;
      }),
  handler: async (argv) => {
    // Loaded per command (not at start-up): --help, --version and the other commands never pay for it.
    const [{ predict }, { renderMatrixTable, writeMatricesJson }] = await Promise.all([import('../../app/predict.js'), import('../../report/policy-matrix.js')]);
    const ports = argv['declared-ports'] ? ({ type: 'declared' } as const) : ({ type: 'given', ports: argv.port ?? [DEFAULT_PORT], protocol: argv.protocol } as const);
    const matrices = await predict({ source: policySource(argv, ctx.io), ports, ...engineFamily(argv.family), engine: engineOptions(argv) });
    if (isPictureFormat(argv.output)) {
      const [{ htmlAssetsFor }, { graphOfMatrices }, { renderGraph }] = await Promise.all([
        import('../../app/html-assets.js'),
        import('../../report/graph/from-matrix.js'),
        import('../../report/graph/render.js'),
      ]);
      ctx.io.stdout.write(renderGraph(argv.output, graphOfMatrices(matrices), (await htmlAssetsFor([argv.output])).htmlAssets));
    } else if (argv.output === 'json') writeMatricesJson(matrices, (text) => ctx.io.stdout.write(text));
    else {
      const text = matrices.map((matrix) => renderMatrixTable(matrix, { color: wantsColor(ctx.io), ...tableWidthOption(argv, ctx.io) })).join('\n');
      refuseTooNarrow(text, argv);
      ctx.io.stdout.write(text);
    }
  },
}));
