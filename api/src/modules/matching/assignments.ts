import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, ErrorCode, YituError } from '../../errors';
import { toGlobalId } from '../../graphql/ids';
import { intArray } from '../../graphql/loaders';
import type { TicketStatus } from '../ticket/ticket-status';
import { barredReason, loadOf } from './match.sql';

// Who a DISPATCH sends, checked and written inside the ticket's transaction. Lock order is always
// resources (by id) before tickets, so concurrent dispatches queue on the resources they share
// instead of deadlocking, and a resource's load is counted after its lock is held, in a
// statement of its own (a fresh snapshot): capacity is never exceeded.

export type RefusalReason =
  | 'UNKNOWN_RESOURCE'
  | 'RETIRED'
  | 'NOT_APPROVED'
  | 'DECLINED_BEFORE'
  | 'ALREADY_ASSIGNED'
  | 'NOT_CAPABLE'
  | 'AT_CAPACITY';

export interface Refusal {
  /** The resource's global id, as the client sent it. */
  resourceId: string;
  code: string | null;
  name: string | null;
  reason: RefusalReason;
  message: string;
}

export interface CheckedResource {
  pk: number;
  code: string;
  mayDecline: boolean;
  distanceMeters: number;
  load: number;
  capacity: number;
}

/** Lock the resources (by id), in the caller's transaction. */
export async function lockResources(tx: Database, pks: number[]): Promise<void> {
  await tx.rows(sql`
    SELECT id FROM resources WHERE id = ANY(${intArray(pks)}::int[]) ORDER BY id FOR UPDATE`);
}

/**
 * Whether each resource may take the ticket: it exists, has not declined it, is not already on
 * it, can do (one of) what the category needs, and is under capacity. Every refusal is listed,
 * with its reason, in the error's `refusals` extension. Locks the resources first.
 */
export async function checkDispatch(
  tx: Database,
  ticketPk: number,
  ticketStatus: TicketStatus,
  resourcePks: number[],
): Promise<CheckedResource[]> {
  const ids = [...new Set(resourcePks)].sort((a, b) => a - b);
  if (ids.length === 0)
    throw badInput('resourceIds', 'REQUIRED', 'dispatch to at least one resource');
  if (ids.length > 20) throw badInput('resourceIds', 'TOO_MANY', 'at most 20 resources at once');
  await lockResources(tx, ids);
  const rows = await tx.rows<
    CheckedResource & {
      name: string;
      capable: boolean;
      barred: 'DECLINED_BEFORE' | 'ALREADY_ASSIGNED' | null;
      needs: string[];
      retired: boolean;
      pending: boolean;
    }
  >(sql`
    WITH t AS (
      SELECT t.id, t.location, COALESCE(c.capabilities, '{}'::text[]) AS needs
      FROM tickets t LEFT JOIN categories c ON c.code = t.category_code WHERE t.id = ${ticketPk})
    SELECT s.id AS pk, s.code, s.name, s.capacity, s.may_decline AS "mayDecline", t.needs,
      s.retired_at IS NOT NULL AS retired, s.pending_since IS NOT NULL AS pending,
      ${loadOf(sql`s.id`)} AS load,
      (cardinality(t.needs) = 0 OR s.capabilities && t.needs) AS capable,
      ST_Distance(s.location::geography, t.location::geography) AS "distanceMeters",
      ${barredReason(sql`x.status`, sql`${ticketStatus}::text`)} AS barred
    FROM resources s CROSS JOIN t
    LEFT JOIN ticket_assignments x ON x.ticket_id = t.id AND x.resource_id = s.id
    WHERE s.id = ANY(${intArray(ids)}::int[])
    ORDER BY s.id`);
  const refusals: Refusal[] = [];
  for (const id of ids) {
    const r = rows.find((row) => row.pk === id);
    const refuse = (reason: RefusalReason, message: string) =>
      refusals.push({
        resourceId: toGlobalId('Resource', id),
        code: r?.code ?? null,
        name: r?.name ?? null,
        reason,
        message,
      });
    if (!r) refuse('UNKNOWN_RESOURCE', 'a resource does not exist');
    else if (r.retired) refuse('RETIRED', `${r.name} has been retired (撤销)`);
    // 双报到: a party member's registration the community has not approved yet
    else if (r.pending) refuse('NOT_APPROVED', `${r.name} awaits the community’s approval`);
    else if (r.barred === 'DECLINED_BEFORE') refuse(r.barred, `${r.name} declined this ticket`);
    else if (r.barred === 'ALREADY_ASSIGNED')
      refuse(r.barred, `${r.name} is already on this ticket`);
    else if (!r.capable)
      refuse('NOT_CAPABLE', `${r.name} cannot do what this ticket needs (${r.needs.join(', ')})`);
    else if (r.load >= r.capacity)
      refuse('AT_CAPACITY', `${r.name} is at capacity (${r.load} of ${r.capacity} open tickets)`);
  }
  if (refusals.length > 0) {
    const reasons = new Set(refusals.map((r) => r.reason));
    throw new YituError(
      ErrorCode.BAD_USER_INPUT,
      `cannot dispatch: ${refusals.map((r) => r.message).join('; ')}`,
      'resourceIds',
      reasons.size === 1 ? [...reasons][0] : 'NOT_DISPATCHABLE',
      { refusals },
    );
  }
  return rows;
}

/** Write the assignments of a dispatch that checkDispatch allowed (same transaction). */
export async function writeAssignments(
  tx: Database,
  ticketPk: number,
  ticketStatus: TicketStatus,
  resources: CheckedResource[],
  actor: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  if (ticketStatus === 'ACCEPTED') {
    await tx.db.execute(sql`
      UPDATE ticket_assignments SET status = 'RELEASED'
      WHERE ticket_id = ${ticketPk} AND status IN ('OFFERED', 'ACCEPTED')`);
  }
  const rows = resources.map((r) => ({
    resourceId: r.pk,
    // Those who may not decline (departments, law enforcement) take it at once.
    status: r.mayDecline ? 'OFFERED' : 'ACCEPTED',
    match: { distanceMeters: Math.round(r.distanceMeters), load: r.load, capacity: r.capacity },
  }));
  await tx.db.execute(sql`
    INSERT INTO ticket_assignments (ticket_id, resource_id, status, assigned_by, assigned_at, responded_at, match)
    SELECT ${ticketPk}, r."resourceId", r.status::assignment_status, ${actor}, ${at}::timestamptz,
      CASE WHEN r.status = 'ACCEPTED' THEN ${at}::timestamptz END, r.match
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("resourceId" int, status text, match jsonb)
    ON CONFLICT (ticket_id, resource_id) DO UPDATE SET status = EXCLUDED.status,
      assigned_by = EXCLUDED.assigned_by, assigned_at = EXCLUDED.assigned_at,
      responded_at = EXCLUDED.responded_at, decline_reason = NULL, match = EXCLUDED.match
    WHERE ticket_assignments.status = 'RELEASED'`);
}
