/**
 * Checks a CronJob schedule the way the CronJob controller parses it (standard five fields, or a
 * descriptor such as @hourly), so a typo fails here with the field named instead of at apply time.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** `?` means "any" in the two day fields only. */
  readonly question?: boolean;
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], question: true },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Undefined when the schedule is valid; otherwise what is wrong with it. */
export function scheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) return `a time zone inside the schedule (${JSON.stringify(text)}) is refused by Kubernetes; use --timezone`;
  if (text.startsWith('@')) return DESCRIPTORS.includes(text) ? undefined : `unknown descriptor "${text}" (known: ${DESCRIPTORS.join(', ')})`;
  const parts = text.split(/\s+/);
  if (parts.length !== FIELDS.length) return `needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}: "${text}"`;
  for (const [index, field] of FIELDS.entries()) {
    const problem = fieldProblem(parts[index] ?? '', field);
    if (problem) return `${field.name} field "${parts[index] ?? ''}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  for (const item of text.split(',')) {
    const match = /^([^/]+)(?:\/(.*))?$/.exec(item);
    const [, range = '', step] = match ?? [];
    if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) return `the step ${JSON.stringify(step)} after "/" must be a whole number of at least 1`;
    if (range === '*' || (range === '?' && field.question)) continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `"${range}" is not a value or a range`;
    const values = bounds.map((bound) => valueOf(bound, field));
    const bad = bounds.find((_bound, i) => values[i] === undefined);
    if (bad !== undefined) return `"${bad}" is not ${field.names ? 'a name or ' : ''}a number from ${field.min} to ${field.max}`;
    const [low = 0, high = low] = values as number[];
    if (low > high) return `the range "${range}" runs backwards`;
  }
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}

/** Undefined when the runtime knows the IANA zone; the API server checks it again against its own tzdata. */
export function timeZoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `unknown time zone "${zone}"; use an IANA name such as Europe/Berlin or Etc/UTC`;
  }
}
