import { sql } from 'drizzle-orm';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import { loadOne } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { PropertyCompany } from './property.type';

const columns = sql`p.id AS pk, p.code, p.name, p.has_party_branch AS "hasPartyBranch", p.phone`;
const withId = (p: PropertyCompany): PropertyCompany => ({
  ...p,
  id: toGlobalId('PropertyCompany', p.pk),
});

export const listPropertyCompanies = (
  ctx: Context,
  redOnly: boolean | undefined,
  page: KeysetPage,
): Promise<Page<PropertyCompany>> =>
  fetchPage<PropertyCompany>(
    ctx.database,
    sql`
    SELECT ${columns} FROM property_companies p ${redOnly === undefined ? sql`` : sql`WHERE p.has_party_branch = ${redOnly}`}`,
    page,
    withId,
  );

export const propertyCompanyById = (ctx: Context, pk: number) =>
  loadOne<PropertyCompany>(
    ctx,
    'property:id',
    (keys) => sql`
    SELECT ${columns} FROM property_companies p WHERE p.id = ANY(${keys}::int[])`,
    (p) => p.pk,
    withId,
  )(pk);
