import { describe, expect, it } from 'vitest';
import { addWorkingHours, createCalendar, localDate } from './working-calendar';

// Instants are written in China Standard Time to keep the cases readable.
const cst = (s: string) => new Date(`${s}+08:00`);

describe('addWorkingHours', () => {
  const calendar = createCalendar({
    holidays: ['2026-10-01', '2026-10-02'],
    workingWeekends: ['2026-10-10'],
  });

  it('stays inside one morning period', () => {
    expect(addWorkingHours(calendar, cst('2026-11-23T09:00:00'), 2)).toEqual(
      cst('2026-11-23T11:00:00'),
    );
  });

  it('skips the lunch break', () => {
    expect(addWorkingHours(calendar, cst('2026-11-23T11:00:00'), 2)).toEqual(
      cst('2026-11-23T15:00:00'),
    );
  });

  it('starts at the next period when reported outside hours', () => {
    expect(addWorkingHours(calendar, cst('2026-11-23T20:00:00'), 1)).toEqual(
      cst('2026-11-24T09:30:00'),
    );
  });

  it('skips the weekend: Friday 17:00 + 1h is Monday 09:00', () => {
    expect(addWorkingHours(calendar, cst('2026-11-27T17:00:00'), 1)).toEqual(
      cst('2026-11-30T09:00:00'),
    );
  });

  it('skips holidays and works on a make-up Saturday (调休)', () => {
    // 2026-09-30 is a Wednesday; 10-01 and 10-02 are holidays; 10-03/04 weekend.
    expect(addWorkingHours(calendar, cst('2026-09-30T17:00:00'), 1)).toEqual(
      cst('2026-10-05T09:00:00'),
    );
    // Friday 2026-10-09 17:00 + 1h lands on the make-up Saturday 10-10.
    expect(addWorkingHours(calendar, cst('2026-10-09T17:00:00'), 1)).toEqual(
      cst('2026-10-10T09:00:00'),
    );
  });

  it('counts a full 7-hour day per working day', () => {
    expect(addWorkingHours(calendar, cst('2026-11-23T08:30:00'), 14)).toEqual(
      cst('2026-11-24T17:30:00'),
    );
  });

  it('refuses negative hours', () => {
    expect(() => addWorkingHours(calendar, new Date(), -1)).toThrow(/≥ 0/);
  });

  it('reports local dates in UTC+8', () => {
    expect(localDate(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
  });
});
