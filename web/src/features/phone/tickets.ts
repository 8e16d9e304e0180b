// What the phone shows of its grid's tickets: by deadline, and what needs the grid worker now.
// Pure functions over the cached tickets, so the lists read the same online and offline.
import type { PHONE_TICKETS_QUERY, ResultOf } from '@yitu/schema';

export type PhoneTicket = ResultOf<typeof PHONE_TICKETS_QUERY>['tickets']['nodes'][number];

const OPEN = new Set([
  'REPORTED',
  'ACCEPTED',
  'DISPATCHED',
  'IN_PROGRESS',
  'RESOLVED',
  'SUSPENDED',
]);

/** The deadline that counts now: to resolve once one is set, else to respond. */
export const deadlineOf = (t: PhoneTicket): string | null => t.resolveBy ?? t.respondBy ?? null;

/** Open tickets, urgent first, then by deadline (none last), then oldest. */
export function byDeadline(tickets: readonly PhoneTicket[]): PhoneTicket[] {
  const key = (t: PhoneTicket) => deadlineOf(t) ?? '9999';
  return tickets
    .filter((t) => OPEN.has(t.status))
    .sort(
      (a, b) =>
        Number(b.urgent) - Number(a.urgent) ||
        key(a).localeCompare(key(b)) ||
        a.reportedAt.localeCompare(b.reportedAt),
    );
}

export type Need = 'ACCEPT' | 'VERIFY' | 'CALL_BACK';

/** What the grid worker should do about a ticket now, if anything: accept a new report, verify
 * work someone else resolved, call the resident back about verified work not yet revisited. */
export function needOf(t: PhoneTicket, actions: readonly string[]): Need | null {
  const may = (a: string) => actions.includes(a) && t.allowedActions.includes(a as never);
  if (t.status === 'REPORTED' && may('ACCEPT')) return 'ACCEPT';
  if (t.status === 'RESOLVED' && may('VERIFY_PASS')) return 'VERIFY';
  if (t.status === 'VERIFIED' && !t.events.nodes.some((e) => e.type === 'RETURN_VISIT'))
    return 'CALL_BACK';
  return null;
}

export function needsMe(
  tickets: readonly PhoneTicket[],
  actions: readonly string[],
): { ticket: PhoneTicket; need: Need }[] {
  const order: Need[] = ['ACCEPT', 'VERIFY', 'CALL_BACK'];
  return byDeadline(tickets.filter((t) => t.status !== 'VERIFIED'))
    .concat(tickets.filter((t) => t.status === 'VERIFIED'))
    .flatMap((ticket) => {
      const need = needOf(ticket, actions);
      return need ? [{ ticket, need }] : [];
    })
    .sort((a, b) => order.indexOf(a.need) - order.indexOf(b.need));
}
