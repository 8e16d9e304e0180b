// The instant the suites run at. By default the machine's own clock; YITU_TEST_NOW (an ISO
// instant, e.g. 2026-11-30T05:00:00+08:00) pins it, so the clock sweep (tests/clock-sweep.sh)
// can run every suite at night, on a weekend, on a holiday or at the turn of a year.
// Servers get it as YITU_CLOCK_OFFSET_MS, the product's own clock; tests read testNow().

function pinnedOffsetMs(): number {
  const raw = process.env.YITU_TEST_NOW?.trim();
  if (!raw) return 0;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new Error(`YITU_TEST_NOW must be an ISO instant, got "${raw}"`);
  return at - Date.now();
}

/** How far the suites' clock is from the machine's: 0 unless YITU_TEST_NOW pins it. */
export const testClockOffsetMs = pinnedOffsetMs();

/** "Now" as the product under test sees it (before any shift a test asks a server for). */
export function testNow(): Date {
  return new Date(Date.now() + testClockOffsetMs);
}
