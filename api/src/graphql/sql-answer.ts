import { sql, type SQL } from 'drizzle-orm';
import { renderedAfter } from '../db/prerender';
import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Database } from '../db';
import {
  compoundAtSql,
  compoundOutline,
  compoundRow,
  compoundsWhere,
} from '../modules/compound/compound.repo';
import { gridAtSql, gridOutline, gridRow, gridsWhere } from '../modules/grid/grid.repo';
import { propertyCompanyRow } from '../modules/property/property.repo';
import { regionOutline, regionRow, regionsWhere } from '../modules/region/region.repo';
import { compoundStats, placeFigures, regionStats } from '../modules/stats/stats.repo';
import { keyset, type KeysetPage, type PageArgs } from './connection';
import type { PlaceFilter } from './filter';
import { boundaryText, type GeometryArgs, type Outline } from './geometry';
import type { NodeType } from './ids';

// Answers written whole by PostgreSQL. A read of places (compounds, grids and regions, their
// community, parent and property company, boundaries and ticket figures) is planned once per
// document into a tree of what it selects; each request turns the tree and its arguments into
// one statement whose single value is the response's JSON text, byte for byte what the
// resolvers would answer (the same row sets from the repositories, the same figures, the same
// GeoJSON from PostGIS, keys in the order asked). Node then only passes the text on: no
// resolvers, loaders or objects per row, which is where a list's time went (issue 19).
// Anything else declines: a field not described here, a directive, a root field with checks of
// its own, arguments the resolvers would refuse or convert in JavaScript. The general path
// (Apollo, graphql-jit, the resolvers under the policy) answers what is declined, and every
// error. Who may read what stays the policy's (auth/policy.ts mayReadWithoutObjects); this
// module only says which fields an answer touches. tests/http/sql-answers.test.ts holds the two
// paths to the same bytes.

/** A place table as the answers read it: its rows by key, columns named as their fields. */
interface RowType {
  name: NodeType;
  row: (key: SQL) => SQL;
  /** Fields read from the row's column of the same name; 'time' ones written as ISO 8601. */
  columns: Record<string, 'value' | 'time'>;
  /** Fields naming another row by a key column of this one. */
  related: Record<string, { type: string; key: string }>;
  outline?: Outline;
  /** The tickets a row's figures (`stats`) count. */
  ticketsOfOne?: (pk: SQL) => SQL;
}

const ROW_TYPES: Record<string, RowType> = {
  Compound: {
    name: 'Compound',
    row: compoundRow,
    columns: {
      code: 'value',
      version: 'value',
      retiredAt: 'time',
      name: 'value',
      households: 'value',
      yearBuilt: 'value',
      tags: 'value',
      synthetic: 'value',
    },
    related: {
      community: { type: 'Region', key: 'communityPk' },
      propertyCompany: { type: 'PropertyCompany', key: 'propertyCompanyPk' },
    },
    outline: compoundOutline,
    ticketsOfOne: compoundStats.ticketsOfOne,
  },
  Grid: {
    name: 'Grid',
    row: gridRow,
    columns: {
      code: 'value',
      version: 'value',
      retiredAt: 'time',
      name: 'value',
      kinds: 'value',
      micro: 'value',
    },
    related: {
      community: { type: 'Region', key: 'communityPk' },
      parent: { type: 'Grid', key: 'parentPk' },
    },
    outline: gridOutline,
  },
  Region: {
    name: 'Region',
    row: regionRow,
    columns: { code: 'value', name: 'value', level: 'value', synthetic: 'value' },
    related: { parent: { type: 'Region', key: 'parentPk' } },
    outline: regionOutline,
    ticketsOfOne: regionStats.ticketsOfOne,
  },
  PropertyCompany: {
    name: 'PropertyCompany',
    row: propertyCompanyRow,
    columns: { code: 'value', name: 'value', hasPartyBranch: 'value', phone: 'value' },
    related: {},
  },
};

type Args = Record<string, unknown>;

