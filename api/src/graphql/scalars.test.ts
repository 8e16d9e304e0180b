import { describe, expect, it } from 'vitest';
import { toIsoInstant } from './scalars';

describe('toIsoInstant', () => {
  it('reads PostgreSQL text timestamps and Dates as the same instant', () => {
    expect(toIsoInstant('2026-11-25 01:30:00+00')).toBe('2026-11-25T01:30:00.000Z');
    expect(toIsoInstant('2026-11-25 09:30:00.123+08')).toBe('2026-11-25T01:30:00.123Z');
    expect(toIsoInstant(new Date('2026-11-25T01:30:00Z'))).toBe('2026-11-25T01:30:00.000Z');
  });
  it('refuses what is not a timestamp', () => {
    expect(() => toIsoInstant('tomorrow')).toThrow(/not a timestamp/);
  });
});
