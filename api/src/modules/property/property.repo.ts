import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { prerendered } from '../../db/prerender';
import { propertyCompanies } from '../../db/schema';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import { oneByKey } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { PropertyCompany } from './property.type';

const p = alias(propertyCompanies, 'p');

// rendered once: every list and look-up of these rows holds it (db/prerender.ts)
const columns = prerendered(
  sql`${p.id} AS pk, ${p.code}, ${p.name}, ${p.hasPartyBranch} AS "hasPartyBranch", ${p.phone}`,
);
const withId = (row: PropertyCompany): PropertyCompany => ({
  ...row,
  id: toGlobalId('PropertyCompany', row.pk),
});

export const listPropertyCompanies = (
  ctx: Context,
  redOnly: boolean | undefined,
  page: KeysetPage,
): Promise<Page<PropertyCompany>> =>
  fetchPage<PropertyCompany>(
    ctx.database,
    sql`
    SELECT ${columns} FROM ${propertyCompanies} ${p} ${redOnly === undefined ? sql`` : sql`WHERE ${p.hasPartyBranch} = ${redOnly}`}`,
    page,
    withId,
  );

export const propertyCompanyById = oneByKey<PropertyCompany>(
  (keys) => sql`
    SELECT ${columns} FROM ${propertyCompanies} ${p} WHERE ${p.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

/** A property company by key, as a statement's row (for answers written whole in SQL). */
export const propertyCompanyRow = (key: SQL) =>
  sql`SELECT ${columns} FROM ${propertyCompanies} ${p} WHERE ${p.id} = ${key}`;
