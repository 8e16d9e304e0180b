import { badInput } from '../../errors';

// GeoReport v2's parameters and values as the spec reads and writes them: pure, no database.

/** The spec's default and ours: at most 90 days and 1,000 requests per answer. */
export const MAX_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
export const MAX_IDS = 100;
const DAY_MS = 86_400_000;

/** ISO 8601 at +08:00, the time residents and staff read (no milliseconds). */
export function chinaTime(at: Date | string | null): string | null {
  if (at === null) return null;
  const shifted = new Date(new Date(at).getTime() + 8 * 3_600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

const CJK = /[\u3400-\u9fff]/;

/** A Chinese name is written family name first; a Latin one given name first. */
export function personName(first: string | null, last: string | null): string | null {
  const parts = [first?.trim(), last?.trim()].filter((p): p is string => !!p);
  if (parts.length === 0) return null;
  return CJK.test(parts.join('')) ? [...parts].reverse().join('') : parts.join(' ');
}

export interface RequestQuery {
  ids: string[] | null;
  serviceCodes: string[] | null;
  start: Date;
  end: Date;
  statuses: ('open' | 'closed')[] | null;
  limit: number;
  offset: number;
}

/** A start_date or end_date: ISO 8601 with its offset (or Z), or a date read at +08:00. */
export function parseDate(value: string, field: string): Date {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const full = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/.test(
    text,
  );
  const at = new Date(dateOnly ? `${text}T00:00:00+08:00` : text);
  if (!(dateOnly || full) || Number.isNaN(at.getTime()))
    throw badInput(
      field,
      'FORMAT',
      `${field} must be ISO 8601 with a time zone, e.g. 2026-11-01T00:00:00+08:00`,
    );
  return at;
}

const list = (value: string | undefined) =>
  value === undefined
    ? null
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** GET requests' parameters as the spec reads them, each refused with its name when wrong. */
export function requestQuery(params: Record<string, string | undefined>, now: Date): RequestQuery {
  const ids = list(params.service_request_id);
  if (ids !== null) {
    if (ids.length === 0 || ids.length > MAX_IDS)
      throw badInput('service_request_id', 'COUNT', `give 1–${MAX_IDS} ids, comma separated`);
    if (ids.some((id) => !/^[\w-]{1,40}$/.test(id)))
      throw badInput(
        'service_request_id',
        'FORMAT',
        'an id is a ticket code such as T20261123-000001',
      );
  }
  const serviceCodes = list(params.service_code);
  if (serviceCodes?.some((c) => !/^[A-Z0-9_]{1,40}$/.test(c)))
    throw badInput('service_code', 'FORMAT', 'service codes are as GET services lists them');
  const statuses = list(params.status);
  if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
    throw badInput('status', 'UNKNOWN', 'status is open or closed (or both, comma separated)');
  const startGiven = params.start_date ? parseDate(params.start_date, 'start_date') : null;
  const endGiven = params.end_date ? parseDate(params.end_date, 'end_date') : null;
  const window = MAX_WINDOW_DAYS * DAY_MS;
  // one date given: the window runs 90 days from (or up to) it; none: the last 90 days
  const end = endGiven ?? (startGiven ? new Date(startGiven.getTime() + window) : now);
  const start = startGiven ?? new Date(end.getTime() - window);
  if (start > end) throw badInput('start_date', 'AFTER_END', 'start_date is after end_date');
  if (end.getTime() - start.getTime() > window)
    throw badInput(
      'end_date',
      'WINDOW',
      `start_date and end_date are at most ${MAX_WINDOW_DAYS} days apart`,
    );
  const page = params.page === undefined ? 1 : Number(params.page);
  const pageSize = params.page_size === undefined ? MAX_REQUESTS : Number(params.page_size);
  if (!Number.isInteger(page) || page < 1 || page > 10_000)
    throw badInput('page', 'OUT_OF_RANGE', 'page is a whole number from 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_REQUESTS)
    throw badInput('page_size', 'OUT_OF_RANGE', `page_size is 1–${MAX_REQUESTS}`);
  return {
    ids,
    serviceCodes,
    start,
    end,
    statuses: statuses as RequestQuery['statuses'],
    limit: pageSize,
    offset: (page - 1) * pageSize,
  };
}
