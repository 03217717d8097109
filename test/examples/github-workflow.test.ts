/**
 * The example GitHub Actions workflow (examples/github-actions/kubeknock-nightly.yml): every YAML file under
 * examples/ parses strictly, and the workflow has the shape users rely on. Every kubeknock flag it uses must
 * exist in the built CLI (dist/, from `npm run build`). Each check returns its problems, and each is also
 * run on a broken copy of the workflow, to prove it can fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(REPO, 'examples');
const WORKFLOW_FILE = join(EXAMPLES, 'github-actions', 'kubeknock-nightly.yml');
const CLI_ENTRY = join(REPO, 'dist', 'cli', 'entry.js');

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);
const dict = (value: unknown): Dict => (isDict(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// ---------------------------------------------------------------------------------------------------------------
// Strict YAML

interface Parsed {
  readonly values: unknown[];
  readonly problems: string[];
}

/** Every document of a YAML stream, with every error and warning as a problem (unique keys, strict mode). */
function parseStrict(text: string, name: string): Parsed {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true, strict: true });
  const problems: string[] = [];
  const values: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    for (const error of doc.errors) problems.push(`${name}: error: ${error.message}`);
    for (const warning of doc.warnings) problems.push(`${name}: warning: ${warning.message}`);
    values.push(doc.toJS());
  }
  if (values.length === 0) problems.push(`${name}: no YAML document`);
  return { values, problems };
}

function yamlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function loadWorkflow(text: string): Dict {
  const { values, problems } = parseStrict(text, 'workflow');
  if (problems.length > 0 || values.length !== 1) throw new Error(`workflow does not parse:\n${problems.join('\n')}`);
  return dict(values[0]);
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow access

interface Step {
  readonly job: string;
  readonly index: number;
  readonly step: Dict;
  /** workflow env, then job env, then step env. */
  readonly env: Record<string, string>;
}

function envOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, val] of Object.entries(dict(value))) out[key] = String(val);
  return out;
}

function stepsOf(workflow: Dict): Step[] {
  const out: Step[] = [];
  for (const [job, body] of Object.entries(dict(workflow['jobs']))) {
    list(dict(body)['steps']).forEach((step, index) => {
      out.push({
        job,
        index,
        step: dict(step),
        env: { ...envOf(workflow['env']), ...envOf(dict(body)['env']), ...envOf(dict(step)['env']) },
      });
    });
  }
  return out;
}

const stepName = (s: Step): string => `jobs.${s.job}.steps[${s.index}]${str(s.step['name']) ? ` (${str(s.step['name'])})` : ''}`;

/** Replaces `${{ env.X }}` expressions with the workflow's values. */
function expandExpressions(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (whole, name: string) => env[name] ?? whole);
}

/** Replaces `$X` / `${X}` with env values and with simple `name="value"` assignments made earlier in the script. */
function expandShell(script: string, env: Record<string, string>): string {
  const vars: Record<string, string> = { ...env };
  const expand = (line: string): string =>
    line.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => vars[braced ?? bare ?? ''] ?? whole);
  return script
    .split('\n')
    .map((line) => {
      const expanded = expand(line);
      const assignment = /^\s*(\w+)=(?:"([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(expanded);
      if (assignment?.[1]) vars[assignment[1]] = assignment[2] ?? assignment[3] ?? assignment[4] ?? '';
      return expanded;
    })
    .join('\n');
}

/** Shell words of a line (quotes kept off), roughly as bash splits them. */
function words(line: string): string[] {
  return (line.match(/"[^"]*"|'[^']*'|[^\s"']+(?:"[^"]*"[^\s"']*)*/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
}

const SHELL_OPERATOR = /^(\|\||&&|\||;|>>?|2>>?|2>&1|<|&)$/;

interface Invocation {
  readonly where: string;
  readonly line: string;
  /** First non-flag argument after `kubeknock` (undefined for `kubeknock --version`). */
  readonly command: string | undefined;
  readonly args: string[];
  /** Everything on the line after the command's arguments (`|| code=$?`, redirections). */
  readonly rest: string[];
}

