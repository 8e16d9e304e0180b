import { sql } from 'drizzle-orm';
import type { KeysetPage, Page, PageArgs } from '../../graphql/connection';
import type { TicketScope } from '../../auth/policy';
import type { Context } from '../../graphql/context';
import { badInput } from '../../errors';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { loadMany, loadOne } from '../../graphql/loaders';
import type { Photo } from './ticket.input';
import { fetchPage, loadPage } from '../../graphql/page';
import { TICKET_STATUSES } from './ticket-status';
import { openTicket, overdueTicket } from './ticket-sql';
import type { Ticket, TicketEvent } from './ticket.type';

const columns = (
  now: Date,
) => sql`t.id AS pk, t.code, t.category_code AS "categoryCode", t.status, t.level, t.channel,
  t.compound_id AS "compoundPk", t.grid_id AS "gridPk", t.building_id AS "buildingPk",
  t.community_id AS "communityPk", t.description, t.reported_at AS "reportedAt", t.respond_by AS "respondBy",
  t.resolve_by AS "resolveBy", t.accepted_at AS "acceptedAt", t.resolved_at AS "resolvedAt",
  t.closed_at AS "closedAt", t.satisfaction, t.version,
  t.reporter_name AS "reporterName", t.reporter_phone AS "reporterPhone",
  ${overdueTicket(now)} AS overdue,
  json_build_array(ST_X(t.location), ST_Y(t.location)) AS "lonLat"`;
const withId = (t: Ticket): Ticket => ({ ...t, id: toGlobalId('Ticket', t.pk) });

export interface TicketQuery {
  filter?: PlaceFilter | undefined;
  statuses?: string[] | undefined;
  categoryCode?: string | undefined;
  openOnly?: boolean | undefined;
  overdueOnly?: boolean | undefined;
}

function conditions(q: TicketQuery, now: Date) {
  const parts = [sql`true`];
  if (q.statuses?.length) {
    for (const s of q.statuses) {
      if (!(TICKET_STATUSES as readonly string[]).includes(s))
        throw badInput('status', 'UNKNOWN', `unknown status ${s}`);
    }
    parts.push(sql`t.status::text = ANY(${`{${q.statuses.join(',')}}`}::text[])`);
  }
  if (q.categoryCode) parts.push(sql`t.category_code = ${q.categoryCode}`);
  if (q.openOnly) parts.push(openTicket);
  if (q.overdueOnly) parts.push(overdueTicket(now));
  return sql.join(parts, sql` AND `);
}

/** The tickets `readable` lets the viewer see (the policy's ticketScope), filtered by `q`. */
export async function listTickets(
  ctx: Context,
  readable: TicketScope,
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
    sql`SELECT ${columns(ctx.now())} FROM tickets t
      WHERE ${where} AND ${conditions(q, ctx.now())} AND ${readable}`,
    page,
    withId,
  );
}

export const ticketById = (ctx: Context, pk: number) =>
  loadOne<Ticket>(
    ctx,
    'ticket:id',
    (keys) => sql`SELECT ${columns(ctx.now())} FROM tickets t WHERE t.id = ANY(${keys}::int[])`,
    (t) => t.pk,
    withId,
  )(pk);

/** The tickets of many places at once (a page per place), so a list of places with their tickets is one statement. */
export function ticketsOf(
  ctx: Context,
  readable: TicketScope,
  place: 'compound' | 'grid' | 'community',
  pk: number,
  args: PageArgs,
  q: TicketQuery,
) {
  const column = sql.identifier(`${place}_id`);
  const name = `ticket:${place}:${JSON.stringify([q.statuses, q.categoryCode, q.openOnly, q.overdueOnly])}`;
  return loadPage<Ticket>(
    ctx,
    name,
    args,
    'placeKey',
    (keys) => sql`
    SELECT t.${column} AS "placeKey", ${columns(ctx.now())}
    FROM tickets t WHERE t.${column} = ANY(${keys}::int[]) AND ${conditions(q, ctx.now())}
      AND ${readable}`,
    withId,
  )(pk);
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

/** The event log, in the order it was written (ids grow with time). */
export const eventsOfTicket = (ctx: Context, pk: number, args: PageArgs) =>
  loadPage<TicketEvent>(
    ctx,
    'event:ticket',
    args,
    'ticketPk',
    (keys) => sql`
    SELECT ${eventColumns} FROM ticket_events e WHERE e.ticket_id = ANY(${keys}::int[])`,
    eventWithId,
  )(pk);

export const photosOfTicket = (ctx: Context, pk: number) =>
  loadMany<Photo>(
    ctx,
    'photo:ticket',
    (keys) => sql`
    SELECT ticket_id AS "ticketPk", '/photos/' || key AS url, '/photos/' || key || '/thumbnail' AS "thumbnailUrl",
      content_type AS "contentType", width, height
    FROM photos WHERE ticket_id = ANY(${keys}::int[]) ORDER BY id`,
    (p) => p.ticketPk,
    (p) => p,
  )(pk);
