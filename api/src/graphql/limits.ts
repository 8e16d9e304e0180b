import {
  getNamedType,
  getNullableType,
  type GraphQLError,
  isCompositeType,
  isListType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type ASTVisitor,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type NamedTypeNode,
  type ValueNode,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { asGraphQLError, ErrorCode, YituError } from '../errors';

// Limits on what one request may ask, checked before anything runs: a deep, wide or repetitive
// query is refused with its reason instead of costing the database. The map app's own queries
// stay far inside them (the deepest, the ticket panel, is 5 levels).

export const QUERY_LIMITS = {
  /** Nested fields, e.g. compounds → grids → compounds … */
  depth: 12,
  /**
   * Nesting under introspection (__schema, __type): it reads the schema, not data, and the
   * standard introspection query (graphql-js's, GraphiQL's) nests type references 15 deep.
   */
  introspectionDepth: 15,
  /** Aliased fields in one operation (the same field asked many times under other names). */
  aliases: 30,
  /** Directives in one operation. */
  directives: 30,
  /** Fields written in one document: a field asked hundreds of times (field duplication). */
  fields: 300,
  /**
   * Estimated rows and fields one operation can produce: each field counts once for every
   * parent row, a list asked with first: N multiplies what is under it by N (a connection
   * without first by its default 50, first from a variable by its value up to the page maximum
   * 500), a plain list by what it can return (LIST_BOUNDS), nodes(ids:) by its ids.
   */
  cost: 100_000,
  /** Lexical tokens in one document (checked by the parser). */
  tokens: 5_000,
} as const;

/**
 * What one graphql-ws socket may hold: a subscription runs its selection again for every event,
 * so each is held to a hundredth of a query's cost, and a socket to a few of them.
 */
export const SOCKET_LIMITS = {
  subscriptions: 5,
  cost: QUERY_LIMITS.cost / 100,
} as const;

/** A limit's refusal: GRAPHQL_VALIDATION_FAILED with its reason and the limit. */
const refuse = (message: string, reason: string, limit: number) =>
  asGraphQLError(
    new YituError(ErrorCode.GRAPHQL_VALIDATION_FAILED, message, undefined, reason, { limit }),
  );

/**
 * How deep a selection nests: over data only (what is under an introspection field counts one
 * level), or over everything. Introspection has its own, larger limit: it reads the schema,
 * whose size bounds it, and graphql-js's MaxIntrospectionDepthRule caps its cycles.
 */
function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string>,
  over: 'data' | 'all',
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const skip = over === 'data' && selection.name.value.startsWith('__');
      const inner =
        selection.selectionSet && !skip
          ? 1 + depthOf(selection.selectionSet, fragments, visiting, over)
          : 1;
      deepest = Math.max(deepest, inner);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting, over));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      // a fragment spread inside itself is refused by graphql's own rules; do not loop here
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, visiting, over));
      visiting.delete(name);
    }
  }
  return deepest;
}

/** A document's fragments by name, for walking spreads. */
export function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return fragments;
}

/** Refuses operations nested deeper than QUERY_LIMITS.depth (introspectionDepth under __). */
export function depthLimit(context: ValidationContext): ASTVisitor {
  const fragments = fragmentsOf(context.getDocument());
  return {
    OperationDefinition(operation) {
      const data = depthOf(operation.selectionSet, fragments, new Set(), 'data');
      const all = depthOf(operation.selectionSet, fragments, new Set(), 'all');
      const [depth, limit] =
        data > QUERY_LIMITS.depth
          ? [data, QUERY_LIMITS.depth]
          : [all, QUERY_LIMITS.introspectionDepth];
      if (depth > limit) {
        context.reportError(
          refuse(
            `query is ${depth} levels deep; at most ${limit} are allowed`,
            'DEPTH_LIMIT',
            limit,
          ),
        );
      }
    },
  };
}

/** Refuses documents with more fields, aliases or directives than allowed (duplication and bombs). */
export function breadthLimit(context: ValidationContext): ASTVisitor {
  let aliases = 0;
  let directives = 0;
  let fields = 0;
  return {
    Field(field) {
      fields++;
      if (field.alias) aliases++;
    },
    Directive() {
      directives++;
    },
    Document: {
      leave() {
        const counted = [
          ['aliases', aliases, 'ALIAS_LIMIT'],
          ['fields', fields, 'FIELD_LIMIT'],
          ['directives', directives, 'DIRECTIVE_LIMIT'],
        ] as const;
        for (const [what, count, reason] of counted) {
          const limit = QUERY_LIMITS[what];
          if (count > limit)
            context.reportError(
              refuse(
                `${count} ${what}; at most ${limit} are allowed in one document`,
                reason,
                limit,
              ),
            );
        }
      },
    },
  };
}

