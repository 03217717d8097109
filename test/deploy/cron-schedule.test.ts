import { describe, expect, it } from 'vitest';
import { scheduleProblem, timeZoneProblem } from '../../src/deploy/cron-schedule.js';

describe('scheduleProblem', () => {
  it.each(['0 * * * *', '*/15 * * * *', '0 6-18/2 * * MON-FRI', '30 2 1,15 * ?', '0 0 * jan,jul sun', '5 4 * * 0-6', '@hourly', '@daily', ' 0 * * * * '])('accepts "%s"', (schedule) => {
    expect(scheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['0 * * *', 'needs 5 fields'],
    ['0 * * * * *', 'needs 5 fields'],
    ['60 * * * *', 'minute field "60"'],
    ['0 24 * * *', 'hour field "24"'],
    ['0 0 0 * *', 'day of month field "0"'],
    ['0 0 * 13 *', 'month field "13"'],
    ['0 0 * * 7', 'day of week field "7"'],
    ['*/0 * * * *', 'the step "0" after "/"'],
    ['0 5-1 * * *', 'runs backwards'],
    ['? * * * *', 'minute field "?"'],
    ['0 0 * * funday', '"funday" is not a name or a number from 0 to 6'],
    ['@often', 'unknown descriptor'],
    ['TZ=Europe/Berlin 0 * * * *', '("TZ=Europe/Berlin 0 * * * *") is refused by Kubernetes; use --timezone'],
    ['CRON_TZ=UTC 0 * * * *', 'use --timezone'],
  ])('refuses "%s" (%s)', (schedule, problem) => {
    expect(scheduleProblem(schedule)).toContain(problem);
  });
});

describe('timeZoneProblem', () => {
  it.each(['Etc/UTC', 'Europe/Berlin', 'America/New_York'])('accepts %s', (zone) => expect(timeZoneProblem(zone)).toBeUndefined());
  it.each(['Mars/Olympus_Mons', 'Europe Berlin', ''])('refuses "%s"', (zone) => expect(timeZoneProblem(zone)).toContain('unknown time zone'));
});
