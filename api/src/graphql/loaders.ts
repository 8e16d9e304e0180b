import { sql, type SQL } from 'drizzle-orm';
import type { GraphQLResolveInfo } from 'graphql';
import { relatedWithRows, type RowsAlsoRead } from './with-rows';
import type { Context } from './context';
import DataLoader from 'dataloader';

// Per-request batching: every edge and aggregate goes through a loader, so a nested query costs
// one statement per field per level, whatever the number of rows. A loader is declared once, at
// module level (defineLoader); its key and value types travel with the declaration, and the
// request holds one DataLoader per declaration and variant (a page size, a filter). No names:
// two modules cannot share, or collide on, a loader by spelling the same string. A loader's
// statement has one text whatever its keys (they are one int[] parameter), so it runs prepared
// (Database.preparedRows): planned once per connection, not once per request.

const made = Symbol('loaders');

export class Loaders {
  /** The request's DataLoaders, by declaration, then by variant. */
  readonly [made] = new Map<object, Map<string, DataLoader<unknown, unknown>>>();

  /** Forget everything loaded so far: what a mutation returns must be read after it ran. */
  clear(): void {
    this[made].clear();
  }
}

/**
 * Declares a loader: `batch` answers many keys at once (one value per key, in key order); the
 * request's DataLoader for `options` is made on first use. Options that change the answer must
 * change `variant` too, so each gets a loader of its own.
 */
export function defineLoader<K, V, O = void>(
  batch: (ctx: Context, keys: readonly K[], options: O) => Promise<V[]>,
  variant: (options: O) => string = () => '',
): (ctx: Context, options: O) => DataLoader<K, V> {
  const declaration = {};
  return (ctx, options) => {
    let variants = ctx.loaders[made].get(declaration);
    if (!variants) {
      variants = new Map();
      ctx.loaders[made].set(declaration, variants);
    }
    const name = variant(options);
    let loader = variants.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>((keys) => batch(ctx, keys, options), { maxBatchSize: 1000 });
      variants.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  };
}

/** Order rows as keys (missing → null). */
export function alignOne<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): (R | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Group rows per key, in the order of keys (missing → []). */
export function alignMany<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** An int[] parameter that both drivers pass the same way. */
export const intArray = (keys: readonly number[]) =>
  `{${keys.map((k) => Math.trunc(k)).join(',')}}`;

/**
 * One row per int key (or null): `query` gets the keys as an int[] literal (or, read with a
 * list's rows, an ARRAY of the row's key).
 */
export function oneByKey<T>(
  query: (keys: string | SQL, ctx: Context) => SQL,
  keyOf: (row: T) => number,
  map: (row: T) => T,
): ((ctx: Context, key: number) => Promise<T | null>) & {
  /** The row this loader reads, for the rows of a list that ask it as `field` (page.ts). */
  withRows(
    ctx: Context,
    info: GraphQLResolveInfo,
    field: string,
    foreignKey: string,
  ): RowsAlsoRead | null;
} {
  const loader = defineLoader<number, T | null>(async (ctx, keys) =>
    alignOne(
      keys,
      (await ctx.database.preparedRows<T>(query(intArray(keys), ctx))).map(map),
      keyOf,
    ),
  );
  return Object.assign((ctx: Context, key: number) => loader(ctx).load(key), {
    withRows: (ctx: Context, info: GraphQLResolveInfo, field: string, foreignKey: string) =>
      relatedWithRows<T>(
        info,
        field,
        foreignKey,
        (key) => query(sql`ARRAY[${key}]`, ctx),
        (key, row) => void loader(ctx).prime(key, row && map(row)),
      ),
  });
}

/** The rows of many parents at once, grouped by keyOf. */
export function manyByKey<T>(
  query: (keys: string, ctx: Context) => SQL,
  keyOf: (row: T) => number,
  map: (row: T) => T,
): (ctx: Context, key: number) => Promise<T[]> {
  const loader = defineLoader<number, T[]>(async (ctx, keys) =>
    alignMany(
      keys,
      (await ctx.database.preparedRows<T>(query(intArray(keys), ctx))).map(map),
      keyOf,
    ),
  );
  return (ctx, key) => loader(ctx).load(key);
}
