import { badInput } from '../../errors';

// Report periods: a month, a quarter, a year or a run of days, on Beijing time (UTC+8, no
// daylight saving). A period is [from, to): local midnight of its first day up to local midnight
// after its last, so a ticket reported at 23:59 on 31 October (Beijing) belongs to October even
// though it is 15:59 UTC.

export interface PeriodSpec {
  /** 'YYYY-MM' */
  month?: string | null;
  /** 'YYYY-Qn' */
  quarter?: string | null;
  year?: number | null;
  /** 'YYYY-MM-DD', both days included */
  fromDate?: string | null;
  toDate?: string | null;
}

export interface Period {
  kind: 'MONTH' | 'QUARTER' | 'YEAR' | 'DAYS';
  /** e.g. 2026-10, 2026-Q4, 2026, 2026-10-01..2026-10-15 */
  label: string;
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 366 * 3;

/** Local midnight (UTC+8) at the start of a calendar day; month may overflow (Date.UTC does). */
const midnight = (year: number, month1: number, day: number) =>
  new Date(Date.UTC(year, month1 - 1, day) - 8 * 3600_000);

const pad = (n: number) => String(n).padStart(2, '0');

function month(year: number, m: number): Period {
  const y = year + Math.floor((m - 1) / 12);
  const mm = ((((m - 1) % 12) + 12) % 12) + 1;
  return {
    kind: 'MONTH',
    label: `${y}-${pad(mm)}`,
    from: midnight(y, mm, 1),
    to: midnight(y, mm + 1, 1),
  };
}

function quarter(year: number, q: number): Period {
  const y = year + Math.floor((q - 1) / 4);
  const qq = ((((q - 1) % 4) + 4) % 4) + 1;
  return {
    kind: 'QUARTER',
    label: `${y}-Q${qq}`,
    from: midnight(y, (qq - 1) * 3 + 1, 1),
    to: midnight(y, qq * 3 + 1, 1),
  };
}

const yearPeriod = (y: number): Period => ({
  kind: 'YEAR',
  label: String(y),
  from: midnight(y, 1, 1),
  to: midnight(y + 1, 1, 1),
});

/** A local calendar date 'YYYY-MM-DD' of a real day, as its [year, month, day]. */
function parseDate(value: string, field: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const parts = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [];
  const [y, m, d] = parts as [number, number, number];
  if (!match || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d || m < 1 || m > 12)
    throw badInput(field, 'FORMAT', `${field} must be a date YYYY-MM-DD, got "${value}"`);
  return [y, m, d];
}

const localDay = (at: Date) => {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
};

function days(from: Date, to: Date): Period {
  return {
    kind: 'DAYS',
    label: `${localDay(from)}..${localDay(new Date(to.getTime() - DAY_MS))}`,
    from,
    to,
  };
}

/** The one period a spec names; BAD_USER_INPUT naming the field when it names none or several. */
export function parsePeriod(spec: PeriodSpec, field = 'period'): Period {
  const given = [
    spec.month != null,
    spec.quarter != null,
    spec.year != null,
    spec.fromDate != null || spec.toDate != null,
  ].filter(Boolean).length;
  if (given !== 1)
    throw badInput(
      field,
      'ONE_OF',
      `${field}: give exactly one of month, quarter, year or fromDate/toDate`,
    );
  if (spec.month != null) {
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(spec.month);
    if (!match)
      throw badInput(`${field}.month`, 'FORMAT', `month must be YYYY-MM, got "${spec.month}"`);
    return month(Number(match[1]), Number(match[2]));
  }
  if (spec.quarter != null) {
    const match = /^(\d{4})-Q([1-4])$/.exec(spec.quarter);
    if (!match)
      throw badInput(
        `${field}.quarter`,
        'FORMAT',
        `quarter must be YYYY-Qn (n 1–4), got "${spec.quarter}"`,
      );
    return quarter(Number(match[1]), Number(match[2]));
  }
  if (spec.year != null) {
    if (!Number.isInteger(spec.year) || spec.year < 2000 || spec.year > 2100)
      throw badInput(`${field}.year`, 'OUT_OF_RANGE', `year must be 2000–2100, got ${spec.year}`);
    return yearPeriod(spec.year);
  }
  if (spec.fromDate == null || spec.toDate == null)
    throw badInput(`${field}.toDate`, 'PAIR', 'give both fromDate and toDate');
  const [fy, fm, fd] = parseDate(spec.fromDate, `${field}.fromDate`);
  const [ty, tm, td] = parseDate(spec.toDate, `${field}.toDate`);
  const from = midnight(fy, fm, fd);
  const to = midnight(ty, tm, td + 1);
  const length = (to.getTime() - from.getTime()) / DAY_MS;
  if (length < 1) throw badInput(`${field}.toDate`, 'BEFORE_FROM', 'toDate is before fromDate');
  if (length > MAX_DAYS)
    throw badInput(`${field}.toDate`, 'TOO_LONG', `a period is at most ${MAX_DAYS} days`);
  return days(from, to);
}

const shiftYears = (at: Date, years: number) => {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return midnight(local.getUTCFullYear() + years, local.getUTCMonth() + 1, local.getUTCDate());
};

/** The period just before: the previous month, quarter or year, or as many days just before. */
export function previousPeriod(p: Period): Period {
  const local = new Date(p.from.getTime() + 8 * 3600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  if (p.kind === 'MONTH') return month(y, m - 1);
  if (p.kind === 'QUARTER') return quarter(y, (m - 1) / 3);
  if (p.kind === 'YEAR') return yearPeriod(y - 1);
  const length = p.to.getTime() - p.from.getTime();
  return days(new Date(p.from.getTime() - length), p.from);
}

/** The same period a year earlier (同比); 29 February's year-ago day is 1 March. */
export function lastYearPeriod(p: Period): Period {
  const local = new Date(p.from.getTime() + 8 * 3600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  if (p.kind === 'MONTH') return month(y - 1, m);
  if (p.kind === 'QUARTER') return quarter(y - 1, (m + 2) / 3);
  if (p.kind === 'YEAR') return yearPeriod(y - 1);
  return days(shiftYears(p.from, -1), shiftYears(p.to, -1));
}

/** Whether the period has ended by `now` (a closed month can be reported and kept). */
export const periodEnded = (p: Period, now: Date) => p.to.getTime() <= now.getTime();
