/**
 * A fast reader for the YAML layout renderFlowsYaml writes: block mappings and sequences, one
 * `key: value` per line, values plain (`kk-node1`, `5432`), JSON-quoted or flow collections of those,
 * comments on lines of their own. The yaml package needs about 15 s for the 5 MiB of a 10,000-flow
 * file; this reads it in a fraction of a second. Anything outside that layout (anchors, tags,
 * multi-line scalars, trailing comments, duplicate keys, scalars YAML would read as something other
 * than a plain string or a whole number) gives undefined, and the caller reads the text with the full
 * YAML parser, which also locates every problem by line. Pure.
 *
 * API: `readRenderedFlowsYaml(text) → unknown | undefined`.
 */

type Value = string | number | Value[] | { [key: string]: Value };

class Unsupported extends Error {}

const PLAIN = /^[A-Za-z_][A-Za-z0-9._/-]*$/;
const NUMBER = /^(0|[1-9][0-9]{0,15})$/;
const KEYWORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null']);

interface Line {
  readonly indent: number;
  readonly text: string;
}

export function readRenderedFlowsYaml(text: string): unknown {
  try {
    const lines: Line[] = [];
    for (const raw of text.split('\n')) {
      const trimmed = raw.trimEnd();
      const body = trimmed.trimStart();
      if (body === '' || body.startsWith('#')) continue;
      if (raw.includes('\t') || body.startsWith('---') || body.startsWith('...') || body.startsWith('%')) throw new Unsupported();
      lines.push({ indent: trimmed.length - body.length, text: body });
    }
    const cursor = { at: 0 };
    const first = lines[0];
    if (first === undefined || first.indent !== 0) return undefined;
    const value = block(lines, cursor, 0);
    return cursor.at === lines.length ? value : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** The block at `indent`: a sequence when its first line starts with `- `, a mapping otherwise. */
function block(lines: readonly Line[], cursor: { at: number }, indent: number): Value {
  const first = lines[cursor.at];
  if (first === undefined || first.indent !== indent) throw new Unsupported();
  if (first.text.startsWith('- ')) {
    const items: Value[] = [];
    for (let line = lines[cursor.at]; line !== undefined && line.indent === indent && line.text.startsWith('- '); line = lines[cursor.at]) {
      const content = line.text.slice(2);
      const pair = keyValue(content);
      if (pair === undefined) {
        cursor.at += 1;
        items.push(flowValue(content));
      } else {
        // `- key: value` opens a mapping whose other keys sit two columns further in.
        items.push(mapping(lines, cursor, indent + 2, { indent: indent + 2, text: content }));
      }
    }
    return items;
  }
  return mapping(lines, cursor, indent, first);
}

function mapping(lines: readonly Line[], cursor: { at: number }, indent: number, first: Line): Value {
  const result: { [key: string]: Value } = {};
  let line: Line | undefined = first;
  while (line !== undefined && line.indent === indent) {
    const pair = keyValue(line.text);
    if (pair === undefined || Object.hasOwn(result, pair.key)) throw new Unsupported();
    cursor.at += 1;
    if (pair.rest === '') {
      const next = lines[cursor.at];
      if (next === undefined || next.indent <= indent) throw new Unsupported();
      result[pair.key] = block(lines, cursor, next.indent);
    } else {
      result[pair.key] = flowValue(pair.rest);
    }
    line = lines[cursor.at];
  }
  if (line !== undefined && line.indent > indent) throw new Unsupported();
  return result;
}

function keyValue(text: string): { key: string; rest: string } | undefined {
  const match = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*)|$)/.exec(text);
  if (!match || match[1] === undefined) return undefined;
  return { key: match[1], rest: match[2] ?? '' };
}

/** One whole value: a flow collection, a JSON string or a plain scalar, and nothing after it. */
function flowValue(text: string): Value {
  const reader = { text, at: 0 };
  const value = scalarOrCollection(reader);
  if (reader.at !== text.length) throw new Unsupported();
  return value;
}

function scalarOrCollection(reader: { text: string; at: number }): Value {
  const char = reader.text[reader.at];
  if (char === '{') {
    reader.at += 1;
    const result: { [key: string]: Value } = {};
    if (reader.text[reader.at] === '}') return (reader.at += 1), result;
    for (;;) {
      const key = token(reader, ':');
      if (typeof key !== 'string' || Object.hasOwn(result, key)) throw new Unsupported();
      if (reader.text.slice(reader.at, reader.at + 2) !== ': ') throw new Unsupported();
      reader.at += 2;
      result[key] = scalarOrCollection(reader);
      if (separator(reader, '}')) return result;
    }
  }
  if (char === '[') {
    reader.at += 1;
    const items: Value[] = [];
    if (reader.text[reader.at] === ']') return (reader.at += 1), items;
    for (;;) {
      items.push(scalarOrCollection(reader));
      if (separator(reader, ']')) return items;
    }
  }
  return token(reader, ',]}');
}

/** After an entry: `, ` goes on, the closing bracket ends the collection. */
function separator(reader: { text: string; at: number }, close: string): boolean {
  if (reader.text[reader.at] === close) return (reader.at += 1), true;
  if (reader.text.slice(reader.at, reader.at + 2) !== ', ') throw new Unsupported();
  reader.at += 2;
  return false;
}

/** A JSON-quoted string, or a plain scalar up to one of `stops` (or `: ` for a key). */
function token(reader: { text: string; at: number }, stops: string): string | number {
  if (reader.text[reader.at] === '"') {
    let end = reader.at + 1;
    while (end < reader.text.length && reader.text[end] !== '"') end += reader.text[end] === '\\' ? 2 : 1;
    if (end >= reader.text.length) throw new Unsupported();
    const quoted = reader.text.slice(reader.at, end + 1);
    reader.at = end + 1;
    // JSON escapes are YAML double-quoted escapes; YAML's extra ones (\x, \e, ...) are not JSON: the full parser reads those.
    try {
      return JSON.parse(quoted) as string;
    } catch {
      throw new Unsupported();
    }
  }
  let end = reader.at;
  while (end < reader.text.length && !stops.includes(reader.text[end] ?? '') && !(reader.text[end] === ':' && stops === ':')) end += 1;
  const plain = reader.text.slice(reader.at, end);
  reader.at = end;
  if (NUMBER.test(plain)) return Number(plain);
  if (PLAIN.test(plain) && !KEYWORDS.has(plain.toLowerCase())) return plain;
  throw new Unsupported();
}
