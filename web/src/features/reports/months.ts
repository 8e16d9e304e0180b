// Report months are Beijing-time months (UTC+8, no daylight saving), as the server counts them.

const BEIJING_MS = 8 * 3600 * 1000;

/** YYYY-MM of the month before the one `now` falls in, on Beijing time. */
export function lastMonth(now: Date): string {
  const local = new Date(now.getTime() + BEIJING_MS);
  return shift(local.getUTCFullYear(), local.getUTCMonth() + 1, -1);
}

function shift(year: number, month: number, by: number): string {
  const index = year * 12 + (month - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** `count` months ending with `month`, newest first: 2026-10, 2026-09 … */
export function monthsBack(month: string, count: number): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => shift(y, m, -i));
}
