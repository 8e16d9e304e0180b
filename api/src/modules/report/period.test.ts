import { describe, expect, it } from 'vitest';
import { lastYearPeriod, parsePeriod, previousPeriod } from './period';

const iso = (p: { from: Date; to: Date; label: string }) => [
  p.label,
  p.from.toISOString(),
  p.to.toISOString(),
];

describe('report periods on Beijing time', () => {
  it('starts a month at local midnight (16:00 UTC the day before)', () => {
    expect(iso(parsePeriod({ month: '2026-10' }))).toEqual([
      '2026-10',
      '2026-09-30T16:00:00.000Z',
      '2026-10-31T16:00:00.000Z',
    ]);
  });

  it('goes back across a year for January, and a year for 同比', () => {
    const january = parsePeriod({ month: '2026-01' });
    expect(iso(previousPeriod(january))).toEqual([
      '2025-12',
      '2025-11-30T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
    ]);
    expect(lastYearPeriod(january).label).toBe('2025-01');
  });

  it('knows quarters and years', () => {
    const q1 = parsePeriod({ quarter: '2026-Q1' });
    expect(iso(q1)).toEqual(['2026-Q1', '2025-12-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z']);
    expect(previousPeriod(q1).label).toBe('2025-Q4');
    expect(lastYearPeriod(parsePeriod({ quarter: '2026-Q3' })).label).toBe('2025-Q3');
    expect(previousPeriod(parsePeriod({ year: 2026 })).label).toBe('2025');
  });

  it('takes a run of days, both included, and the same number of days before', () => {
    const p = parsePeriod({ fromDate: '2026-10-01', toDate: '2026-10-10' });
    expect(iso(p)).toEqual([
      '2026-10-01..2026-10-10',
      '2026-09-30T16:00:00.000Z',
      '2026-10-10T16:00:00.000Z',
    ]);
    expect(previousPeriod(p).label).toBe('2026-09-21..2026-09-30');
    expect(lastYearPeriod(p).label).toBe('2025-10-01..2025-10-10');
  });

  it('refuses bad input with the field at fault', () => {
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        const e = error as {
          extensions?: { field?: string; reason?: string };
          field?: string;
          reason?: string;
        };
        return `${e.field ?? e.extensions?.field}:${e.reason ?? e.extensions?.reason}`;
      }
      return 'accepted';
    };
    expect(reason(() => parsePeriod({}))).toBe('period:ONE_OF');
    expect(reason(() => parsePeriod({ month: '2026-10', year: 2026 }))).toBe('period:ONE_OF');
    expect(reason(() => parsePeriod({ month: '2026-13' }))).toBe('period.month:FORMAT');
    expect(reason(() => parsePeriod({ fromDate: '2026-02-30', toDate: '2026-03-01' }))).toBe(
      'period.fromDate:FORMAT',
    );
    expect(reason(() => parsePeriod({ fromDate: '2026-03-02', toDate: '2026-03-01' }))).toBe(
      'period.toDate:BEFORE_FROM',
    );
  });
});