/** Root lists: their rows from the repository, the same as the resolver's. */
const LISTS: Record<
  string,
  { type: string; rows: (database: Database, args: Args) => Promise<SQL> }
> = {
  compounds: {
    type: 'Compound',
    rows: (database, args) => compoundsWhere(database, args.filter as PlaceFilter | undefined),
  },
  grids: {
    type: 'Grid',
    rows: (database, args) =>
      gridsWhere(
        database,
        args.filter as PlaceFilter | undefined,
        args.micro as boolean | undefined,
      ),
  },
  regions: {
    type: 'Region',
    rows: (database, args) =>
      regionsWhere(database, args.filter as PlaceFilter | undefined, args.level as never),
  },
};

/** Root fields of one place under a point. */
const POINTS: Record<string, { type: string; rows: (args: Args) => SQL }> = {
  compoundAt: {
    type: 'Compound',
    rows: (args) => compoundAtSql(args.lon as number, args.lat as number),
  },
  gridAt: {
    type: 'Grid',
    rows: (args) => gridAtSql(args.lon as number, args.lat as number, args.micro as boolean),
  },
};

/** What a request may ask: the selections of one field, planned. */
type Boundary = {
  key: string;
  kind: 'boundary';
  outline: Outline;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  /** The alias its table is joined under. */
  alias: SQL;
};
type Selected =
  | { key: string; kind: 'typename'; name: string }
  | { key: string; kind: 'id'; type: NodeType }
  | { key: string; kind: 'column'; column: string; time: boolean }
  | Boundary
  | { key: string; kind: 'stats'; ticketsOfOne: (pk: SQL) => SQL; figures: [string, string][] }
  | { key: string; kind: 'related'; type: RowType; column: string; selection: RowSelection };

/**
 * The fields asked of a place row, read from the alias `row` (given when planned: a plan's
 * aliases are its own, so the same plan writes the same text).
 */
interface RowSelection {
  selected: Selected[];
  row: SQL;
}

type PageSelected =
  | { key: string; kind: 'typename'; name: string }
  | { key: string; kind: 'totalCount' }
  | { key: string; kind: 'nodes'; selection: RowSelection }
  | { key: string; kind: 'edges'; row: SQL; parts: EdgeSelected[] }
  | {
      key: string;
      kind: 'pageInfo';
      row: SQL;
      parts: { key: string; kind: 'typename' | 'hasNextPage' | 'endCursor' }[];
    };
type EdgeSelected =
  | { key: string; kind: 'typename'; name: string }
  | { key: string; kind: 'cursor' }
  | { key: string; kind: 'node'; selection: RowSelection };

type RootSelected =
  | { key: string; kind: 'typename' }
  | {
      key: string;
      kind: 'list';
      field: GraphQLField<unknown, unknown>;
      node: FieldNode;
      list: (typeof LISTS)[string];
      base: SQL;
      page: SQL;
      parts: PageSelected[];
    }
  | {
      key: string;
      kind: 'point';
      field: GraphQLField<unknown, unknown>;
      node: FieldNode;
      point: (typeof POINTS)[string];
      selection: RowSelection;
    };

/** A document's read, planned: what it selects, and the fields the policy must allow. */
export interface AnswerPlan {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  roots: RootSelected[];
  /** `Type.field` of every field the answer touches (for auth/policy.ts). */
  fields: ReadonlySet<string>;
  /** Every boundary asked, at any depth: their arguments shape the statement's text. */
  boundaries: Boundary[];
  /** The statement's text for each shape of request met (null: not answered here). */
  texts: Map<string, StatementText | null>;
}

/**
 * A statement's text for one shape of request, rendered once: its pieces around the rows of each
 * root (`rows`: which root's, rendered for each request with their values), and the names of its
 * own values ($1… in order).
 */
interface StatementText {
  pieces: string[];
  rows: number[];
  values: string[];
}

/** Not answered here: the general path answers it. */
class Declined extends Error {}
const decline = (why: string): never => {
  throw new Declined(why);
};

