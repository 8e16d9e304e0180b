import { sql } from 'drizzle-orm';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import type { Category } from './category.type';

const columns = sql`code, name_zh AS "nameZh", name_en AS "nameEn", level, respond_hours AS "respondHours",
  resolve_hours AS "resolveHours", capabilities, examples`;
const withId = (c: Category): Category => ({ ...c, id: toGlobalId('Category', c.code) });

/** The taxonomy is small (16 rows): one statement per request, shared by every ticket. */
async function all(ctx: Context): Promise<Map<string, Category>> {
  const loader = ctx.loaders.get<'all', Map<string, Category>>('category:all', async (keys) => {
    const rows = await ctx.database.rows<Category>(
      sql`SELECT ${columns} FROM categories ORDER BY code`,
    );
    const map = new Map(rows.map((r) => [r.code, withId(r)]));
    return keys.map(() => map);
  });
  return loader.load('all');
}

export const listCategories = async (ctx: Context) => [...(await all(ctx)).values()];
export const categoryByCode = async (ctx: Context, code: string) =>
  (await all(ctx)).get(code) ?? null;
