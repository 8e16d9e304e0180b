import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, ErrorCode, YituError } from '../../errors';
import { decideAnswer, type OfferAnswer } from '../ticket/ticket-machine';
import type { TicketStatus } from '../ticket/ticket-status';
import { actOnTicket } from '../ticket/ticket.service';
import { lockResources } from './assignments';
import { matchTickets, type MatchRow } from './match.sql';

// Resources answering dispatches, and dispatching a whole grid at once. Dispatch itself is a
// ticket action (actOnTicket DISPATCH), checked and written by ./assignments.

export interface AnswerRequest {
  assignmentId: number;
  answer: OfferAnswer;
  reason?: string | null;
  /** Who recorded the resource's answer (the signed-in account), kept in the event's data. */
  recordedBy?: string;
  now?: Date;
}

/**
 * A resource answers the dispatch offered to it. A decline keeps the row (so matching never
 * offers this ticket to it again); the last decline returns the ticket to ACCEPTED.
 */
export async function answerDispatch(
  database: Database,
  request: AnswerRequest,
): Promise<{ ticketId: number }> {
  const now = (request.now ?? new Date()).toISOString();
  return database.transaction(async (tx) => {
    const [row] = await tx.rows<{
      ticketId: number;
      status: 'OFFERED' | 'ACCEPTED' | 'DECLINED' | 'RELEASED';
      code: string;
      mayDecline: boolean;
      ticketStatus: TicketStatus;
      level: 'COMPOUND' | 'COMMUNITY' | 'STREET' | 'DEPARTMENT';
    }>(sql`
      SELECT a.ticket_id AS "ticketId", a.status, r.code, r.may_decline AS "mayDecline",
        t.status AS "ticketStatus", t.level
      FROM ticket_assignments a JOIN resources r ON r.id = a.resource_id JOIN tickets t ON t.id = a.ticket_id
      WHERE a.id = ${request.assignmentId}
      FOR UPDATE OF t, a`);
    if (!row) throw new YituError(ErrorCode.NOT_FOUND, 'dispatch not found');
    const [others] = await tx.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM ticket_assignments
      WHERE ticket_id = ${row.ticketId} AND id <> ${request.assignmentId} AND status IN ('OFFERED', 'ACCEPTED')`);
    const decision = decideAnswer(
      {
        ticketStatus: row.ticketStatus,
        level: row.level,
        assignmentStatus: row.status,
        mayDecline: row.mayDecline,
        othersActive: others!.n,
      },
      request.answer,
      request.reason,
    );
    if (!decision.ok) {
      throw decision.code === 'BAD_TRANSITION'
        ? new YituError(ErrorCode.BAD_TRANSITION, decision.message, 'answer', 'NOT_ALLOWED')
        : badInput('reason', 'REQUIRED', decision.message);
    }
    const declined = request.answer === 'DECLINE';
    await tx.db.execute(sql`
      UPDATE ticket_assignments SET status = ${declined ? 'DECLINED' : 'ACCEPTED'}::assignment_status,
        responded_at = ${now}::timestamptz, decline_reason = ${declined ? request.reason!.trim() : null}
      WHERE id = ${request.assignmentId}`);
    await tx.db.execute(sql`
      UPDATE tickets SET status = ${decision.to}, version = version + 1, updated_at = ${now}::timestamptz
      WHERE id = ${row.ticketId}`);
    await tx.db.execute(sql`
      INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, reason, data, at)
      VALUES (${row.ticketId}, ${request.answer}, ${row.ticketStatus}, ${decision.to}, ${`resource:${row.code}`},
        ${declined ? request.reason!.trim() : null},
        ${JSON.stringify({ resource: row.code, assignmentId: request.assignmentId, recordedBy: request.recordedBy ?? null })}::jsonb, ${now}::timestamptz)`);
    return { ticketId: row.ticketId };
  });
}

export type UnplannedReason = 'NEEDS_CATEGORY' | 'NO_CANDIDATE';

export interface DispatchPlan {
  items: { ticketPk: number; expectedVersion: number; status: TicketStatus; match: MatchRow }[];
  unplanned: { ticketPk: number; reason: UnplannedReason }[];
}

/** Candidates considered per ticket when planning a whole grid. */
const PLAN_CANDIDATES = 15;

/**
 * Proposals for every open ticket of a grid not yet dispatched (REPORTED or ACCEPTED), most
 * urgent first: each takes its best-ranked candidate that still has room once the earlier
 * proposals are counted, so the plan never puts a resource over its capacity.
 */
export async function gridDispatchPlan(
  database: Database,
  gridPk: number,
  now: Date,
): Promise<DispatchPlan> {
  const [grid] = await database.rows<{ id: number }>(
    sql`SELECT id FROM grids WHERE id = ${gridPk} AND retired_at IS NULL`,
  );
  if (!grid) throw new YituError(ErrorCode.NOT_FOUND, 'grid not found');
  const tickets = await database.rows<{
    pk: number;
    version: number;
    status: TicketStatus;
    categorised: boolean;
  }>(sql`
    SELECT t.id AS pk, t.version, t.status, t.category_code IS NOT NULL AS categorised
    FROM tickets t JOIN grids g ON g.id = ${gridPk}
    WHERE t.status IN ('REPORTED', 'ACCEPTED') AND ST_Covers(g.boundary, t.location)
    ORDER BY t.respond_by NULLS LAST, t.reported_at, t.id`);
  const matches = await matchTickets(
    database,
    tickets.filter((t) => t.categorised).map((t) => t.pk),
    { now, first: PLAN_CANDIDATES },
  );
  const planned = new Map<number, number>(); // resource → proposals so far
  const plan: DispatchPlan = { items: [], unplanned: [] };
  for (const t of tickets) {
    if (!t.categorised) {
      plan.unplanned.push({ ticketPk: t.pk, reason: 'NEEDS_CATEGORY' });
      continue;
    }
    const pick = matches.find(
      (m) => m.ticketPk === t.pk && m.load + (planned.get(m.resourcePk) ?? 0) < m.capacity,
    );
    if (!pick) {
      plan.unplanned.push({ ticketPk: t.pk, reason: 'NO_CANDIDATE' });
      continue;
    }
    planned.set(pick.resourcePk, (planned.get(pick.resourcePk) ?? 0) + 1);
    plan.items.push({ ticketPk: t.pk, expectedVersion: t.version, status: t.status, match: pick });
  }
  return plan;
}

export interface PlanItem {
  ticketId: number;
  expectedVersion: number;
  resourceIds: number[];
}

/**
 * Apply the dispatches staff kept from a plan, all or nothing: a REPORTED ticket is accepted
 * (by the same actor) and dispatched; every dispatch is checked like a single one, counting the
 * plan's earlier items, so no resource goes over capacity.
 */
export async function applyDispatchPlan(
  database: Database,
  request: { items: PlanItem[]; actor: string; now?: Date },
): Promise<number[]> {
  const now = request.now ?? new Date();
  if (request.items.length === 0) throw badInput('items', 'REQUIRED', 'the plan has no items');
  if (request.items.length > 200) throw badInput('items', 'TOO_MANY', 'at most 200 items at once');
  const ticketIds = request.items.map((i) => i.ticketId);
  if (new Set(ticketIds).size !== ticketIds.length)
    throw badInput('items', 'DUPLICATE_TICKET', 'a ticket appears twice in the plan');
  return database.transaction(async (tx) => {
    await lockResources(
      tx,
      request.items.flatMap((i) => i.resourceIds),
    );
    for (const [index, item] of request.items.entries()) {
      try {
        const [t] = await tx.rows<{ status: TicketStatus }>(
          sql`SELECT status FROM tickets WHERE id = ${item.ticketId}`,
        );
        let version = item.expectedVersion;
        if (t?.status === 'REPORTED') {
          version = await actOnTicket(tx, {
            ticketId: item.ticketId,
            expectedVersion: version,
            action: 'ACCEPT',
            actor: request.actor,
            now,
          });
        }
        await actOnTicket(tx, {
          ticketId: item.ticketId,
          expectedVersion: version,
          action: 'DISPATCH',
          actor: request.actor,
          resourceIds: item.resourceIds,
          now,
        });
      } catch (error) {
        if (!(error instanceof YituError)) throw error;
        // Name the item at fault; nothing of the plan is applied.
        throw new YituError(
          error.code,
          `plan item ${index + 1}: ${error.message}`,
          `items.${index}${error.field ? `.${error.field}` : ''}`,
          error.reason,
          error.details,
        );
      }
    }
    return ticketIds;
  });
}