const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;
/** Most ids one nodes(ids:) call may name (each is a lookup). */
export const MAX_NODE_IDS = 100;
/**
 * Fields that do real work per row, by what one call costs: ranking resources scores a pool
 * of candidates in PostGIS (matchResources, Ticket.matches), a grid's plan ranks for each of its
 * tickets, a region's figures aggregate every ticket below it, the three lists join demand,
 * supply and services for each community. So matches under a page of 25 tickets is refused (on
 * the embedded engine that one statement is what others wait for); for one ticket, or 20, it is not.
 */
const FIELD_WEIGHTS: Record<string, number> = {
  matches: 4_000,
  matchResources: 4_000,
  gridDispatchPlan: 5_000,
  communityLists: 1_000,
  // a region's figures aggregate every ticket below it; a compound's or grid's, its own few
  'Region.stats': 100,
  'Region.statsByCategory': 100,
  stats: 10,
  // a report aggregates every ticket of its place over three periods; an assessment several times
  periodReport: 100,
  monthlyAssessment: 300,
  generateMonthlyAssessment: 300,
};

/**
 * What a plain list (one without first:) can return, counted like a page: a community has at
 * most about 30 top-level grids, a street 30 communities, the taxonomy 16 categories. A plain
 * list not named here counts as a full page (a unit test makes every one of the schema's named).
 */
export const LIST_BOUNDS: Record<string, number> = {
  'Region.children': 40,
  'Region.grids': 40,
  'Region.statsByCategory': 16,
  'Grid.microGrids': 20,
  'Grid.workers': 20,
  'Grid.claims': 20,
  'Compound.grids': 10,
  'Compound.claims': 20,
  'Compound.vulnerableHouseholds': 100,
  'Resource.claims': 50,
  'PartyOrganization.children': 40,
  'Ticket.assignments': 20,
  'Ticket.photos': 20,
  'Ticket.categorySuggestions': 5,
  // intake.service.ts: at most 5 nearby tickets (MAX_EXISTING)
  'Ticket.likelyDuplicates': 5,
  'ReportAdvice.existing': 5,
  'Query.categories': 16,
  'Query.suggestCategory': 5,
  'Query.communityLists': 40,
  'Query.apiTokens': 100,
  'CommunityLists.demand': 16,
  'CommunityLists.gaps': 16,
  'CommunityLists.resources': 16,
  'CommunityLists.services': 100,
  'DispatchPlan.items': 200,
  'DispatchPlan.unplanned': 200,
  'Mutation.applyDispatchPlan': 200,
  // one drawn place's problems (edit.service.ts answers at most 100)
  'PlaceEditResult.problems': 100,
  // reports (modules/report): ladder rungs, channels, the indicator table, a region's units, the
  // taxonomy, the overdue list and the kept versions as report.sql.ts and assessment.ts bound them
  'PeriodFigures.escalations': 3,
  'PeriodFigures.closedByLevel': 4,
  'PeriodFigures.byChannel': 4,
  'MonthlyAssessment.indicators': 14,
  'MonthlyAssessment.rankings': 40,
  'MonthlyAssessment.categoriesGrown': 16,
  'MonthlyAssessment.overdue': 200,
  'StoredAssessment.changes': 200,
  'Query.storedAssessments': 20,
  // RESOLUTION_BUCKETS; the taxonomy and 未分类; MAX_HEAT_CELLS (report.sql.ts)
  'PeriodFigures.resolutionHistogram': 6,
  'PeriodReport.byCategory': 17,
  'TicketHeat.cells': 5_000,
  // a resource's offers, newest 200 (people.repo.ts)
  'Query.myOffers': 200,
  // the grids and compounds of one community (people.repo.ts MAX_REGISTRATION_ZONES)
  'RegistrationCommunity.zones': 500,
};

const valueOf = (node: ValueNode, variables: Record<string, unknown>): unknown =>
  node.kind === Kind.VARIABLE ? variables[node.name.value] : valueFromASTUntyped(node, variables);

