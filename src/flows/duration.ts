/** Durations as flags take them: `90`, `90s`, `5m`, `2h` (whole numbers; bare numbers are seconds). */
const DURATION = /^(\d{1,7})(s|m|h|d)?$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds, or the problem in words (`write 90s, 5m or 2h`). */
export function parseDurationSeconds(text: string): number | string {
  const match = DURATION.exec(text.trim());
  if (match === null) return `"${text}" is not a duration: write a whole number with s, m, h or d, e.g. 90s, 5m or 2h`;
  return Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']!;
}
