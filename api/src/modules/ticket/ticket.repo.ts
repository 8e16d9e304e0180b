import { sql } from 'drizzle-orm';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { intArray, loadMany, loadOne, alignMany } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import { TICKET_STATUSES } from './ticket-status';
import type { Ticket, TicketEvent } from './ticket.type';

const OPEN = sql`t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')`;
const columns = sql`t.id AS pk, t.code, t.category_code AS "categoryCode", t.status, t.level, t.channel,
  t.compound_id AS "compoundPk", t.grid_id AS "gridPk", t.building_id AS "buildingPk",
  t.community_id AS "communityPk", t.description, t.reported_at AS "reportedAt", t.respond_by AS "respondBy",
  t.resolve_by AS "resolveBy", t.accepted_at AS "acceptedAt", t.resolved_at AS "resolvedAt",
  t.closed_at AS "closedAt", t.satisfaction, t.version,
  (${OPEN} AND t.status <> 'SUSPENDED' AND t.resolve_by < now()) AS overdue,
  json_build_array(ST_X(t.location), ST_Y(t.location)) AS "lonLat"`;
const withId = (t: Ticket): Ticket => ({
  ...t,
  id: toGlobalId('Ticket', t.pk),
  // node-postgres parses timestamptz; PGlite too — but JSON-built rows would not: normalise.
  reportedAt: new Date(t.reportedAt),
});

export interface TicketQuery {
  filter?: PlaceFilter | undefined;
  statuses?: string[] | undefined;
  categoryCode?: string | undefined;
  openOnly?: boolean | undefined;
  overdueOnly?: boolean | undefined;
}

function conditions(q: TicketQuery) {
  const parts = [sql`true`];
  if (q.statuses?.length) {
    for (const s of q.statuses) {
      if (!(TICKET_STATUSES as readonly string[]).includes(s))
        throw badInput('status', 'UNKNOWN', `unknown status ${s}`);
    }
    parts.push(sql`t.status::text = ANY(${`{${q.statuses.join(',')}}`}::text[])`);
  }
  if (q.categoryCode) parts.push(sql`t.category_code = ${q.categoryCode}`);
  if (q.openOnly) parts.push(OPEN);
  if (q.overdueOnly) parts.push(sql`${OPEN} AND t.status <> 'SUSPENDED' AND t.resolve_by < now()`);
  return sql.join(parts, sql` AND `);
}

export async function listTickets(
  ctx: Context,
  q: TicketQuery,
  page: KeysetPage,
): Promise<Page<Ticket>> {
  const where = await filterSql(ctx.database, q.filter, {
    geometry: sql`t.location`,
    community: sql`t.community_id`,
    searchable: [sql`t.code`, sql`t.description`],
  });
  return fetchPage<Ticket>(
    ctx.database,
    sql`SELECT ${columns} FROM tickets t WHERE ${where} AND ${conditions(q)}`,
    page,
    withId,
  );
}

export const ticketById = (ctx: Context, pk: number) =>
  loadOne<Ticket>(
    ctx,
    'ticket:id',
    (keys) => sql`SELECT ${columns} FROM tickets t WHERE t.id = ANY(${keys}::int[])`,
    (t) => t.pk,
    withId,
  )(pk);

/**
 * The latest tickets of many places at once (a window per place), so a list of compounds or
 * grids with their tickets is one statement.
 */
export function ticketsOf(
  ctx: Context,
  place: 'compound' | 'grid' | 'community',
  pk: number,
  q: TicketQuery & { first: number },
) {
  if (!Number.isInteger(q.first) || q.first < 1 || q.first > 100)
    throw badInput('first', 'OUT_OF_RANGE', 'first must be 1–100');
  const column = sql.identifier(`${place}_id`);
  const name = `ticket:${place}:${q.first}:${JSON.stringify([q.statuses, q.categoryCode, q.openOnly, q.overdueOnly])}`;
  return ctx.loaders
    .get<number, Ticket[]>(name, async (keys) => {
      const rows = await ctx.database.rows<Ticket & { placeKey: number }>(sql`
        SELECT * FROM (
          SELECT t.${column} AS "placeKey", ${columns},
            row_number() OVER (PARTITION BY t.${column} ORDER BY t.reported_at DESC, t.id DESC) AS n
          FROM tickets t WHERE t.${column} = ANY(${intArray(keys)}::int[]) AND ${conditions(q)}
        ) x WHERE n <= ${q.first} ORDER BY "placeKey", n`);
      return alignMany(
        keys,
        rows.map((r) => withId(r) as Ticket & { placeKey: number }),
        (r) => r.placeKey,
      );
    })
    .load(pk);
}

const eventColumns = sql`e.id::int AS pk, e.ticket_id AS "ticketPk", e.type, e.from_status AS "fromStatus",
  e.to_status AS "toStatus", e.actor, e.reason, e.data, e.at`;
const eventWithId = (e: TicketEvent): TicketEvent => ({
  ...e,
  id: toGlobalId('TicketEvent', e.pk),
});

export const eventById = (ctx: Context, pk: number) =>
  loadOne<TicketEvent>(
    ctx,
    'event:id',
    (keys) => sql`
    SELECT ${eventColumns} FROM ticket_events e WHERE e.id = ANY(${keys}::bigint[])`,
    (e) => e.pk,
    eventWithId,
  )(pk);

export const eventsOfTicket = (ctx: Context, pk: number) =>
  loadMany<TicketEvent>(
    ctx,
    'event:ticket',
    (keys) => sql`
    SELECT ${eventColumns} FROM ticket_events e WHERE e.ticket_id = ANY(${keys}::int[]) ORDER BY e.at, e.id`,
    (e) => e.ticketPk,
    eventWithId,
  )(pk);
