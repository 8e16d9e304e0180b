import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  categories,
  compounds,
  grids,
  regions,
  resources,
  ticketAssignments,
  ticketEvents,
  tickets,
} from '../../db/schema';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { askedColumn, type RowsAlsoRead } from '../../graphql/with-rows';
import { fieldNodesOnRows, fieldsSelectedUnder } from '../../graphql/selection';
import { alignOne, defineLoader, intArray, manyByKey } from '../../graphql/loaders';
import { regionAndBelow } from '../../graphql/filter';
import { clockSql, openTicket, overdueTicket, t } from '../ticket/ticket-sql';
import type { CategoryFigures, PlaceStats } from './stats.type';

const v = alias(ticketEvents, 'v');
const f = alias(ticketEvents, 'f');
const c = alias(compounds, 'c');
const g = alias(grids, 'g');
const r = alias(regions, 'r');
const k = alias(categories, 'k');
const s = alias(resources, 's');
const a = alias(ticketAssignments, 'a');

// Staff return visits 回访 of the group's tickets (apart from the residents' own ratings): one
// look-up per group (array_agg belongs to the outer query), not one per ticket.
const returnVisits = (which: SQL) => sql`
  (SELECT count(*) FROM ${ticketEvents} ${v}
   WHERE ${v.type} = 'RETURN_VISIT' AND ${v.ticketId} = ANY(array_agg(${t.id})) AND ${which})`;

// The figures over a set of tickets `t`, grouped by `key`. One formula for every kind of place,
// judged at the product's clock (what is overdue, what was due). A query computes only the
// figures it asks for (rework reads every closed ticket's events: never for a map's count).
const closed = sql`${t.status} = 'CLOSED'`;
const FIGURES: Record<keyof PlaceStats, (now: Date | SQL) => SQL> = {
  totalTickets: () => sql`count(${t.id})::int`,
  openTickets: () => sql`count(${t.id}) FILTER (WHERE ${openTicket})::int`,
  overdueTickets: (now) => sql`count(${t.id}) FILTER (WHERE ${overdueTicket(now)})::int`,
  closedTickets: () => sql`count(${t.id}) FILTER (WHERE ${closed})::int`,
  suspendedTickets: () => sql`count(${t.id}) FILTER (WHERE ${t.status} = 'SUSPENDED')::int`,
  resolutionRate: (now) => sql`(count(${t.id}) FILTER (WHERE ${closed}))::float8
    / NULLIF(count(${t.id}) FILTER (WHERE ${t.status} <> 'SUSPENDED' AND ${t.status} NOT IN ('REJECTED', 'TRANSFERRED')
                                  AND (${closed} OR ${t.resolveBy} < ${clockSql(now)})), 0)`,
  onTimeRate:
    () => sql`(count(${t.id}) FILTER (WHERE ${closed} AND ${t.resolvedAt} <= ${t.resolveBy}))::float8
    / NULLIF(count(${t.id}) FILTER (WHERE ${closed}), 0)`,
  satisfactionRate: () => sql`(count(${t.id}) FILTER (WHERE ${t.satisfaction} >= 4))::float8
    / NULLIF(count(${t.satisfaction}), 0)`,
  returnVisits: () => sql`${returnVisits(sql`true`)}::int`,
  returnVisitSatisfactionRate:
    () => sql`${returnVisits(sql`(${v.data}->>'rating')::int >= 4`)}::float8
    / NULLIF(${returnVisits(sql`true`)}, 0)`,
  reworkRate: () => sql`(count(${t.id}) FILTER (WHERE ${closed} AND EXISTS (
     SELECT 1 FROM ${ticketEvents} ${f} WHERE ${f.ticketId} = ${t.id} AND ${f.type} IN ('VERIFY_FAIL'))))::float8
    / NULLIF(count(${t.id}) FILTER (WHERE ${closed}), 0)`,
  meanResponseHours: () =>
    sql`(avg(extract(epoch FROM ${t.acceptedAt} - ${t.reportedAt})) / 3600)::float8`,
  meanResolutionHours: () =>
    sql`(avg(extract(epoch FROM ${t.resolvedAt} - ${t.reportedAt})) / 3600)::float8`,
};
type Figure = keyof PlaceStats;
const ALL = Object.keys(FIGURES) as Figure[];

/** The figures among `asked` (field names), in one order: what keys a loader's variant. */
const figuresAsked = (asked: ReadonlySet<string>): Figure[] => ALL.filter((f) => asked.has(f));

/** The columns of the figures wanted, each after a comma (none: the key alone). */
const figures = (now: Date, wanted: readonly Figure[] = ALL) =>
  sql.join(wanted.map((figure) => sql`, ${FIGURES[figure](now)} AS ${sql.identifier(figure)}`));

type Row = PlaceStats & { key: number };
const empty = (): PlaceStats => ({
  totalTickets: 0,
  openTickets: 0,
  overdueTickets: 0,
  closedTickets: 0,
  suspendedTickets: 0,
  resolutionRate: null,
  onTimeRate: null,
  satisfactionRate: null,
  returnVisits: 0,
  returnVisitSatisfactionRate: null,
  reworkRate: null,
  meanResponseHours: null,
  meanResolutionHours: null,
});

/**
 * A loader of figures per place: `query` selects each place's figures (the columns it is given)
 * under `key`. Asked for some figures, it computes those (the others read as when no ticket
 * counts); one statement per set of figures asked, whatever the number of places.
 */
