import { describe, expect, it } from 'vitest';
import {
  decide,
  decideAnswer,
  TICKET_ACTIONS,
  type OfferState,
  type TicketState,
} from './ticket-machine';
import { TICKET_STATUSES, type TicketStatus } from './ticket-status';

// The loop as the domain states it (五步闭环, README "The ticket loop"), written out apart from
// the table in ticket-machine.ts: every (action, from) → to that is allowed. Everything else is refused.
const ALLOWED: [string, TicketStatus, TicketStatus][] = [
  ['ACCEPT', 'REPORTED', 'ACCEPTED'],
  ['DISPATCH', 'ACCEPTED', 'DISPATCHED'],
  ['DISPATCH', 'DISPATCHED', 'DISPATCHED'], // re-dispatch after a decline
  ['START', 'DISPATCHED', 'IN_PROGRESS'],
  ['RESOLVE', 'IN_PROGRESS', 'RESOLVED'],
  ['VERIFY_PASS', 'RESOLVED', 'VERIFIED'],
  ['VERIFY_FAIL', 'RESOLVED', 'IN_PROGRESS'],
  ['FEEDBACK', 'VERIFIED', 'FEEDBACK'],
  ['FEEDBACK', 'CLOSED', 'CLOSED'], // closed before the resident was asked: they may still rate
  ['CLOSE', 'VERIFIED', 'CLOSED'],
  ['CLOSE', 'FEEDBACK', 'CLOSED'],
  ['ESCALATE', 'REPORTED', 'REPORTED'],
  ['ESCALATE', 'ACCEPTED', 'ACCEPTED'],
  ['ESCALATE', 'DISPATCHED', 'DISPATCHED'],
  ['ESCALATE', 'IN_PROGRESS', 'IN_PROGRESS'],
  ['TRANSFER', 'REPORTED', 'TRANSFERRED'],
  ['TRANSFER', 'ACCEPTED', 'TRANSFERRED'],
  ['SUSPEND', 'ACCEPTED', 'SUSPENDED'],
  ['SUSPEND', 'DISPATCHED', 'SUSPENDED'],
  ['SUSPEND', 'IN_PROGRESS', 'SUSPENDED'],
  ['RESUME', 'SUSPENDED', 'DISPATCHED'], // back to where it was (suspendedFrom below)
  ['REJECT_DUPLICATE', 'REPORTED', 'REJECTED'],
  ['REJECT_DUPLICATE', 'ACCEPTED', 'REJECTED'],
  ['REOPEN', 'CLOSED', 'ACCEPTED'],
  ['REOPEN', 'FEEDBACK', 'ACCEPTED'],
];

const now = new Date('2026-11-23T10:00:00Z');
const state = (status: TicketStatus, over: Partial<TicketState> = {}): TicketState => ({
  status,
  level: 'COMPOUND',
  suspendedFrom: 'DISPATCHED',
  resolvedBy: 'resource:R-1',
  closedAt: new Date('2026-11-20T00:00:00Z'),
  ...over,
});
const input = { actor: 'staff:someone', reason: '需要说明', rating: 5, now };

