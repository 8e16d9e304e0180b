import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { resources, ticketAssignments } from '../../db/schema';
import type { Context } from '../../graphql/context';
import { badInput } from '../../errors';
import { toGlobalId } from '../../graphql/ids';
import { alignMany, alignOne, defineLoader, manyByKey, oneByKey } from '../../graphql/loaders';
import { checkRadius } from '../../graphql/filter';
import type { ResourceKind } from '../resource/resource.type';
import { communityLists, type CommunityLists as Lists } from './lists.repo';
import { loadOf, matchTickets, type MatchRow } from './match.sql';
import type { CommunityLists, ResourceMatch, TicketAssignment } from './matching.type';

// Reads for the matching GraphQL types: assignments, load, ranked matches and the lists.

const a = alias(ticketAssignments, 'a');
const s = alias(resources, 's');

const assignmentColumns = sql`${a.id} AS pk, ${a.ticketId} AS "ticketPk", ${a.resourceId} AS "resourcePk",
  ${a.status}, ${a.assignedBy} AS "assignedBy", ${a.assignedAt} AS "assignedAt",
  ${a.respondedAt} AS "respondedAt", ${a.declineReason} AS "declineReason"`;
const assignmentWithId = (row: TicketAssignment): TicketAssignment => ({
  ...row,
  id: toGlobalId('TicketAssignment', row.pk),
});

export const assignmentById = oneByKey<TicketAssignment>(
  (keys) => sql`
    SELECT ${assignmentColumns} FROM ${ticketAssignments} ${a} WHERE ${a.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  assignmentWithId,
);

export const assignmentsOfTicket = manyByKey<TicketAssignment>(
  (keys) => sql`
    SELECT ${assignmentColumns} FROM ${ticketAssignments} ${a} WHERE ${a.ticketId} = ANY(${keys}::int[])
    ORDER BY ${a.assignedAt}, ${a.id}`,
  (row) => row.ticketPk,
  assignmentWithId,
);

/** Open tickets each resource holds now, batched per request. */
const loads = oneByKey<{ pk: number; load: number }>(
  (keys) => sql`
    SELECT ${s.id} AS pk, ${loadOf(sql`${s.id}`)} AS load FROM ${resources} ${s}
    WHERE ${s.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  (row) => row,
);
export const loadOfResource = async (ctx: Context, resourcePk: number) =>
  (await loads(ctx, resourcePk))?.load ?? 0;

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

// Batched per request: a list of tickets asking for their matches runs one statement.
const matches = defineLoader<number, ResourceMatch[], MatchArgs & { now: Date }>(
  async (ctx, keys, options) =>
    alignMany(keys, await matchTickets(ctx.database, [...keys], options), (m) => m.ticketPk).map(
      (rows) => rows.map(toResourceMatch),
    ),
  ({ now: _now, ...args }) => JSON.stringify(args),
);

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
  return matches(ctx, { ...args, now: ctx.now() }).load(ticketPk);
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

const communityListsLoader = defineLoader<number, CommunityLists | null>(async (ctx, keys) =>
  alignOne(
    keys,
    (await communityLists(ctx, { communityPks: keys })).map(toGraph),
    (l) => l.communityPk,
  ),
);

/** One community's lists, batched when a page of regions asks for them. */
export const listsOfCommunity = (ctx: Context, communityPk: number) =>
  communityListsLoader(ctx).load(communityPk);
