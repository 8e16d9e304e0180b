import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { partyOrganizations } from '../../db/schema';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import { manyByKey, oneByKey } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { PartyOrganization, PartyOrgKind } from './party.type';

const o = alias(partyOrganizations, 'o');

const columns = sql`${o.id} AS pk, ${o.code}, ${o.name}, ${o.kind}, ${o.parentId} AS "parentPk", ${o.communityId} AS "communityPk",
  ${o.compoundId} AS "compoundPk", ${o.gridId} AS "gridPk", ${o.buildingId} AS "buildingPk", ${o.memberCount} AS "memberCount"`;
const withId = (row: PartyOrganization): PartyOrganization => ({
  ...row,
  id: toGlobalId('PartyOrganization', row.pk),
});

export const listPartyOrganizations = (
  ctx: Context,
  kind: PartyOrgKind | undefined,
  page: KeysetPage,
): Promise<Page<PartyOrganization>> =>
  fetchPage<PartyOrganization>(
    ctx.database,
    sql`
    SELECT ${columns} FROM ${partyOrganizations} ${o} ${kind ? sql`WHERE ${o.kind} = ${kind}` : sql``}`,
    page,
    withId,
  );

export const partyOrgById = oneByKey<PartyOrganization>(
  (keys) => sql`
    SELECT ${columns} FROM ${partyOrganizations} ${o} WHERE ${o.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

export const partyOrgChildren = manyByKey<PartyOrganization>(
  (keys) => sql`
    SELECT ${columns} FROM ${partyOrganizations} ${o} WHERE ${o.parentId} = ANY(${keys}::int[]) ORDER BY ${o.code}`,
  (row) => row.parentPk!,
  withId,
);

/** The party group (党小组) of a grid. */
export const partyGroupOfGrid = oneByKey<PartyOrganization>(
  (keys) => sql`
    SELECT ${columns} FROM ${partyOrganizations} ${o} WHERE ${o.kind} = 'GROUP' AND ${o.gridId} = ANY(${keys}::int[])`,
  (row) => row.gridPk!,
  withId,
);

/** The party branch (党支部) of a compound. */
export const partyBranchOfCompound = oneByKey<PartyOrganization>(
  (keys) => sql`
    SELECT ${columns} FROM ${partyOrganizations} ${o} WHERE ${o.kind} = 'BRANCH' AND ${o.compoundId} = ANY(${keys}::int[])`,
  (row) => row.compoundPk!,
  withId,
);
