import { sql } from 'drizzle-orm';
import type { Context } from '../../graphql/context';
import { badInput } from '../../errors';
import { toGlobalId } from '../../graphql/ids';
import { alignMany, alignOne, intArray, loadMany, loadOne } from '../../graphql/loaders';
import { checkRadius } from '../../graphql/filter';
import type { ResourceKind } from '../resource/resource.type';
import { communityLists, type CommunityLists as Lists } from './lists.repo';
import { loadOf, matchTickets, type MatchRow } from './match.sql';
import type { CommunityLists, ResourceMatch, TicketAssignment } from './matching.type';

// Reads for the matching GraphQL types: assignments, load, ranked matches and the lists.

const assignmentColumns = sql`a.id AS pk, a.ticket_id AS "ticketPk", a.resource_id AS "resourcePk",
  a.status, a.assigned_by AS "assignedBy", a.assigned_at AS "assignedAt",
  a.responded_at AS "respondedAt", a.decline_reason AS "declineReason"`;
const assignmentWithId = (a: TicketAssignment): TicketAssignment => ({
  ...a,
  id: toGlobalId('TicketAssignment', a.pk),
});

export const assignmentById = (ctx: Context, pk: number) =>
  loadOne<TicketAssignment>(
    ctx,
    'assignment:id',
    (keys) => sql`
    SELECT ${assignmentColumns} FROM ticket_assignments a WHERE a.id = ANY(${keys}::int[])`,
    (a) => a.pk,
    assignmentWithId,
  )(pk);

export const assignmentsOfTicket = (ctx: Context, ticketPk: number) =>
  loadMany<TicketAssignment>(
    ctx,
    'assignment:ticket',
    (keys) => sql`
    SELECT ${assignmentColumns} FROM ticket_assignments a WHERE a.ticket_id = ANY(${keys}::int[])
    ORDER BY a.assigned_at, a.id`,
    (a) => a.ticketPk,
    assignmentWithId,
  )(ticketPk);

/** Open tickets each resource holds now, batched per request. */
export const loadOfResource = (ctx: Context, resourcePk: number) =>
  ctx.loaders
    .get<number, number>('resource:load', async (keys) => {
      const rows = await ctx.database.rows<{ pk: number; load: number }>(sql`
        SELECT s.id AS pk, ${loadOf(sql`s.id`)} AS load FROM resources s
        WHERE s.id = ANY(${intArray(keys)}::int[])`);
      return alignOne(keys, rows, (r) => r.pk).map((r) => r?.load ?? 0);
    })
    .load(resourcePk);

export interface MatchArgs {
  first: number;
  kind?: ResourceKind | undefined;
  availableNow?: boolean | undefined;
  maxDistanceMeters?: number | undefined;
}

export const toResourceMatch = (m: MatchRow): ResourceMatch =>
  ({
    ...m,
    record: {
      sample: m.recordSample,
      counts: m.recordCounts,
      onTimeRate: m.onTimeRate,
      satisfaction: m.satisfaction,
    },
  }) as unknown as ResourceMatch;

/** Ranked candidates for one ticket (NOT_FOUND checked by the caller). */
export async function matchesForTicket(
  ctx: Context,
  ticketPk: number,
  args: MatchArgs,
): Promise<ResourceMatch[]> {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 50) {
    throw badInput('first', 'OUT_OF_RANGE', 'first must be 1–50');
  }
  if (args.maxDistanceMeters !== undefined)
    checkRadius(args.maxDistanceMeters, 'maxDistanceMeters');
  // Batched per request: a list of tickets asking for their matches runs one statement.
  const options = { ...args, now: ctx.now() };
  return ctx.loaders
    .get<number, ResourceMatch[]>(`ticket:matches:${JSON.stringify(args)}`, async (keys) =>
      alignMany(keys, await matchTickets(ctx.database, [...keys], options), (m) => m.ticketPk).map(
        (rows) => rows.map(toResourceMatch),
      ),
    )
    .load(ticketPk);
}

const toGraph = (l: Lists): CommunityLists => {
  const gaps = l.balances.map(({ categoryCode, openTickets, freeCapacity, gap }) => ({
    categoryCode,
    openTickets,
    freeCapacity,
    gap,
  }));
  return {
    communityPk: l.communityPk,
    demand: l.balances
      .filter((b) => b.openTickets > 0 || b.last90Days > 0)
      .map(({ categoryCode, openTickets, last90Days }) => ({
        categoryCode,
        openTickets,
        last90Days,
      }))
      .sort((a, b) => b.openTickets - a.openTickets || b.last90Days - a.last90Days),
    resources: l.balances
      .filter((b) => b.resourceCount > 0)
      .map(({ categoryCode, resourceCount, capacity, freeCapacity }) => ({
        categoryCode,
        resourceCount,
        capacity,
        freeCapacity,
      })),
    services: l.services,
    gaps,
    shortfall: Math.round(gaps.reduce((sum, g) => sum + Math.max(0, g.gap), 0) * 10) / 10,
  };
};

export async function listsUnder(ctx: Context, regionPk: number | undefined) {
  return (await communityLists(ctx, { underRegionPk: regionPk })).map(toGraph);
}

/** One community's lists, batched when a page of regions asks for them. */
export const listsOfCommunity = (ctx: Context, communityPk: number) =>
  ctx.loaders
    .get<number, CommunityLists | null>('community:lists', async (keys) =>
      alignOne(
        keys,
        (await communityLists(ctx, { communityPks: keys })).map(toGraph),
        (l) => l.communityPk,
      ),
    )
    .load(communityPk);
