import { describe, expect, it } from 'vitest';
import { sessionLossCounts } from './session';

describe('when a refused request means the session ended', () => {
  it('counts a refusal of a request started during the session', () => {
    expect(sessionLossCounts(120, 100, -1)).toBe(true);
  });
  it('ignores one started before the last sign-in (the old session answering)', () => {
    expect(sessionLossCounts(90, 100, -1)).toBe(false);
  });
  it('ignores every refusal after the person signed out, even of requests started later', () => {
    expect(sessionLossCounts(150, 100, 140)).toBe(false);
    expect(sessionLossCounts(130, 100, 140)).toBe(false);
  });
  it('counts again once they sign in after signing out', () => {
    expect(sessionLossCounts(220, 200, 140)).toBe(true);
  });
});
