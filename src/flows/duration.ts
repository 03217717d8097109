/**
 * Durations as flags take them: `90s`, `5m`, `1h30m`, `2d` (whole numbers of s, m, h, d, summed). One
 * grammar for every duration flag (observe --for, --flows-max-age); each flag decides what a bare
 * number means.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const DURATION = /^(\d{1,7}[smhd])+$/;

/** Seconds of `1h30m`-style text, or undefined when it is not one. */
export function durationWithUnitsSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhd])/g)) seconds += Number(amount) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  return seconds;
}

/** Seconds (a bare whole number is seconds), or the problem in words. */
export function parseDurationSeconds(text: string): number | string {
  const trimmed = text.trim();
  if (/^\d{1,7}$/.test(trimmed)) return Number(trimmed);
  return durationWithUnitsSeconds(trimmed) ?? `"${text}" is not a duration: write a whole number with s, m, h or d, e.g. 90s, 5m, 1h30m or 2h`;
}
