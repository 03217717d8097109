/**
 * Reads `go test -json` output (test2json's event stream, one JSON object per line) into the events
 * run.sh's summary needs. Pure: the caller reads the file.
 */

/** The actions that end a test; `run`, `pause`, `cont`, `start`, `bench` and others are left out. */
export type Verdict = 'pass' | 'fail' | 'skip';

export type TestEvent =
  /** A test, subtest or (without `test`) the package ended. `seconds` is test2json's Elapsed. */
  | { readonly kind: 'end'; readonly test: string | undefined; readonly verdict: Verdict; readonly seconds: number }
  /** A line the test printed (t.Logf, the testing package's own === RUN / --- FAIL lines, panics). */
  | { readonly kind: 'output'; readonly test: string | undefined; readonly text: string };

export class EventFormatError extends Error {}

const VERDICTS: ReadonlySet<string> = new Set<Verdict>(['pass', 'fail', 'skip']);

export function parseGoTestJson(text: string, file = 'the go test -json output'): TestEvent[] {
  const events: TestEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new EventFormatError(`${where}: not a JSON object: ${line.slice(0, 80)}`);
    }
    const event = eventOf(value, where);
    if (event !== undefined) events.push(event);
  });
  return events;
}

function eventOf(value: unknown, where: string): TestEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventFormatError(`${where}: not a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const action = record['Action'];
  if (typeof action !== 'string') throw new EventFormatError(`${where}: Action is not a string`);
  const test = record['Test'];
  if (test !== undefined && typeof test !== 'string') throw new EventFormatError(`${where}: Test is not a string`);
  if (action === 'output') {
    const output = record['Output'];
    if (typeof output !== 'string') throw new EventFormatError(`${where}: an output event without an Output string`);
    return { kind: 'output', test, text: output };
  }
  if (VERDICTS.has(action)) {
    const elapsed = record['Elapsed'];
    if (elapsed !== undefined && typeof elapsed !== 'number') throw new EventFormatError(`${where}: Elapsed is not a number`);
    return { kind: 'end', test, verdict: action as Verdict, seconds: elapsed ?? 0 };
  }
  return undefined;
}
