/**
 * Array helpers that stay within the call stack whatever the input size. `target.push(...items)` and
 * `Math.max(...values)` pass every element as an argument, and V8 throws "Maximum call stack size
 * exceeded" somewhere past 100,000 of them: a manifest of 150,000 empty documents was enough.
 */

/** Appends every item to `target`, one at a time. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest value, or `empty` for none. */
export function maxOf(values: Iterable<number>, empty = -Infinity): number {
  let max = empty;
  let any = false;
  for (const value of values) {
    max = any ? Math.max(max, value) : value;
    any = true;
  }
  return any ? max : empty;
}
