// The closed loop's main path (五步闭环: collect → classify → dispatch → handle → feedback), in
// order. The full transition table arrives with the ticket state machine; this order is shared
// by the demo generator and, later, by the machine.
export const MAIN_PATH = [
  'REPORTED',
  'ACCEPTED',
  'DISPATCHED',
  'IN_PROGRESS',
  'RESOLVED',
  'VERIFIED',
  'FEEDBACK',
  'CLOSED',
] as const;

/** Statuses off the main path. */
export const SIDE_STATUSES = ['SUSPENDED', 'TRANSFERRED', 'REJECTED'] as const;

export const TICKET_STATUSES = [...MAIN_PATH, ...SIDE_STATUSES] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
