import type { TicketStatus } from './ticket-status';

// The closed loop as one pure transition table: for each action, the statuses it may start from
// and where it leads. Everything that changes a ticket's status goes through `decide`, so the
// rules live here only; the service adds the version check, the event and the transaction.

export const TICKET_ACTIONS = [
  'ACCEPT', // 受理: the acceptor becomes the first-inquiry owner (首问负责)
  'DISPATCH', // 派单 to one or more resources
  'START', // a resource starts handling
  'RESOLVE', // 办结 with a note (and photos)
  'VERIFY_PASS', // 核查通过 by someone other than the handler
  'VERIFY_FAIL', // 核查不通过 → rework 返工
  'FEEDBACK', // the resident rates 1–5 (staff record a return visit 回访 instead)
  'CLOSE', // 归档
  'ESCALATE', // up the ladder: compound → community → street → department
  'TRANSFER', // outside the remit 转办
  'SUSPEND', // 缓办, excluded from on-time figures
  'RESUME',
  'REJECT_DUPLICATE', // 重复件, linked to the original
  'REOPEN', // by the resident within 30 days
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/**
 * Classifying (分类) leaves the status as it is, so it is no transition; it is open while the
 * ticket waits to be worked, and taken with classifyTicket (it needs a category). A step is
 * anything a role may be allowed to do to a ticket: the transitions and CLASSIFY.
 */
export const CLASSIFIABLE: readonly TicketStatus[] = ['REPORTED', 'ACCEPTED'];
export const TICKET_STEPS = [...TICKET_ACTIONS, 'CLASSIFY'] as const;
export type TicketStep = (typeof TICKET_STEPS)[number];

/** Whether the ticket's status allows the step now (who takes it is judged elsewhere). */
export const statusAllows = (step: TicketStep, status: TicketStatus): boolean =>
  step === 'CLASSIFY' ? CLASSIFIABLE.includes(status) : TRANSITIONS[step][status] !== undefined;

/** Where an action leads from each status it allows. 'SAME' keeps the status; 'RESUMED' returns
 * to the status held before the suspension. */
type Target = TicketStatus | 'SAME' | 'RESUMED';

const OPEN_WORK: TicketStatus[] = ['ACCEPTED', 'DISPATCHED', 'IN_PROGRESS'];

export const TRANSITIONS: Record<TicketAction, Partial<Record<TicketStatus, Target>>> = {
  ACCEPT: { REPORTED: 'ACCEPTED' },
  DISPATCH: { ACCEPTED: 'DISPATCHED', DISPATCHED: 'DISPATCHED' },
  START: { DISPATCHED: 'IN_PROGRESS' },
  RESOLVE: { IN_PROGRESS: 'RESOLVED' },
  VERIFY_PASS: { RESOLVED: 'VERIFIED' },
  VERIFY_FAIL: { RESOLVED: 'IN_PROGRESS' },
  // a resident not asked before the ticket was closed may still rate it (the status stays)
  FEEDBACK: { VERIFIED: 'FEEDBACK', CLOSED: 'SAME' },
  CLOSE: { VERIFIED: 'CLOSED', FEEDBACK: 'CLOSED' },
  ESCALATE: { REPORTED: 'SAME', ...Object.fromEntries(OPEN_WORK.map((s) => [s, 'SAME'])) },
  TRANSFER: { REPORTED: 'TRANSFERRED', ACCEPTED: 'TRANSFERRED' },
  SUSPEND: Object.fromEntries(OPEN_WORK.map((s) => [s, 'SUSPENDED'])),
  RESUME: { SUSPENDED: 'RESUMED' },
  REJECT_DUPLICATE: { REPORTED: 'REJECTED', ACCEPTED: 'REJECTED' },
  REOPEN: { CLOSED: 'ACCEPTED', FEEDBACK: 'ACCEPTED' },
};

export const LADDER = ['COMPOUND', 'COMMUNITY', 'STREET', 'DEPARTMENT'] as const;
export type Level = (typeof LADDER)[number];

export const REOPEN_WINDOW_DAYS = 30;

export interface TicketState {
  status: TicketStatus;
  level: Level;
  /** Status before a suspension, for RESUME. */
  suspendedFrom: TicketStatus | null;
  /** The person who resolved it last (account:<username>), for the verifier rule. */
  resolvedBy: string | null;
  closedAt: Date | null;
  /** Whether the resident has rated it. */
  rated?: boolean;
}

export interface ActionInput {
  /** The person acting: account:<username> whatever credential (session or token) they use. */
  actor: string;
  reason?: string | null;
  rating?: number | null;
  now: Date;
}

export type Decision =
  | { ok: true; to: TicketStatus; level: Level }
  | { ok: false; code: 'BAD_TRANSITION' | 'BAD_USER_INPUT'; message: string };

const refuse = (code: 'BAD_TRANSITION' | 'BAD_USER_INPUT', message: string): Decision => ({
  ok: false,
  code,
  message,
});

/** Whether `action` may be applied to `state`, and the status and level it leads to. */
export function decide(state: TicketState, action: TicketAction, input: ActionInput): Decision {
  const target = TRANSITIONS[action][state.status];
  if (target === undefined) {
    return refuse('BAD_TRANSITION', `${action} is not allowed when the ticket is ${state.status}`);
  }
  let level = state.level;
  const needsReason: TicketAction[] = [
    'ESCALATE',
    'TRANSFER',
    'SUSPEND',
    'VERIFY_FAIL',
    'REJECT_DUPLICATE',
  ];
  if (needsReason.includes(action) && !input.reason?.trim()) {
    return refuse('BAD_USER_INPUT', `${action} needs a reason`);
  }
  if (action === 'ESCALATE') {
    const next = LADDER[LADDER.indexOf(state.level) + 1];
    if (!next) return refuse('BAD_TRANSITION', 'already at the top of the ladder (department)');
    level = next;
  }
  if ((action === 'VERIFY_PASS' || action === 'VERIFY_FAIL') && input.actor === state.resolvedBy) {
    return refuse('BAD_TRANSITION', 'the handler cannot verify their own work');
  }
  if (action === 'FEEDBACK') {
    const r = input.rating;
    if (r == null || !Number.isInteger(r) || r < 1 || r > 5) {
      return refuse('BAD_USER_INPUT', 'rating must be an integer 1–5');
    }
  }
  if (action === 'FEEDBACK' && state.status === 'CLOSED' && state.rated) {
    return refuse('BAD_TRANSITION', 'the resident has already rated this ticket');
  }
  if (action === 'REOPEN' || (action === 'FEEDBACK' && state.status === 'CLOSED')) {
    const closed = state.closedAt ?? input.now;
    const days = (input.now.getTime() - closed.getTime()) / 86_400_000;
    if (days > REOPEN_WINDOW_DAYS) {
      return refuse(
        'BAD_TRANSITION',
        `a ticket can be ${action === 'REOPEN' ? 'reopened' : 'rated'} within ${REOPEN_WINDOW_DAYS} days of closing`,
      );
    }
  }
  const to =
    target === 'SAME'
      ? state.status
      : target === 'RESUMED'
        ? (state.suspendedFrom ?? 'ACCEPTED')
        : target;
  return { ok: true, to, level };
}

/** A resource's answer to a dispatch offered to it: take it (接单) or decline (拒单). */
export type OfferAnswer = 'TAKE' | 'DECLINE';

export interface OfferState {
  ticketStatus: TicketStatus;
  level: Level;
  /** The assignment being answered: only an OFFERED one can be answered, once. */
  assignmentStatus: 'OFFERED' | 'ACCEPTED' | 'DECLINED' | 'RELEASED';
  mayDecline: boolean;
  /** Other resources still on the ticket (offered or taken), not counting this one. */
  othersActive: number;
}

/**
 * Taking an offer leaves the ticket where it is. Declining needs a reason and is refused to
 * resources that may not decline (departments, law enforcement); when the last offered resource
 * of a DISPATCHED ticket declines, the ticket returns to ACCEPTED so staff match it again.
 */
export function decideAnswer(
  state: OfferState,
  answer: OfferAnswer,
  reason?: string | null,
): Decision {
  if (state.assignmentStatus !== 'OFFERED') {
    return refuse(
      'BAD_TRANSITION',
      `this dispatch was already answered (${state.assignmentStatus})`,
    );
  }
  if (state.ticketStatus !== 'DISPATCHED' && state.ticketStatus !== 'IN_PROGRESS') {
    return refuse('BAD_TRANSITION', `the ticket is ${state.ticketStatus}; the offer has lapsed`);
  }
  if (answer === 'TAKE') return { ok: true, to: state.ticketStatus, level: state.level };
  if (!state.mayDecline) {
    return refuse('BAD_TRANSITION', 'departments and law enforcement may not decline a dispatch');
  }
  if (!reason?.trim()) return refuse('BAD_USER_INPUT', 'DECLINE needs a reason');
  const back = state.othersActive === 0 && state.ticketStatus === 'DISPATCHED';
  return { ok: true, to: back ? 'ACCEPTED' : state.ticketStatus, level: state.level };
}
