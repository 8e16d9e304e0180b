import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  grids,
  gridWorkers,
  photos,
  ticketEvents,
  ticketFollowers,
  tickets,
} from '../../db/schema';

const g = alias(grids, 'g');
const w = alias(gridWorkers, 'w');
import type { KeysetPage, Page, PageArgs } from '../../graphql/connection';
import type { TicketScope } from '../../auth/policy';
import type { Context } from '../../graphql/context';
import { badInput } from '../../errors';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { manyByKey, oneByKey } from '../../graphql/loaders';
import type { Photo } from './ticket.input';
import { fetchPage, pageByKey } from '../../graphql/page';
import { TICKET_STATUSES } from './ticket-status';
import { openTicket, overdueTicket, t, urgentFirstKey, urgentTicket } from './ticket-sql';
import type { Ticket, TicketEvent } from './ticket.type';

// `t` as ticket-sql.ts and the viewer's ticket scope (auth/policy.ts) name it
const e = alias(ticketEvents, 'e');
const p = alias(photos, 'p');

const columns = (
  now: Date,
) => sql`${t.id} AS pk, ${t.code}, ${t.categoryCode} AS "categoryCode", ${t.status}, ${t.level}, ${t.channel},
  ${t.compoundId} AS "compoundPk", ${t.gridId} AS "gridPk", ${t.buildingId} AS "buildingPk",
  ${t.communityId} AS "communityPk", ${t.description}, ${t.reportedAt} AS "reportedAt", ${t.respondBy} AS "respondBy",
  ${t.resolveBy} AS "resolveBy", ${t.acceptedAt} AS "acceptedAt", ${t.resolvedAt} AS "resolvedAt",
  ${t.closedAt} AS "closedAt", ${t.satisfaction}, ${t.version},
  ${t.reporterName} AS "reporterName", ${t.reporterPhone} AS "reporterPhone",
  ${overdueTicket(now)} AS overdue, ${urgentTicket} AS urgent, ${t.emergencyKind} AS "emergencyKind",
  ${t.emergencyNumber} AS "emergencyNumber", ${urgentFirstKey} AS "pageKey",
  ${t.duplicateOfId} AS "duplicateOfPk",
  -- 附议: residents who followed it instead of filing, and tickets marked as its duplicates
  ((SELECT count(*) FROM ${ticketFollowers} f WHERE f.ticket_id = ${t.id})
    + (SELECT count(*) FROM ${tickets} d WHERE d.duplicate_of_id = ${t.id}))::int AS seconds,
  json_build_array(ST_X(${t.location}), ST_Y(${t.location})) AS "lonLat"`;
const withId = (row: Ticket): Ticket => ({ ...row, id: toGlobalId('Ticket', row.pk) });

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
    parts.push(sql`${t.status}::text = ANY(${`{${q.statuses.join(',')}}`}::text[])`);
  }
  if (q.categoryCode) parts.push(sql`${t.categoryCode} = ${q.categoryCode}`);
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
    geometry: sql`${t.location}`,
    community: sql`${t.communityId}`,
    searchable: [sql`${t.code}`, sql`${t.description}`],
  });
  return fetchPage<Ticket>(
    ctx.database,
    sql`SELECT ${columns(ctx.now())} FROM ${tickets} ${t}
      WHERE ${where} AND ${conditions(q, ctx.now())} AND ${readable}`,
    page,
    withId,
    'pageKey',
  );
}

export const ticketById = oneByKey<Ticket>(
  (keys, ctx) =>
    sql`SELECT ${columns(ctx.now())} FROM ${tickets} ${t} WHERE ${t.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

type TicketPlace = 'compound' | 'grid' | 'community';
const placeColumn = { compound: t.compoundId, grid: t.gridId, community: t.communityId };

// the viewer's scope is the same all through a request: it makes no loader of its own
const ticketPages = pageByKey<
  Ticket,
  { readable: TicketScope; place: TicketPlace; q: TicketQuery }
>(
  'placeKey',
  (keys, ctx, { readable, place, q }) => sql`
    SELECT ${placeColumn[place]} AS "placeKey", ${columns(ctx.now())}
    FROM ${tickets} ${t} WHERE ${placeColumn[place]} = ANY(${keys}::int[]) AND ${conditions(q, ctx.now())}
      AND ${readable}`,
  withId,
  ({ place, q }) =>
    `${place}:${JSON.stringify([q.statuses, q.categoryCode, q.openOnly, q.overdueOnly])}`,
  'pageKey',
);

/** The tickets of many places at once (a page per place), so a list of places with their tickets is one statement. */
export const ticketsOf = (
  ctx: Context,
  readable: TicketScope,
  place: TicketPlace,
  pk: number,
  args: PageArgs,
  q: TicketQuery,
) => ticketPages(ctx, pk, args, { readable, place, q });

const eventColumns = sql`${e.id}::int AS pk, ${e.ticketId} AS "ticketPk", ${e.type}, ${e.fromStatus} AS "fromStatus",
  ${e.toStatus} AS "toStatus", ${e.actor}, ${e.reason}, ${e.data}, ${e.at}`;
const eventWithId = (row: TicketEvent): TicketEvent => ({
  ...row,
  id: toGlobalId('TicketEvent', row.pk),
});

export const eventById = oneByKey<TicketEvent>(
  (keys) => sql`
    SELECT ${eventColumns} FROM ${ticketEvents} ${e} WHERE ${e.id} = ANY(${keys}::bigint[])`,
  (row) => row.pk,
  eventWithId,
);

/** The event log, in the order it was written (ids grow with time). */
export const eventsOfTicket = pageByKey<TicketEvent>(
  'ticketPk',
  (keys) => sql`
    SELECT ${eventColumns} FROM ${ticketEvents} ${e} WHERE ${e.ticketId} = ANY(${keys}::int[])`,
  eventWithId,
);

export const photosOfTicket = manyByKey<Photo>(
  (keys) => sql`
    SELECT ${p.ticketId} AS "ticketPk", '/photos/' || ${p.key} AS url, '/photos/' || ${p.key} || '/thumbnail' AS "thumbnailUrl",
      ${p.contentType} AS "contentType", ${p.width}, ${p.height}
    FROM ${photos} ${p} WHERE ${p.ticketId} = ANY(${keys}::int[]) ORDER BY ${p.id}`,
  (row) => row.ticketPk,
  (row) => row,
);

/**
 * The grid (and its community) of the grid worker a patrol report names; null for none. The
 * policy asks (whose jurisdiction) and the resolver asks (does it exist): one indexed row each,
 * on patrol reports only; a loader would not save it, since a mutation's checks clear them.
 */
export async function patrolGrid(
  ctx: Context,
  gridWorkerCode: string,
): Promise<{ pk: number; communityPk: number } | null> {
  const [grid] = await ctx.database.rows<{ pk: number; communityPk: number }>(sql`
    SELECT ${g.id} AS pk, ${g.communityId} AS "communityPk"
    FROM ${gridWorkers} ${w} JOIN ${grids} ${g} ON ${g.id} = ${w.gridId}
    WHERE ${w.code} = ${gridWorkerCode.slice(0, 100)}`);
  return grid ?? null;
}
