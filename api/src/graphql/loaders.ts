import type { SQL } from 'drizzle-orm';
import type { Context } from './context';
import DataLoader from 'dataloader';

// Per-request batching: every edge and aggregate goes through a loader, so a nested query costs
// one statement per field per level, whatever the number of rows.
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  /** The request's loader named `name`, created on first use with `batch`. */
  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 1000 }) as DataLoader<unknown, unknown>;
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }

  /** Forget everything loaded so far: what a mutation returns must be read after it ran. */
  clear(): void {
    this.loaders.clear();
  }
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

/** Load one row per key through the request's loader `name`; query gets an int[] literal. */
export function loadOne<T>(
  ctx: Context,
  name: string,
  query: (keys: string) => SQL,
  keyOf: (row: T) => number,
  map: (row: T) => T,
) {
  return (key: number) =>
    ctx.loaders
      .get<number, T | null>(name, async (keys) =>
        alignOne(keys, (await ctx.database.rows<T>(query(intArray(keys)))).map(map), keyOf),
      )
      .load(key);
}

/** Load the rows of many parents at once, grouped by keyOf. */
export function loadMany<T>(
  ctx: Context,
  name: string,
  query: (keys: string) => SQL,
  keyOf: (row: T) => number,
  map: (row: T) => T,
) {
  return (key: number) =>
    ctx.loaders
      .get<number, T[]>(name, async (keys) =>
        alignMany(keys, (await ctx.database.rows<T>(query(intArray(keys)))).map(map), keyOf),
      )
      .load(key);
}