/**
 * The fields under `set` by response key, fragments followed (those that apply to `type`). A
 * directive anywhere declines: @skip and @include depend on the request's variables.
 */
function fieldsOf(
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const applies = (condition: string | undefined) =>
    !condition || condition === type.name || type.getInterfaces().some((i) => i.name === condition);
  const walk = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.directives?.length) decline('directive');
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        fields.set(key, [...(fields.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) walk(selection.selectionSet, seen);
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || seen.has(fragment.name.value)) continue;
        if (fragment.directives?.length) decline('directive');
        if (applies(fragment.typeCondition.name.value))
          walk(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }
    }
  };
  for (const set of sets) walk(set, new Set());
  return fields;
}

const setsOf = (nodes: readonly FieldNode[]) =>
  nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));

interface Planning {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  fields: Set<string>;
  aliases: number;
  boundaries: Boundary[];
}

const aliasOf = (planning: Planning): SQL => sql`${sql.identifier(`answer_${++planning.aliases}`)}`;

function objectType(planning: Planning, name: string): GraphQLObjectType {
  const type = planning.schema.getType(name);
  return type instanceof GraphQLObjectType ? type : decline(`no type ${name}`);
}

/** The selections of a place row of `rowType` under `nodes`, read from `row`. */
function planRow(
  planning: Planning,
  rowType: RowType,
  nodes: readonly FieldNode[],
  row: SQL = aliasOf(planning),
): RowSelection {
  const type = objectType(planning, rowType.name);
  const selected = [...fieldsOf(type, setsOf(nodes), planning.fragments)].map(
    ([key, fieldNodes]): Selected => {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') return { key, kind: 'typename', name: type.name };
      const field = type.getFields()[name] ?? decline(`no field ${name}`);
      planning.fields.add(`${type.name}.${name}`);
      if (name === 'id') return { key, kind: 'id', type: rowType.name };
      const column = rowType.columns[name];
      if (column) return { key, kind: 'column', column: name, time: column === 'time' };
      if (name === 'boundary' && rowType.outline)
        return {
          key,
          kind: 'boundary',
          outline: rowType.outline,
          field,
          node: fieldNodes[0]!,
          alias: aliasOf(planning),
        };
      if (name === 'stats' && rowType.ticketsOfOne) {
        const stats = objectType(planning, getNamedType(field.type).name);
        const figures = [...fieldsOf(stats, setsOf(fieldNodes), planning.fragments)].map(
          ([figureKey, [figure]]): [string, string] => {
            const figureName = figure!.name.value;
            if (figureName !== '__typename') {
              if (!placeFigures.value(figureName, new Date(0))) decline(`no figure ${figureName}`);
              planning.fields.add(`${stats.name}.${figureName}`);
            }
            return [figureKey, figureName];
          },
        );
        return { key, kind: 'stats', ticketsOfOne: rowType.ticketsOfOne, figures };
      }
      const related = rowType.related[name];
      if (related) {
        const target = ROW_TYPES[related.type]!;
        const selection = planRow(planning, target, fieldNodes);
        return { key, kind: 'related', type: target, column: related.key, selection };
      }
      return decline(`field ${type.name}.${name}`);
    },
  );
  planning.boundaries.push(...selected.filter((s): s is Boundary => s.kind === 'boundary'));
  return { selected, row };
}