/** How many rows a field can return, each costing its selection once. */
function rowsOf(
  parent: GraphQLCompositeType | undefined,
  field: FieldNode,
  variables: Record<string, unknown>,
): number {
  const definition =
    parent && !isUnionType(parent) ? parent.getFields()[field.name.value] : undefined;
  if (!definition) return 1; // unknown: validation refuses it
  const argument = (name: string) => field.arguments?.find((a) => a.name.value === name);
  if (parent!.name === 'Query' && field.name.value === 'nodes') {
    const ids = argument('ids') && valueOf(argument('ids')!.value, variables);
    return Array.isArray(ids) ? Math.max(1, ids.length) : 1;
  }
  // a page (connections, ranked lists): first or last as asked, else the field's default
  const pageArg = definition.args.find((a) => a.name === 'first' || a.name === 'last');
  if (pageArg) {
    const asked = argument(pageArg.name);
    const value = asked ? valueOf(asked.value, variables) : (pageArg.defaultValue ?? DEFAULT_PAGE);
    if (asked?.value.kind === Kind.VARIABLE && value === undefined) return DEFAULT_PAGE;
    if (typeof value !== 'number') return MAX_PAGE;
    return asked?.value.kind === Kind.VARIABLE
      ? Math.min(Math.max(1, value), MAX_PAGE)
      : Math.max(1, value);
  }
  // a connection's nodes and edges: the page above already counted them
  if (parent!.name.endsWith('Connection')) return 1;
  if (!isListType(getNullableType(definition.type))) return 1;
  return LIST_BOUNDS[`${parent!.name}.${field.name.value}`] ?? MAX_PAGE;
}

function typeUnder(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType | undefined,
  field: FieldNode,
): GraphQLCompositeType | undefined {
  if (!parent || isUnionType(parent)) return undefined;
  const type = parent.getFields()[field.name.value]?.type;
  const named = type && getNamedType(type);
  return named && isCompositeType(named) ? named : undefined;
}

/** The estimated cost of a selection on parent (see QUERY_LIMITS.cost). */
/** What reading the schema (__schema, __type) costs: bounded by the schema, not by data. */
const INTROSPECTION_COST = 1_000;

function costOf(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType | undefined,
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
  multiplier = 1,
  visiting = new Set<string>(),
): number {
  if (!selectionSet) return 0;
  const conditioned = (condition: NamedTypeNode | undefined) => {
    const type = condition && schema.getType(condition.name.value);
    return type && isCompositeType(type) ? type : parent;
  };
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__') && selection.selectionSet) {
        // introspection walks the schema, whatever is selected under it: one flat price
        total += multiplier * INTROSPECTION_COST;
        continue;
      }
      const weight = FIELD_WEIGHTS[`${parent?.name}.${name}`] ?? FIELD_WEIGHTS[name] ?? 1;
      total += multiplier * weight;
      if (selection.selectionSet)
        total += costOf(
          schema,
          typeUnder(schema, parent, selection),
          selection.selectionSet,
          fragments,
          variables,
          multiplier * rowsOf(parent, selection, variables),
          visiting,
        );
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += costOf(
        schema,
        conditioned(selection.typeCondition),
        selection.selectionSet,
        fragments,
        variables,
        multiplier,
        visiting,
      );
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      total += costOf(
        schema,
        conditioned(fragment.typeCondition),
        fragment.selectionSet,
        fragments,
        variables,
        multiplier,
        visiting,
      );
      visiting.delete(name);
    }
    if (total > QUERY_LIMITS.cost * 10) return total; // far over: stop counting
  }
  return total;
}

/** An operation's estimated cost, its variables known. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  const root = schema.getRootType(operation.operation) ?? undefined;
  return costOf(schema, root, operation.selectionSet, fragmentsOf(document), variables);
}

/**
 * The refusal for an operation whose estimated cost is over limit (QUERY_LIMITS.cost unless
 * said), or null. Checked once the variables are known (a page size is often one), so not as a
 * validation rule.
 */
export function costRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  limit: number = QUERY_LIMITS.cost,
): GraphQLError | null {
  const cost = operationCost(schema, document, operation, variables);
  if (cost <= limit) return null;
  return refuse(
    `query would cost about ${cost} (pages and lists multiply what is under them); at most ${limit} is allowed: ask smaller pages or fewer levels`,
    'COST_LIMIT',
    limit,
  );
}

export const queryLimitRules = [depthLimit, breadthLimit];