/** Every `kubeknock ...` command in the run scripts (not `npm install kubeknock@...`). */
function kubeknockInvocations(workflow: Dict): Invocation[] {
  const out: Invocation[] = [];
  for (const s of stepsOf(workflow)) {
    const run = str(s.step['run']);
    if (run === undefined) continue;
    for (const line of run.replace(/\\\n/g, ' ').split('\n')) {
      const w = words(line.trim());
      w.forEach((word, i) => {
        const previous = w[i - 1];
        if (word !== 'kubeknock' || !(previous === undefined || SHELL_OPERATOR.test(previous) || previous === 'then' || previous === 'do')) return;
        const tail = w.slice(i + 1);
        const end = tail.findIndex((t) => SHELL_OPERATOR.test(t));
        const args = end === -1 ? tail : tail.slice(0, end);
        const first = args[0];
        out.push({
          where: stepName(s),
          line: line.trim(),
          command: first !== undefined && !first.startsWith('-') ? first : undefined,
          args,
          rest: end === -1 ? [] : tail.slice(end),
        });
      });
    }
  }
  return out;
}

function flagsOf(args: readonly string[]): string[] {
  return args.filter((a) => /^-{1,2}[a-zA-Z]/.test(a)).map((a) => a.split('=')[0] ?? a);
}