describe('ticket state machine', () => {
  const cases = TICKET_ACTIONS.flatMap((action) =>
    TICKET_STATUSES.map((from) => [action, from] as const),
  );

  it('covers every action from every status (14 × 11)', () => {
    expect(cases).toHaveLength(14 * 11);
  });

  it.each(cases)('%s from %s', (action, from) => {
    const allowed = ALLOWED.find(([a, f]) => a === action && f === from);
    const decision = decide(state(from), action, input);
    if (allowed) {
      expect(decision).toMatchObject({ ok: true, to: allowed[2] });
    } else {
      expect(decision).toMatchObject({ ok: false, code: 'BAD_TRANSITION' });
    }
  });

  it('escalates one rung at a time and stops at the department', () => {
    expect(decide(state('ACCEPTED'), 'ESCALATE', input)).toMatchObject({
      ok: true,
      level: 'COMMUNITY',
    });
    expect(decide(state('ACCEPTED', { level: 'STREET' }), 'ESCALATE', input)).toMatchObject({
      ok: true,
      level: 'DEPARTMENT',
    });
    expect(decide(state('ACCEPTED', { level: 'DEPARTMENT' }), 'ESCALATE', input)).toMatchObject({
      ok: false,
    });
  });

  it('refuses verification by the handler', () => {
    const own = { ...input, actor: 'resource:R-1' };
    expect(decide(state('RESOLVED'), 'VERIFY_PASS', own)).toMatchObject({
      ok: false,
      message: /own work/,
    });
    expect(decide(state('RESOLVED'), 'VERIFY_FAIL', own)).toMatchObject({ ok: false });
  });

  it('needs a reason to escalate, transfer, suspend, fail verification or reject', () => {
    for (const [action, from] of [
      ['ESCALATE', 'ACCEPTED'],
      ['TRANSFER', 'REPORTED'],
      ['SUSPEND', 'ACCEPTED'],
      ['VERIFY_FAIL', 'RESOLVED'],
      ['REJECT_DUPLICATE', 'REPORTED'],
    ] as const) {
      expect(decide(state(from), action, { ...input, reason: ' ' })).toMatchObject({
        ok: false,
        code: 'BAD_USER_INPUT',
      });
    }
  });

  it('takes ratings 1–5 only', () => {
    for (const rating of [0, 6, 2.5, null]) {
      expect(decide(state('VERIFIED'), 'FEEDBACK', { ...input, rating })).toMatchObject({
        ok: false,
        code: 'BAD_USER_INPUT',
      });
    }
    expect(decide(state('VERIFIED'), 'FEEDBACK', { ...input, rating: 1 })).toMatchObject({
      ok: true,
    });
  });

  it('reopens within 30 days of closing, not after', () => {
    const closedAt = new Date(now.getTime() - 30 * 86_400_000 + 60_000);
    expect(decide(state('CLOSED', { closedAt }), 'REOPEN', input)).toMatchObject({ ok: true });
    const late = new Date(now.getTime() - 31 * 86_400_000);
    expect(decide(state('CLOSED', { closedAt: late }), 'REOPEN', input)).toMatchObject({
      ok: false,
      message: /30 days/,
    });
  });

  it('keeps a closed ticket’s rating for its resident: once, within 30 days of closing', () => {
    expect(decide(state('CLOSED'), 'FEEDBACK', input)).toMatchObject({ ok: true, to: 'CLOSED' });
    expect(decide(state('CLOSED', { rated: true }), 'FEEDBACK', input)).toMatchObject({
      ok: false,
      message: /already rated/,
    });
    const late = new Date(now.getTime() - 31 * 86_400_000);
    expect(decide(state('CLOSED', { closedAt: late }), 'FEEDBACK', input)).toMatchObject({
      ok: false,
      message: /rated within 30 days/,
    });
  });

  it('refuses the person who resolved a ticket its verification', () => {
    const resolved = state('RESOLVED', { resolvedBy: 'account:community' });
    for (const action of ['VERIFY_PASS', 'VERIFY_FAIL'] as const) {
      expect(decide(resolved, action, { ...input, actor: 'account:community' })).toMatchObject({
        ok: false,
        message: /their own work/,
      });
      expect(decide(resolved, action, { ...input, actor: 'account:grid' })).toMatchObject({
        ok: true,
      });
    }
  });

  it('resumes to the status held before the suspension', () => {
    expect(
      decide(state('SUSPENDED', { suspendedFrom: 'IN_PROGRESS' }), 'RESUME', input),
    ).toMatchObject({ ok: true, to: 'IN_PROGRESS' });
  });
});

describe('a resource answers a dispatch (decideAnswer)', () => {
  const offer = (over: Partial<OfferState> = {}): OfferState => ({
    ticketStatus: 'DISPATCHED',
    level: 'COMMUNITY',
    assignmentStatus: 'OFFERED',
    mayDecline: true,
    othersActive: 0,
    ...over,
  });

  it('taking an offer keeps the ticket where it is', () => {
    expect(decideAnswer(offer(), 'TAKE')).toEqual({
      ok: true,
      to: 'DISPATCHED',
      level: 'COMMUNITY',
    });
    expect(decideAnswer(offer({ ticketStatus: 'IN_PROGRESS' }), 'TAKE')).toMatchObject({
      to: 'IN_PROGRESS',
    });
  });

  it('the last decline sends the ticket back to ACCEPTED for matching again', () => {
    expect(decideAnswer(offer(), 'DECLINE', '人在外地')).toMatchObject({
      ok: true,
      to: 'ACCEPTED',
    });
  });

  it('a decline while others still hold the ticket leaves it dispatched', () => {
    expect(decideAnswer(offer({ othersActive: 1 }), 'DECLINE', '忙')).toMatchObject({
      to: 'DISPATCHED',
    });
  });

  it('refuses a decline without a reason, or by a resource that may not decline', () => {
    expect(decideAnswer(offer(), 'DECLINE', ' ')).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
    });
    expect(decideAnswer(offer({ mayDecline: false }), 'DECLINE', '忙')).toMatchObject({
      ok: false,
      code: 'BAD_TRANSITION',
    });
  });

  it.each(['ACCEPTED', 'DECLINED', 'RELEASED'] as const)(
    'an offer already %s cannot be answered',
    (s) => {
      expect(decideAnswer(offer({ assignmentStatus: s }), 'TAKE')).toMatchObject({
        ok: false,
        code: 'BAD_TRANSITION',
      });
    },
  );

  it.each(['ACCEPTED', 'RESOLVED', 'CLOSED', 'SUSPENDED'] as const)(
    'an offer on a %s ticket has lapsed',
    (ticketStatus) => {
      expect(decideAnswer(offer({ ticketStatus }), 'TAKE')).toMatchObject({ ok: false });
    },
  );
});
