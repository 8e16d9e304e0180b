import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../errors';

// a page's key is an id, or an id shifted by 2^31 to sort a group first (tickets: urgent ones)
const MAX_CURSOR_KEY = 2 ** 33;
const cursorKey = (key: string): number | null =>
  /^[1-9]\d{0,9}$/.test(key) && Number(key) <= MAX_CURSOR_KEY ? Number(key) : null;

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
  })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor: return items after this one.' })
  after?: string;
}

@ObjectType({ description: 'Relay-style page information.' })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Page<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds `<Name>Connection` and `<Name>Edge` for a node class. */
export function Connection<T extends object>(NodeClass: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => NodeClass) node!: T;
  }
  @ObjectType(`${name}Connection`, { description: `A page of ${name} items, with the total.` })
  class ConnectionClass {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => [NodeClass], {
      description: 'The nodes of edges, for clients that need no cursors.',
    })
    nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Items matching the filter across all pages.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

export interface KeysetPage {
  limit: number;
  afterKey: number | null;
}

const encodeCursor = (key: number) => Buffer.from(`cursor:${key}`).toString('base64url');

/** Validates page arguments; the repo fetches limit + 1 rows with key > afterKey, ordered by key. */
export function keyset(args: PageArgs): KeysetPage {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badInput('first', 'OUT_OF_RANGE', `first must be 1–${MAX_PAGE_SIZE}, got ${args.first}`);
  }
  let afterKey: number | null = null;
  if (args.after != null) {
    const match = /^cursor:(\d+)$/.exec(Buffer.from(args.after, 'base64url').toString('utf8'));
    afterKey = match ? cursorKey(match[1]!) : null;
    if (afterKey === null)
      throw badInput('after', 'INVALID_CURSOR', 'after is not a cursor from this API');
  }
  return { limit, afterKey };
}

/** Rows come with `pk` (or the page's key column) and `totalCount` (count(*) OVER ()), limit + 1
 * of them at most. */
export function toPage<T extends { pk: number }>(
  rows: (T & { totalCount?: number })[],
  page: KeysetPage,
  total?: number,
  key: string = 'pk',
): Page<T> {
  const nodes = rows.slice(0, page.limit);
  const edges = nodes.map((node) => ({
    cursor: encodeCursor(Number((node as Record<string, unknown>)[key])),
    node,
  }));
  return {
    nodes,
    edges,
    pageInfo: { hasNextPage: rows.length > page.limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: total ?? Number(rows[0]?.totalCount ?? 0),
  };
}