function flagValue(args: readonly string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    for (const name of names) {
      if (arg === name) return args[i + 1];
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks: each returns its problems (empty when the workflow is right)

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** POSIX cron as GitHub reads it: 5 fields, each `*`, numbers, ranges, lists and steps within bounds. */
function cronProblems(cron: string): string[] {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return [`cron "${cron}" has ${fields.length} fields, not 5`];
  const problems: string[] = [];
  fields.forEach((field, i) => {
    const spec = CRON_FIELDS[i];
    if (!spec) return;
    const value = (text: string): number | undefined => {
      const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
      if (named >= 0) return named + spec.min;
      return /^\d+$/.test(text) ? Number(text) : undefined;
    };
    for (const part of field.split(',')) {
      const m = /^(\*|[\w]+(?:-[\w]+)?)(?:\/(\d+))?$/.exec(part);
      if (!m?.[1]) {
        problems.push(`cron ${spec.name} "${part}" is not valid`);
        continue;
      }
      if (m[2] !== undefined && Number(m[2]) < 1) problems.push(`cron ${spec.name} step "${m[2]}" must be at least 1`);
      if (m[1] === '*') continue;
      const [lo, hi] = m[1].split('-').map(value);
      for (const n of [lo, ...(m[1].includes('-') ? [hi] : [])]) {
        if (n === undefined || n < spec.min || n > spec.max) problems.push(`cron ${spec.name} "${part}" is outside ${spec.min}-${spec.max}`);
      }
      if (lo !== undefined && hi !== undefined && lo > hi) problems.push(`cron ${spec.name} range "${part}" runs backwards`);
    }
  });
  return problems;
}

function triggerProblems(workflow: Dict): string[] {
  const on = workflow['on'];
  if (!isDict(on)) return ['"on" must be a mapping with schedule and workflow_dispatch'];
  const problems: string[] = [];
  const schedule = list(on['schedule']);
  if (schedule.length === 0) problems.push('on.schedule has no entries');
  for (const entry of schedule) {
    const cron = str(dict(entry)['cron']);
    if (cron === undefined) problems.push('on.schedule entry has no cron string');
    else problems.push(...cronProblems(cron));
  }
  if (!('workflow_dispatch' in on)) problems.push('on.workflow_dispatch is missing');
  return problems;
}

function jobProblems(workflow: Dict): string[] {
  const jobs = Object.entries(dict(workflow['jobs']));
  if (jobs.length === 0) return ['no jobs'];
  const problems: string[] = [];
  for (const [name, body] of jobs) {
    const job = dict(body);
    if (!str(job['runs-on']) && list(job['runs-on']).length === 0) problems.push(`jobs.${name} has no runs-on`);
    const steps = list(job['steps']);
    if (steps.length === 0) problems.push(`jobs.${name} has no steps`);
    steps.forEach((step, i) => {
      const s = dict(step);
      if (str(s['uses']) === undefined && str(s['run']) === undefined) problems.push(`jobs.${name}.steps[${i}] has neither uses nor run`);
    });
  }
  return problems;
}

/** `owner/repo[/path]@vN[.N[.N]]` or a full commit SHA: never a branch. */
function pinProblems(workflow: Dict): string[] {
  return stepsOf(workflow)
    .map((s) => ({ s, uses: str(s.step['uses']) }))
    .filter((x): x is { s: Step; uses: string } => x.uses !== undefined)
    .filter(({ uses }) => !/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(uses))
    .map(({ s, uses }) => `${stepName(s)} uses "${uses}", which is not pinned to a version tag or commit SHA`);
}

interface KindSetup {
  readonly problems: string[];
  readonly podSubnet?: string;
}

/** The kind-action step pins kind and its node image, and its config (a heredoc in an earlier step) disables the default CNI. */
function kindSetup(workflow: Dict): KindSetup {
  const steps = stepsOf(workflow);
  const kind = steps.find((s) => str(s.step['uses'])?.startsWith('helm/kind-action@'));
  if (!kind) return { problems: ['no helm/kind-action step'] };
  const problems: string[] = [];
  const inputs = dict(kind.step['with']);
  const version = str(inputs['version']);
  if (!version || !/^v\d+\.\d+\.\d+$/.test(version)) problems.push(`kind-action version "${version}" is not a pinned kind release (vX.Y.Z)`);
  const image = str(inputs['node_image']);
  if (!image || !/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/.test(image)) problems.push(`kind-action node_image "${image}" is not kindest/node:vX.Y.Z@sha256:<digest>`);
  const config = str(inputs['config']);
  if (!config) return { problems: [...problems, 'kind-action has no config input'] };

  let configText: string | undefined;
  for (const s of steps.slice(0, steps.indexOf(kind))) {
    for (const m of (str(s.step['run']) ?? '').matchAll(/cat\s*>\s*"?([^"\s]+)"?\s*<<-?\s*'?(\w+)'?\n([\s\S]*?)\n\2(?:\n|$)/g)) {
      if (m[1] && basename(m[1]) === basename(config)) configText = m[3];
    }
  }
  if (configText === undefined) return { problems: [...problems, `no earlier step writes the kind config ${basename(config)} with a heredoc`] };

  const parsed = parseStrict(configText, 'kind config');
  problems.push(...parsed.problems);
  const cfg = dict(parsed.values[0]);
  if (cfg['kind'] !== 'Cluster' || cfg['apiVersion'] !== 'kind.x-k8s.io/v1alpha4') problems.push('kind config is not a kind.x-k8s.io/v1alpha4 Cluster');
  const networking = dict(cfg['networking']);
  if (networking['disableDefaultCNI'] !== true) problems.push('kind config does not set networking.disableDefaultCNI: true');
  const podSubnet = str(networking['podSubnet']);
  if (!podSubnet || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(podSubnet)) problems.push(`kind config podSubnet "${podSubnet}" is not an IPv4 CIDR`);
  return podSubnet ? { problems, podSubnet } : { problems };
}

const CALICO_MANIFEST = /https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/([^/\s"']+)\/manifests\/([\w.-]+\.yaml)/g;

/** Calico comes from pinned release manifests (operator or calico.yaml), with timed waits for Calico and CoreDNS. */
function calicoProblems(workflow: Dict, podSubnet: string | undefined): string[] {
  const problems: string[] = [];
  const manifests: Array<{ version: string; file: string }> = [];
  let scripts = '';
  for (const s of stepsOf(workflow)) {
    const run = str(s.step['run']);
    if (run === undefined) continue;
    const expanded = expandShell(run, s.env);
    scripts += `${expanded}\n`;
    for (const line of expanded.split('\n')) {
      if (!/\bkubectl\s+(create|apply|replace)\b/.test(line)) continue;
      for (const m of line.matchAll(CALICO_MANIFEST)) manifests.push({ version: m[1] ?? '', file: m[2] ?? '' });
    }
  }
  if (manifests.length === 0) return ['no kubectl create/apply of a projectcalico/calico release manifest'];
  for (const { version, file } of manifests) {
    if (!/^v\d+\.\d+\.\d+$/.test(version)) problems.push(`Calico manifest ${file} is taken from "${version}", not a pinned release vX.Y.Z`);
  }
  if (new Set(manifests.map((m) => m.version)).size > 1) problems.push('Calico manifests come from different versions');
  const files = new Set(manifests.map((m) => m.file));
  const operator = files.has('tigera-operator.yaml') && files.has('custom-resources.yaml');
  if (!operator && !files.has('calico.yaml')) problems.push('neither tigera-operator.yaml + custom-resources.yaml nor calico.yaml is applied');
  // The stock custom-resources.yaml gives pods 192.168.0.0/16; kind must hand out the same range.
  if (operator && podSubnet !== undefined && podSubnet !== '192.168.0.0/16') problems.push(`kind podSubnet ${podSubnet} differs from the 192.168.0.0/16 of Calico's custom-resources.yaml`);

  const waits = scripts.split('\n').filter((l) => /\bkubectl\b.*\b(wait|rollout\s+status)\b/.test(l));
  const timed = (pattern: RegExp): boolean => waits.some((l) => pattern.test(l) && /--timeout[= ]\d+[smh]/.test(l));
  if (!timed(/calico|tigerastatus/)) problems.push('no kubectl wait / rollout status with --timeout for Calico');
  if (!timed(/coredns|kube-dns/)) problems.push('no kubectl wait / rollout status with --timeout for CoreDNS');
  return problems;
}

/** Every `kubeknock run` writes a JUnit report, and a failing run does not stop the loop (`|| code=$?`). */
function reportProblems(workflow: Dict): { problems: string[]; reportPaths: string[] } {
  const runs = kubeknockInvocations(workflow).filter((i) => i.command === 'run');
  if (runs.length === 0) return { problems: ['no "kubeknock run" in any run script'], reportPaths: [] };
  const problems: string[] = [];
  const reportPaths: string[] = [];
  for (const run of runs) {
    const report = flagValue(run.args, '--report');
    const format = flagValue(run.args, '--report-format');
    if (report === undefined) problems.push(`${run.where}: "${run.line}" writes no --report`);
    else if (!(format === 'junit' || (format === undefined && report.endsWith('.xml')))) problems.push(`${run.where}: --report ${report} is not a JUnit (.xml) report`);
    else reportPaths.push(report);
    if (!run.rest.includes('||')) problems.push(`${run.where}: "${run.line}" stops the script at the first failed scenario (no "||")`);
  }
  return { problems, reportPaths };
}

/** The upload-artifact step runs `if: always()` and uploads the directory the JUnit reports go to. */
function uploadProblems(workflow: Dict, reportPaths: readonly string[]): string[] {
  const env = envOf(workflow['env']);
  const upload = stepsOf(workflow).find((s) => str(s.step['uses'])?.startsWith('actions/upload-artifact@'));
  if (!upload) return ['no actions/upload-artifact step'];
  const problems: string[] = [];
  const condition = str(upload.step['if']) ?? '';
  if (!/\balways\(\)/.test(condition)) problems.push(`upload-artifact runs "if: ${condition}", not if: always()`);
  const paths = expandExpressions(str(dict(upload.step['with'])['path']) ?? '', env)
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  if (paths.length === 0) problems.push('upload-artifact has no path');
  for (const report of reportPaths) {
    const dir = posix.dirname(expandShell(report, env));
    const covered = paths.some((p) => p === dir || p === `${dir}/` || (p.startsWith(`${dir}/`) && /(\*|\.xml)$/.test(p)));
    if (!covered) problems.push(`upload-artifact path ${JSON.stringify(paths)} does not cover the reports in ${dir}/`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI's own flags, from its --help

interface CliHelp {
  readonly commands: Set<string>;
  readonly globalFlags: Set<string>;
  readonly flags: Map<string, Set<string>>;
}

function help(args: readonly string[]): string {
  return execFileSync(process.execPath, [CLI_ENTRY, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

/** The flags an `Options:` section lists in its left column: `-o, --output` or `--report`. */
function helpFlags(text: string): Set<string> {
  const flags = new Set<string>();
  const options = text.split(/^Options:\s*$/m)[1] ?? '';
  for (const line of options.split('\n')) {
    const m = /^\s+(?:(-[a-zA-Z]),\s+)?(--[a-zA-Z][\w-]*)/.exec(line);
    if (m?.[1]) flags.add(m[1]);
    if (m?.[2]) flags.add(m[2]);
  }
  return flags;
}

function readCliHelp(commands: readonly string[]): CliHelp {
  const top = help(['--help']);
  const known = new Set([...top.matchAll(/^\s+kubeknock (\w+)/gm)].map((m) => m[1] ?? ''));
  const flags = new Map<string, Set<string>>();
  for (const command of commands) if (known.has(command)) flags.set(command, helpFlags(help([command, '--help'])));
  return { commands: known, globalFlags: helpFlags(top), flags };
}

function flagProblems(workflow: Dict, cli: CliHelp): string[] {
  const problems: string[] = [];
  for (const call of kubeknockInvocations(workflow)) {
    if (call.command !== undefined && !cli.commands.has(call.command)) {
      problems.push(`${call.where}: "kubeknock ${call.command}" is not a kubeknock command`);
      continue;
    }
    const allowed = call.command === undefined ? cli.globalFlags : (cli.flags.get(call.command) ?? new Set<string>());
    for (const flag of flagsOf(call.args)) {
      if (!allowed.has(flag)) problems.push(`${call.where}: kubeknock ${call.command ?? ''} has no flag ${flag}`.replace('  ', ' '));
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------

const workflowText = readFileSync(WORKFLOW_FILE, 'utf8');
const workflow = loadWorkflow(workflowText);
/** The workflow with one textual change; the change must apply. */
const broken = (from: string | RegExp, to: string): Dict => {
  const text = workflowText.replace(from, to);
  if (text === workflowText) throw new Error(`mutation ${String(from)} did not apply`);
  return loadWorkflow(text);
};

describe('examples/: every YAML file parses strictly', () => {
  const files = yamlFilesUnder(EXAMPLES);

  it('finds the nightly workflow among them', () => {
    expect(files).toContain(WORKFLOW_FILE);
  });

  it.each(files.map((f) => [relative(REPO, f), f] as const))('%s has no YAML error or warning', (_name, file) => {
    expect(parseStrict(readFileSync(file, 'utf8'), relative(REPO, file)).problems).toEqual([]);
  });

  it('the strict parse rejects duplicate keys and YAML errors', () => {
    expect(parseStrict('a: 1\na: 2\n', 'dup.yml').problems.join('\n')).toMatch(/unique/i);
    expect(parseStrict('a: [1, 2\n', 'bad.yml').problems).not.toEqual([]);
  });
});

describe('examples/github-actions/kubeknock-nightly.yml', () => {
  it('runs nightly on a valid 5-field cron, and on demand', () => {
    expect(triggerProblems(workflow)).toEqual([]);
    expect(triggerProblems(broken('"17 3 * * *"', '"17 3 * *"'))).toEqual(['cron "17 3 * *" has 4 fields, not 5']);
    expect(triggerProblems(broken('"17 3 * * *"', '"17 24 * * *"'))).toEqual(['cron hour "24" is outside 0-23']);
    expect(triggerProblems(broken(/^ {2}workflow_dispatch:\n/m, ''))).toEqual(['on.workflow_dispatch is missing']);
  });

  it('validates cron fields like GitHub', () => {
    for (const ok of ['0 0 * * *', '*/15 1-5 1,15 JAN-MAR MON-FRI', '30 2 * * 0']) expect(cronProblems(ok), ok).toEqual([]);
    for (const bad of ['60 0 * * *', '0 0 0 * *', '0 0 * 13 *', '0 0 * * 7', '0 0 * * * *', '5-1 * * * *', '*/0 * * * *', '@nightly']) {
      expect(cronProblems(bad), bad).not.toEqual([]);
    }
  });

  it('every job has runs-on and steps', () => {
    expect(jobProblems(workflow)).toEqual([]);
    expect(jobProblems(broken('runs-on: ubuntu-latest', 'name: audit'))).toEqual(['jobs.audit has no runs-on']);
  });

  it('pins every action to a version tag or commit SHA', () => {
    const uses = stepsOf(workflow).map((s) => str(s.step['uses'])).filter(Boolean);
    expect(uses.length).toBeGreaterThanOrEqual(4);
    expect(pinProblems(workflow)).toEqual([]);
    expect(pinProblems(broken('actions/checkout@v4', 'actions/checkout@main'))).toEqual([
      'jobs.audit.steps[0] uses "actions/checkout@main", which is not pinned to a version tag or commit SHA',
    ]);
    expect(pinProblems(broken('actions/checkout@v4', `actions/checkout@${'a'.repeat(40)}`))).toEqual([]);
  });

  it('creates kind with a pinned release and node image, and a config that disables the default CNI', () => {
    expect(kindSetup(workflow)).toEqual({ problems: [], podSubnet: '192.168.0.0/16' });
    expect(kindSetup(broken('disableDefaultCNI: true', 'disableDefaultCNI: false')).problems).toEqual([
      'kind config does not set networking.disableDefaultCNI: true',
    ]);
    expect(kindSetup(broken('version: v0.30.0', 'version: latest')).problems).toEqual(['kind-action version "latest" is not a pinned kind release (vX.Y.Z)']);
    expect(kindSetup(broken(/kindest\/node:v1\.34\.0@sha256:[0-9a-f]+/, 'kindest/node:v1.34.0')).problems).toEqual([
      'kind-action node_image "kindest/node:v1.34.0" is not kindest/node:vX.Y.Z@sha256:<digest>',
    ]);
    expect(kindSetup(broken('kind-calico.yaml\n', 'kind-other.yaml\n')).problems).toEqual(['no earlier step writes the kind config kind-other.yaml with a heredoc']);
    expect(kindSetup(broken(/^( *)podSubnet: 192\.168\.0\.0\/16\n/m, '$1podSubnet: 192.168.0.0/16\n$1podSubnet: 10.0.0.0/8\n')).problems.join('\n')).toMatch(/unique/i);
  });

  it('installs Calico from pinned release manifests and waits for Calico and CoreDNS with timeouts', () => {
    const { podSubnet } = kindSetup(workflow);
    expect(calicoProblems(workflow, podSubnet)).toEqual([]);
    expect(calicoProblems(broken('CALICO_VERSION: v3.31.2', 'CALICO_VERSION: master'), podSubnet)).toEqual([
      'Calico manifest operator-crds.yaml is taken from "master", not a pinned release vX.Y.Z',
      'Calico manifest tigera-operator.yaml is taken from "master", not a pinned release vX.Y.Z',
      'Calico manifest custom-resources.yaml is taken from "master", not a pinned release vX.Y.Z',
    ]);
    expect(calicoProblems(broken(/^.*"\$base\/custom-resources\.yaml"\n/m, ''), podSubnet)).toEqual([
      'neither tigera-operator.yaml + custom-resources.yaml nor calico.yaml is applied',
    ]);
    expect(calicoProblems(workflow, '10.244.0.0/16')).toEqual([
      "kind podSubnet 10.244.0.0/16 differs from the 192.168.0.0/16 of Calico's custom-resources.yaml",
    ]);
    expect(calicoProblems(broken('deployment/coredns --timeout=300s', 'deployment/coredns'), podSubnet)).toEqual([
      'no kubectl wait / rollout status with --timeout for CoreDNS',
    ]);
    expect(calicoProblems(broken(/^.*tigerastatus\/calico --timeout.*\n.*daemonset\/calico-node.*\n/m, ''), podSubnet)).toEqual([
      'no kubectl wait / rollout status with --timeout for Calico',
    ]);
  });

  it('runs every scenario with a JUnit (.xml) report, and keeps going after a failure', () => {
    const { problems, reportPaths } = reportProblems(workflow);
    expect(problems).toEqual([]);
    expect(reportPaths).toEqual(['$REPORTS_DIR/$name.xml']);
    expect(reportProblems(broken('/$name.xml"', '/$name.json"')).problems).toEqual([
      'jobs.audit.steps[9] (Run scenarios): --report $REPORTS_DIR/$name.json is not a JUnit (.xml) report',
    ]);
    expect(reportProblems(broken(' || code=$?', '')).problems).toEqual([
      expect.stringMatching(/stops the script at the first failed scenario/),
    ]);
  });

  it('the run script fails the job with the worst exit code after all scenarios ran', () => {
    const run = stepsOf(workflow).find((s) => str(s.step['name']) === 'Run scenarios')?.step['run'];
    expect(run).toMatch(/for file in "\$\{files\[@\]\}"; do[\s\S]*done\n\s*exit "\$worst"/);
  });

  it('uploads the reports with actions/upload-artifact if: always()', () => {
    const { reportPaths } = reportProblems(workflow);
    expect(uploadProblems(workflow, reportPaths)).toEqual([]);
    expect(uploadProblems(broken('if: always()', 'if: success()'), reportPaths)).toEqual(['upload-artifact runs "if: success()", not if: always()']);
    expect(uploadProblems(broken('path: ${{ env.REPORTS_DIR }}/*.xml', 'path: out/*.xml'), reportPaths)).toEqual([
      'upload-artifact path ["out/*.xml"] does not cover the reports in reports/',
    ]);
  });

  describe('uses only flags the built CLI has', () => {
    const built = existsSync(CLI_ENTRY);

    it('dist/ is built (npm run build)', () => {
      expect(built, `${CLI_ENTRY} is missing: run npm run build`).toBe(true);
    });

    it.runIf(built)('every kubeknock command and flag in the run scripts exists', () => {
      const calls = kubeknockInvocations(workflow);
      expect(calls.map((c) => c.command)).toEqual([undefined, 'doctor', 'run']);
      const cli = readCliHelp(['run', 'doctor']);
      expect(cli.flags.get('run')).toContain('--report');
      expect(cli.flags.get('doctor')).toContain('--namespace');
      expect(cli.globalFlags).toContain('--version');
      expect(flagProblems(workflow, cli)).toEqual([]);

      expect(flagProblems(broken('--report "$REPORTS_DIR', '--reprt "$REPORTS_DIR'), cli)).toEqual([
        'jobs.audit.steps[9] (Run scenarios): kubeknock run has no flag --reprt',
      ]);
      expect(flagProblems(broken('kubeknock doctor "$SCENARIOS_DIR"', 'kubeknock doctor --strict "$SCENARIOS_DIR"'), cli)).toEqual([
        'jobs.audit.steps[8] (kubeknock doctor): kubeknock doctor has no flag --strict',
      ]);
      expect(flagProblems(broken('kubeknock doctor "$SCENARIOS_DIR"', 'kubeknock check "$SCENARIOS_DIR"'), cli)).toEqual([
        'jobs.audit.steps[8] (kubeknock doctor): "kubeknock check" is not a kubeknock command',
      ]);
    });
  });
});