/** The selections of a root list's connection under `nodes`. */
function planPage(
  planning: Planning,
  rowType: RowType,
  connection: GraphQLObjectType,
  nodes: readonly FieldNode[],
): PageSelected[] {
  const fields = fieldsOf(connection, setsOf(nodes), planning.fragments);
  return [...fields].map(([key, fieldNodes]): PageSelected => {
    const name = fieldNodes[0]!.name.value;
    if (name === '__typename') return { key, kind: 'typename', name: connection.name };
    planning.fields.add(`${connection.name}.${name}`);
    if (name === 'totalCount') return { key, kind: 'totalCount' };
    if (name === 'nodes')
      return { key, kind: 'nodes', selection: planRow(planning, rowType, fieldNodes) };
    if (name === 'pageInfo') {
      const info = objectType(planning, 'PageInfo');
      const parts = [...fieldsOf(info, setsOf(fieldNodes), planning.fragments)].map(
        ([partKey, [part]]) => {
          const partName = part!.name.value;
          if (partName === '__typename') return { key: partKey, kind: 'typename' as const };
          if (partName !== 'hasNextPage' && partName !== 'endCursor')
            return decline(`PageInfo.${partName}`);
          planning.fields.add(`PageInfo.${partName}`);
          return { key: partKey, kind: partName as 'hasNextPage' | 'endCursor' };
        },
      );
      return { key, kind: 'pageInfo', row: aliasOf(planning), parts };
    }
    if (name === 'edges') {
      const edge = objectType(planning, getNamedType(connection.getFields().edges!.type).name);
      const row = aliasOf(planning);
      const parts = [...fieldsOf(edge, setsOf(fieldNodes), planning.fragments)].map(
        ([partKey, partNodes]): EdgeSelected => {
          const partName = partNodes[0]!.name.value;
          if (partName === '__typename') return { key: partKey, kind: 'typename', name: edge.name };
          planning.fields.add(`${edge.name}.${partName}`);
          if (partName === 'cursor') return { key: partKey, kind: 'cursor' };
          if (partName === 'node')
            return {
              key: partKey,
              kind: 'node',
              selection: planRow(planning, rowType, partNodes, row),
            };
          return decline(`${edge.name}.${partName}`);
        },
      );
      return { key, kind: 'edges', row, parts };
    }
    return decline(`${connection.name}.${name}`);
  });
}

/**
 * The plan of a validated document's operation, or null when it is not answered here (not a
 * query, or asking anything not described above).
 */
export function planAnswer(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
): AnswerPlan | null {
  const operation = getOperationAST(document, operationName);
  const query = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !query) return null;
  if (operation.directives?.length) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const planning: Planning = {
    schema,
    fragments,
    fields: new Set(),
    aliases: 0,
    boundaries: [],
  };
  try {
    const roots = [...fieldsOf(query, [operation.selectionSet], fragments)].map(
      ([key, nodes]): RootSelected => {
        const name = nodes[0]!.name.value;
        if (name === '__typename') return { key, kind: 'typename' };
        const field = query.getFields()[name] ?? decline(`no root ${name}`);
        planning.fields.add(`Query.${name}`);
        const list = LISTS[name];
        const point = POINTS[name];
        if (list) {
          const connection = getNamedType(field.type);
          if (!(connection instanceof GraphQLObjectType)) return decline('not a connection');
          const type = ROW_TYPES[list.type]!;
          return {
            key,
            kind: 'list',
            field,
            node: nodes[0]!,
            list,
            base: aliasOf(planning),
            page: aliasOf(planning),
            parts: planPage(planning, type, connection, nodes),
          };
        }
        if (point) {
          const type = ROW_TYPES[point.type]!;
          const selection = planRow(planning, type, nodes);
          return { key, kind: 'point', field, node: nodes[0]!, point, selection };
        }
        return decline(`root ${name}`);
      },
    );
    return {
      document,
      operation,
      roots,
      fields: planning.fields,
      boundaries: planning.boundaries,
      texts: new Map(),
    };
  } catch (error) {
    if (error instanceof Declined) return null;
    throw error;
  }
}

