import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { categories } from '../../db/schema';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import { defineLoader } from '../../graphql/loaders';
import type { Category } from './category.type';

const k = alias(categories, 'k');
const columns = sql`${k.code}, ${k.nameZh} AS "nameZh", ${k.nameEn} AS "nameEn", ${k.level},
  ${k.respondHours} AS "respondHours", ${k.resolveHours} AS "resolveHours", ${k.capabilities},
  ${k.examples}, ${k.duplicateRadiusM} AS "duplicateRadiusM", ${k.emergencyNumber} AS "emergencyNumber"`;
const withId = (c: Category): Category => ({ ...c, id: toGlobalId('Category', c.code) });

/** The taxonomy is small (16 rows): one statement per request, shared by every ticket. */
const taxonomy = defineLoader<'all', Map<string, Category>>(async (ctx, keys) => {
  const rows = await ctx.database.rows<Category>(
    sql`SELECT ${columns} FROM ${categories} ${k} ORDER BY ${k.code}`,
  );
  const map = new Map(rows.map((r) => [r.code, withId(r)]));
  return keys.map(() => map);
});
const all = (ctx: Context) => taxonomy(ctx).load('all');

export const listCategories = async (ctx: Context) => [...(await all(ctx)).values()];
export const categoryByCode = async (ctx: Context, code: string) =>
  (await all(ctx)).get(code) ?? null;
