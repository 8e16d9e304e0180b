import { sql } from 'drizzle-orm';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import { loadMany, loadOne } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { PartyOrganization, PartyOrgKind } from './party.type';

const columns = sql`o.id AS pk, o.code, o.name, o.kind, o.parent_id AS "parentPk", o.community_id AS "communityPk",
  o.compound_id AS "compoundPk", o.grid_id AS "gridPk", o.building_id AS "buildingPk", o.member_count AS "memberCount"`;
const withId = (o: PartyOrganization): PartyOrganization => ({
  ...o,
  id: toGlobalId('PartyOrganization', o.pk),
});

export const listPartyOrganizations = (
  ctx: Context,
  kind: PartyOrgKind | undefined,
  page: KeysetPage,
): Promise<Page<PartyOrganization>> =>
  fetchPage<PartyOrganization>(
    ctx.database,
    sql`
    SELECT ${columns} FROM party_organizations o ${kind ? sql`WHERE o.kind = ${kind}` : sql``}`,
    page,
    withId,
  );

export const partyOrgById = (ctx: Context, pk: number) =>
  loadOne<PartyOrganization>(
    ctx,
    'party:id',
    (keys) => sql`
    SELECT ${columns} FROM party_organizations o WHERE o.id = ANY(${keys}::int[])`,
    (o) => o.pk,
    withId,
  )(pk);

export const partyOrgChildren = (ctx: Context, pk: number) =>
  loadMany<PartyOrganization>(
    ctx,
    'party:children',
    (keys) => sql`
    SELECT ${columns} FROM party_organizations o WHERE o.parent_id = ANY(${keys}::int[]) ORDER BY o.code`,
    (o) => o.parentPk!,
    withId,
  )(pk);

/** The party group (党小组) of a grid. */
export const partyGroupOfGrid = (ctx: Context, gridPk: number) =>
  loadOne<PartyOrganization>(
    ctx,
    'party:grid',
    (keys) => sql`
    SELECT ${columns} FROM party_organizations o WHERE o.kind = 'GROUP' AND o.grid_id = ANY(${keys}::int[])`,
    (o) => o.gridPk!,
    withId,
  )(gridPk);

/** The party branch (党支部) of a compound. */
export const partyBranchOfCompound = (ctx: Context, compoundPk: number) =>
  loadOne<PartyOrganization>(
    ctx,
    'party:compound',
    (keys) => sql`
    SELECT ${columns} FROM party_organizations o WHERE o.kind = 'BRANCH' AND o.compound_id = ANY(${keys}::int[])`,
    (o) => o.compoundPk!,
    withId,
  )(compoundPk);