// JSON text, written by PostgreSQL as JSON.stringify writes it: no spaces, keys as asked
const literal = (text: string) => sql.raw(`'${text.replaceAll("'", "''")}'`);
const valueText = (value: SQL) => sql`coalesce(to_json(${value})::text, 'null')`;
function objectText(entries: [string, SQL][]): SQL {
  const pieces = entries.flatMap(([key, value], i) => [
    literal(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`),
    value,
  ]);
  return sql`(${sql.join([...pieces, literal(entries.length ? '}' : '{}')], sql` || `)})`;
}
/** base64url of `text || key` (global ids, cursors: graphql/ids.ts, connection.ts). */
const base64url = (prefix: string, key: SQL) =>
  sql`rtrim(translate(encode(convert_to(${literal(prefix)} || ${key}, 'UTF8'), 'base64'), '+/', '-_'), '=')`;
const ISO_8601 = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/**
 * A time as JavaScript writes it (toISOString). One JavaScript cannot hold (outside years 1–9999,
 * infinite) fails the statement, by a cast that names why: the general path answers it.
 */
const timeText = (time: SQL) => sql`CASE
  WHEN ${time} IS NULL THEN 'null'
  WHEN ${time} >= '0001-01-01T00:00:00Z' AND ${time} < '10000-01-01T00:00:00Z'
    THEN to_json(to_char(${time} AT TIME ZONE 'UTC', ${sql.raw(ISO_8601)}))::text
  ELSE 'a time outside years 1–9999 is not answered in SQL'::json::text END`;

interface Writing {
  variables: Args;
  /** Each boundary's arguments in this request. */
  boundaryArgs: Map<Boundary, GeometryArgs>;
}

const argsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode, writing: Writing) =>
  getArgumentValues(field, node, writing.variables);

function boundaryArgs(boundary: Boundary, writing: Writing): GeometryArgs {
  let args = writing.boundaryArgs.get(boundary);
  if (!args) {
    args = argsOf(boundary.field, boundary.node, writing) as unknown as GeometryArgs;
    writing.boundaryArgs.set(boundary, args);
  }
  return args;
}

// The values a statement's text names instead of holding: the text is kept for every request of
// its shape. The product's clock (figures are judged at it) is a column of the statement's one
// FROM item; each root's rows are marked where they go, rendered with their values each time.
const CLOCK = sql`answer_clock.at`;
const rowsMark = (root: number) => sql.raw(`/*answer rows ${root}*/`);
const ROWS_MARK = /\/\*answer rows (\d+)\*\//;
const value = (name: string) => sql`${sql.placeholder(name)}`;

/**
 * The JSON text of a row as `selection` asks it, and the joins its FROM needs for what it reads
 * besides the row's columns (related rows, shapes): joined, the planner reads them with hash or
 * merge joins over the whole page rather than a look-up a row.
 */
function rowParts(selection: RowSelection, writing: Writing): { text: SQL; joins: SQL } {
  const joins: SQL[] = [];
  const { row } = selection;
  const column = (name: string) => sql`${row}.${sql.identifier(name)}`;
  const text = objectText(
    selection.selected.map((s): [string, SQL] => {
      switch (s.kind) {
        case 'typename':
          return [s.key, literal(JSON.stringify(s.name))];
        case 'id':
          return [s.key, sql`'"' || ${base64url(`${s.type}:`, column('pk'))} || '"'`];
        case 'column':
          return [s.key, s.time ? timeText(column(s.column)) : valueText(column(s.column))];
        case 'boundary': {
          const { table, id, shape } = s.outline;
          const text = boundaryText(
            sql`${s.alias}.${sql.identifier(shape.name)}`,
            boundaryArgs(s, writing),
          );
          if (!text) return decline('boundary arguments');
          joins.push(
            sql`LEFT JOIN ${table} ${s.alias} ON ${s.alias}.${sql.identifier(id.name)} = ${column('pk')}`,
          );
          return [s.key, sql`coalesce(${text}, 'null')`];
        }
        case 'stats':
          // only __typename asked: nothing to count
          if (s.figures.every(([, figure]) => figure === '__typename'))
            return [s.key, objectText(s.figures.map(([key]) => [key, literal('"PlaceStats"')]))];
          return [
            s.key,
            sql`(SELECT ${objectText(
              s.figures.map(([key, figure]) => [
                key,
                figure === '__typename'
                  ? literal('"PlaceStats"')
                  : valueText(placeFigures.value(figure, CLOCK)!),
              ]),
            )} FROM ${placeFigures.tickets} WHERE ${s.ticketsOfOne(column('pk'))})`,
          ];
        case 'related': {
          const other = s.selection.row;
          const inner = rowParts(s.selection, writing);
          joins.push(
            sql`LEFT JOIN LATERAL (${s.type.row(column(s.column))}) ${other} ON true ${inner.joins}`,
          );
          return [s.key, sql`CASE WHEN ${other}.pk IS NULL THEN 'null' ELSE ${inner.text} END`];
        }
      }
    }),
  );
  return { text, joins: sql.join(joins, sql` `) };
}

/**
 * The JSON text of the rows `from` reads under the alias `row`: a list in the order of their
 * keys, or the one row (null if none).
 */
function rowsText(from: SQL, row: SQL, parts: { text: SQL; joins: SQL }, list: boolean): SQL {
  const text = list
    ? sql`'[' || coalesce(string_agg(${parts.text}, ',' ORDER BY ${row}.pk), '') || ']'`
    : parts.text;
  return sql`coalesce((SELECT ${text} FROM ${from} ${row} ${parts.joins}), 'null')`;
}

/** The JSON text of a root list's connection (the `index`th root), after a cursor or not. */
function pageText(
  root: Extract<RootSelected, { kind: 'list' }>,
  index: number,
  afterCursor: boolean,
  writing: Writing,
): SQL {
  const { base, page: pageRows } = root;
  const limit = value(`limit ${index}`);
  const shown = sql`(SELECT * FROM ${pageRows} ORDER BY pk LIMIT ${limit})`;
  const after = afterCursor ? sql`${base}.pk > ${value(`after ${index}`)}` : sql`true`;
  const cursor = (row: SQL) => sql`'"' || ${base64url('cursor:', sql`${row}.pk`)} || '"'`;
  const parts = root.parts.map((part): [string, SQL] => {
    switch (part.kind) {
      case 'typename':
        return [part.key, literal(JSON.stringify(part.name))];
      case 'totalCount':
        return [part.key, sql`(SELECT count(*) FROM ${base})::text`];
      case 'nodes':
        return [
          part.key,
          rowsText(shown, part.selection.row, rowParts(part.selection, writing), true),
        ];
      case 'edges': {
        const joins: SQL[] = [];
        const text = objectText(
          part.parts.map((edge): [string, SQL] => {
            if (edge.kind === 'typename') return [edge.key, literal(JSON.stringify(edge.name))];
            if (edge.kind === 'cursor') return [edge.key, cursor(part.row)];
            // `node` asked under several names: each reads the edge's row, with joins of its own
            const node = rowParts(edge.selection, writing);
            joins.push(node.joins);
            return [edge.key, node.text];
          }),
        );
        return [
          part.key,
          rowsText(shown, part.row, { text, joins: sql.join(joins, sql` `) }, true),
        ];
      }
      case 'pageInfo':
        return [
          part.key,
          objectText(
            part.parts.map((info): [string, SQL] =>
              info.kind === 'typename'
                ? [info.key, literal('"PageInfo"')]
                : info.kind === 'hasNextPage'
                  ? [info.key, sql`to_json((SELECT count(*) FROM ${pageRows}) > ${limit})::text`]
                  : [
                      info.key,
                      rowsText(
                        sql`(SELECT max(pk) AS pk FROM ${shown} shown HAVING count(*) > 0)`,
                        part.row,
                        { text: cursor(part.row), joins: sql`` },
                        false,
                      ),
                    ],
            ),
          ),
        ];
    }
  });
  return sql`(WITH ${base} AS (${rowsMark(index)}),
    ${pageRows} AS (SELECT * FROM ${base} WHERE ${after} ORDER BY ${base}.pk
      LIMIT ${value(`more ${index}`)})
    SELECT ${objectText(parts)})`;
}

/** The statement's text for a shape of request (`pages`: each root's page, if a list). */
function statementText(
  plan: AnswerPlan,
  pages: (KeysetPage | null)[],
  writing: Writing,
): StatementText | null {
  try {
    const roots = plan.roots.map((root, i): [string, SQL] => {
      if (root.kind === 'typename') return [root.key, literal('"Query"')];
      if (root.kind === 'list')
        return [root.key, pageText(root, i, pages[i]!.afterKey !== null, writing)];
      const { selection } = root;
      return [
        root.key,
        rowsText(sql`(${rowsMark(i)})`, selection.row, rowParts(selection, writing), false),
      ];
    });
    // Apollo ends its JSON with a line break
    const statement = sql`SELECT '{"data":' || ${objectText(roots)} || E'}\n' AS answer
      FROM (SELECT ${value('clock')}::timestamptz AS at) answer_clock`;
    const { sql: text, params } = renderedAfter(statement);
    const parts = text.split(ROWS_MARK);
    return {
      pieces: parts.filter((_, i) => i % 2 === 0),
      rows: parts.filter((_, i) => i % 2 === 1).map(Number),
      values: params.map((p) => (p as { name: string }).name),
    };
  } catch (error) {
    if (error instanceof Declined) return null;
    throw error;
  }
}

/** Statement texts kept per plan, for as many shapes of request. */
const TEXTS_KEPT = 32;

/**
 * The statement answering `plan` for these variables (as sent): its text and values, or null
 * when the request is not answered here (variables or arguments the general path would refuse,
 * which it answers with its errors, or convert in JavaScript). Its one row's `answer` is the
 * response's JSON text.
 */
export async function answerStatement(
  database: Database,
  schema: GraphQLSchema,
  plan: AnswerPlan,
  sent: Args,
  now: Date,
): Promise<{ text: string; params: unknown[] } | null> {
  const coerced = getVariableValues(schema, plan.operation.variableDefinitions ?? [], sent);
  if (coerced.errors) return null;
  const writing: Writing = { variables: coerced.coerced, boundaryArgs: new Map() };
  let rows: (SQL | null)[];
  let pages: (KeysetPage | null)[];
  try {
    // each root's rows and page, from the repositories, checked as the resolvers check them
    const roots = await Promise.all(
      plan.roots.map(async (root) => {
        if (root.kind === 'typename') return { rows: null, page: null };
        const args = argsOf(root.field, root.node, writing);
        if (root.kind === 'point') return { rows: root.point.rows(args), page: null };
        const page = keyset(args as PageArgs);
        return { rows: await root.list.rows(database, args), page };
      }),
    );
    rows = roots.map((r) => r.rows);
    pages = roots.map((r) => r.page);
  } catch {
    return null; // a refusal (bad input, a bad cursor): the general path answers it
  }
  const shape = [
    pages.map((p) => (p ? (p.afterKey === null ? 'first' : 'after') : '-')).join(','),
    ...plan.boundaries.map((b) => {
      const args = boundaryArgs(b, writing);
      return `${args.precision}/${args.simplifyMeters}/${args.crs}`;
    }),
  ].join(';');
  let text = plan.texts.get(shape);
  if (text === undefined) {
    text = statementText(plan, pages, writing);
    if (plan.texts.size >= TEXTS_KEPT) plan.texts.clear();
    plan.texts.set(shape, text);
  }
  if (!text) return null;
  const values: Record<string, unknown> = { clock: now.toISOString() };
  pages.forEach((page, i) => {
    if (!page) return;
    values[`limit ${i}`] = page.limit;
    values[`more ${i}`] = page.limit + 1;
    values[`after ${i}`] = page.afterKey;
  });
  const params = text.values.map((name) => values[name]);
  let statement = text.pieces[0]!;
  text.rows.forEach((root, i) => {
    const rendered = renderedAfter(rows[root]!, params.length);
    statement += rendered.sql + text.pieces[i + 1]!;
    params.push(...rendered.params);
  });
  return { text: statement, params };
}
