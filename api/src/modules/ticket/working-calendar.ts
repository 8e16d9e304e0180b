// Deadlines are counted in working hours on a working calendar: China Standard Time (UTC+8,
// no daylight saving), office periods each working day, weekends off, configurable public
// holidays and make-up working days (调休).

export interface WorkingCalendar {
  /** Minutes after local midnight: [start, end) periods of a working day. */
  periods: [number, number][];
  /** Local dates 'YYYY-MM-DD' that are days off although on a weekday. */
  holidays: ReadonlySet<string>;
  /** Local dates 'YYYY-MM-DD' that are working days although on a weekend (调休). */
  workingWeekends: ReadonlySet<string>;
}

const UTC_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export function createCalendar(
  options: { holidays?: string[]; workingWeekends?: string[]; periods?: [string, string][] } = {},
): WorkingCalendar {
  const toMinutes = (hhmm: string) => {
    const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
    if (!match) throw new Error(`bad time "${hhmm}", expected HH:MM`);
    return Number(match[1]) * 60 + Number(match[2]);
  };
  const periods = (
    options.periods ?? [
      ['08:30', '12:00'],
      ['14:00', '17:30'],
    ]
  ).map(([a, b]) => [toMinutes(a), toMinutes(b)] as [number, number]);
  for (const [a, b] of periods)
    if (!(a < b)) throw new Error('a working period must end after it starts');
  return {
    periods: periods.sort((x, y) => x[0] - y[0]),
    holidays: new Set(options.holidays ?? []),
    workingWeekends: new Set(options.workingWeekends ?? []),
  };
}

/** Local (UTC+8) calendar date of an instant, as YYYY-MM-DD. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + UTC_OFFSET_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(calendar: WorkingCalendar, localMidnightMs: number): boolean {
  const date = new Date(localMidnightMs).toISOString().slice(0, 10);
  const weekday = new Date(localMidnightMs).getUTCDay(); // 0 Sunday … 6 Saturday
  if (calendar.workingWeekends.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  return weekday !== 0 && weekday !== 6;
}

/** The instant `hours` working hours after `start`. */
export function addWorkingHours(calendar: WorkingCalendar, start: Date, hours: number): Date {
  if (!(hours >= 0) || !Number.isFinite(hours))
    throw new Error('hours must be a finite number ≥ 0');
  let remaining = hours * 60; // minutes
  // Work in "local milliseconds": UTC arithmetic on a clock shifted to UTC+8.
  const local = start.getTime() + UTC_OFFSET_MS;
  let dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  let cursor = (local - dayStart) / 60_000; // minutes since local midnight
  for (let guard = 0; guard < 366 * 20; guard++) {
    if (isWorkingDay(calendar, dayStart)) {
      for (const [from, to] of calendar.periods) {
        if (cursor >= to) continue;
        const begin = Math.max(cursor, from);
        const available = to - begin;
        if (remaining <= available) {
          return new Date(dayStart + (begin + remaining) * 60_000 - UTC_OFFSET_MS);
        }
        remaining -= available;
        cursor = to;
      }
    }
    dayStart += DAY_MS;
    cursor = 0;
  }
  throw new Error('no working time found within 20 years: check the calendar');
}