function statsLoader(query: (keys: string, columns: SQL) => SQL, ticketsOfOne?: (pk: SQL) => SQL) {
  const loader = defineLoader<number, PlaceStats, Figure[]>(
    async (ctx, keys, wanted) => {
      const rows = await ctx.database.preparedRows<Row>(
        query(intArray(keys), figures(ctx.now(), wanted)),
      );
      return alignOne(keys, rows, (row) => row.key).map((row) => ({ ...empty(), ...row }));
    },
    (wanted) => wanted.join(','),
  );
  const load = (ctx: Context, pk: number, asked: ReadonlySet<string> = new Set(ALL)) =>
    loader(ctx, figuresAsked(asked)).load(pk);
  /**
   * The figures the rows of a list will be asked (`stats` under one name), read in the list's
   * own statement (graphql/page.ts) and handed to the loader: no statement of their own.
   */
  const withRows = (ctx: Context, info: GraphQLResolveInfo): RowsAlsoRead | null => {
    const nodes = fieldNodesOnRows(info, 'stats');
    const name = (node: FieldNode) => node.alias?.value ?? node.name.value;
    if (!ticketsOfOne || nodes.length === 0 || nodes.some((n) => name(n) !== name(nodes[0]!)))
      return null;
    const wanted = figuresAsked(fieldsSelectedUnder(info, nodes));
    const now = ctx.now();
    return askedColumn<Partial<PlaceStats>>(
      'askedStats',
      (row) =>
        // only __typename asked: no figure, and json_build_object() takes at least one
        wanted.length === 0
          ? sql`'{}'::json`
          : sql`(SELECT json_build_object(${sql.join(
              wanted.map((figure) => sql`${figure}::text, ${FIGURES[figure](now)}`),
              sql`, `,
            )}) FROM ${tickets} ${t} WHERE ${ticketsOfOne(row('pk'))})`,
      () => {
        const figuresOf = loader(ctx, wanted);
        return (row, found) => figuresOf.prime(row.pk, { ...empty(), ...found });
      },
    );
  };
  return Object.assign(load, { withRows, ticketsOfOne });
}

/**
 * One place's figures for answers written whole in SQL (graphql/sql-answer.ts): `value` is the
 * SQL of a figure (a field name of PlaceStats, null if not one) over the tickets `t` that
 * `tickets` reads, judged at `now`.
 */
export const placeFigures = {
  tickets: sql`${tickets} ${t}`,
  value: (figure: string, now: Date | SQL): SQL | null =>
    Object.hasOwn(FIGURES, figure) ? FIGURES[figure as Figure](now) : null,
};

export const compoundStats = statsLoader(
  (keys, columns) => sql`
    SELECT ${c.id} AS key${columns}
    FROM ${compounds} ${c} LEFT JOIN ${tickets} ${t} ON ${t.compoundId} = ${c.id}
    WHERE ${c.id} = ANY(${keys}::int[]) GROUP BY ${c.id}`,
  (pk) => sql`${t.compoundId} = ${pk}`,
);

// Tickets record their top-level grid; a micro-grid's tickets are those its shape covers.
export const gridStats = statsLoader(
  (keys, columns) => sql`
    SELECT ${g.id} AS key${columns}
    FROM ${grids} ${g} LEFT JOIN ${tickets} ${t} ON ${t.gridId} = ${g.id}
    WHERE ${g.id} = ANY(${keys}::int[]) AND ${g.parentId} IS NULL GROUP BY ${g.id}
    UNION ALL
    SELECT ${g.id} AS key${columns}
    FROM ${grids} ${g} LEFT JOIN ${tickets} ${t} ON ST_Covers(${g.boundary}, ${t.location})
    WHERE ${g.id} = ANY(${keys}::int[]) AND ${g.parentId} IS NOT NULL GROUP BY ${g.id}`,
);

export const regionStats = statsLoader(
  (keys, columns) => sql`
    SELECT ${r.id} AS key${columns}
    FROM ${regions} ${r}
    LEFT JOIN ${tickets} ${t} ON ${t.communityId} IN ${regionAndBelow(sql`${r.id}`)}
    WHERE ${r.id} = ANY(${keys}::int[]) GROUP BY ${r.id}`,
  (pk) => sql`${t.communityId} IN ${regionAndBelow(pk)}`,
);

const categoryFigures = manyByKey<
  PlaceStats & { key: number; categoryCode: string; categoryName: string }
>(
  (keys, ctx) => sql`
      SELECT ${r.id} AS key, ${k.code} AS "categoryCode", ${k.nameZh} AS "categoryName"${figures(ctx.now())}
      FROM ${regions} ${r} CROSS JOIN ${categories} ${k}
      LEFT JOIN ${tickets} ${t} ON ${t.categoryCode} = ${k.code} AND ${t.communityId} IN ${regionAndBelow(sql`${r.id}`)}
      WHERE ${r.id} = ANY(${keys}::int[])
      GROUP BY ${r.id}, ${k.code}, ${k.nameZh} ORDER BY ${r.id}, ${k.code}`,
  (row) => row.key,
  (row) => row,
);

/** Figures per category for the tickets of regions (and everything below them), batched. */
export const figuresByCategory = (ctx: Context, regionPk: number) =>
  categoryFigures(ctx, regionPk).then((rows): CategoryFigures[] =>
    rows.map(({ key: _key, categoryCode, categoryName, ...stats }) => ({
      categoryCode,
      categoryName,
      stats,
    })),
  );

/** A resource's record: the tickets it was dispatched to and did not decline. */
export const resourceStats = statsLoader(
  (keys, columns) => sql`
    SELECT ${s.id} AS key${columns}
    FROM ${resources} ${s}
    LEFT JOIN ${ticketAssignments} ${a} ON ${a.resourceId} = ${s.id} AND ${a.status} <> 'DECLINED'
    LEFT JOIN ${tickets} ${t} ON ${t.id} = ${a.ticketId}
    WHERE ${s.id} = ANY(${keys}::int[]) GROUP BY ${s.id}`,
);
