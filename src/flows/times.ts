/**
 * Times in flows comments: a flows window is usually minutes long, so a time of day says enough.
 *
 * API: `clock(time, windowStart)`.
 */

/** The time of day when it falls on the window's first day (the usual case), the whole timestamp otherwise. */
export function clock(time: string, windowStart: string): string {
  return time.slice(0, 10) === windowStart.slice(0, 10) ? time.slice(11, 19) : time;
}
