import { describe, expect, it } from 'vitest';
import { lastMonth, monthsBack } from './months';

describe('report months (Beijing time)', () => {
  it('takes the month before, on Beijing time', () => {
    expect(lastMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-10');
    // 16:00 UTC on the 30th is already 1 December in Beijing
    expect(lastMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-11');
    expect(lastMonth(new Date('2026-01-15T00:00:00Z'))).toBe('2025-12');
  });
  it('counts months back across a year', () => {
    expect(monthsBack('2026-02', 4)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
  });
});
