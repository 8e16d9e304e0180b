import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

// Limits on what one request may ask, checked before anything runs: a deep, wide or repetitive
// query is refused with its reason instead of costing the database. The map app's own queries
// stay far inside them (the deepest, the ticket panel, is 5 levels).

export const QUERY_LIMITS = {
  /** Nested fields, e.g. compounds → grids → compounds … */
  depth: 12,
  /** Aliased fields in one operation (the same field asked many times under other names). */
  aliases: 30,
  /** Directives in one operation. */
  directives: 30,
  /** Fields written in one document: a field asked hundreds of times (field duplication). */
  fields: 300,
  /**
   * Estimated rows and fields one operation can produce: each field counts once for every
   * parent row, a list asked with first: N multiplies what is under it by N (a connection
   * without first by its default 50, first from a variable by the page maximum 500).
   */
  cost: 100_000,
  /** Lexical tokens in one document (checked by the parser). */
  tokens: 5_000,
} as const;

const refuse = (message: string, reason: string, limit: number) =>
  new GraphQLError(message, { extensions: { reason, limit } });

function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const inner = selection.selectionSet
        ? 1 + depthOf(selection.selectionSet, fragments, visiting)
        : 1;
      deepest = Math.max(deepest, inner);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      // a fragment spread inside itself is refused by graphql's own rules; do not loop here
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, visiting));
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

/** Refuses operations nested deeper than QUERY_LIMITS.depth. */
export function depthLimit(context: ValidationContext): ASTVisitor {
  const fragments = fragmentsOf(context.getDocument());
  return {
    OperationDefinition(operation) {
      const depth = depthOf(operation.selectionSet, fragments, new Set());
      if (depth > QUERY_LIMITS.depth) {
        context.reportError(
          refuse(
            `query is ${depth} levels deep; at most ${QUERY_LIMITS.depth} are allowed`,
            'DEPTH_LIMIT',
            QUERY_LIMITS.depth,
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
/**
 * Fields that do real work per row, by what one call costs: ranking resources scores a pool
 * of candidates in PostGIS (matchResources, Ticket.matches), a grid's plan ranks for each of its
 * tickets. So matches under a page of 100 tickets is refused; for one ticket, or 20, it is not.
 */
const FIELD_WEIGHTS: Record<string, number> = {
  matches: 1_000,
  matchResources: 1_000,
  gridDispatchPlan: 5_000,
};

function pageOf(field: FieldNode, variables: Record<string, unknown>): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  if (first?.value.kind === Kind.VARIABLE) {
    const value = variables[first.value.name.value];
    // a missing variable leaves the field's default page
    return typeof value === 'number' ? Math.min(Math.max(1, value), MAX_PAGE) : DEFAULT_PAGE;
  }
  if (first) return MAX_PAGE;
  const connection = field.selectionSet?.selections.some(
    (s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'),
  );
  return connection ? DEFAULT_PAGE : 1;
}

/** The operation's estimated cost (see QUERY_LIMITS.cost). */
export function costOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
  multiplier = 1,
  visiting = new Set<string>(),
): number {
  if (!selectionSet) return 0;
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += multiplier * (FIELD_WEIGHTS[selection.name.value] ?? 1);
      if (selection.selectionSet)
        total += costOf(
          selection.selectionSet,
          fragments,
          variables,
          multiplier * pageOf(selection, variables),
          visiting,
        );
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += costOf(selection.selectionSet, fragments, variables, multiplier, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      total += costOf(fragment.selectionSet, fragments, variables, multiplier, visiting);
      visiting.delete(name);
    }
    if (total > QUERY_LIMITS.cost * 10) return total; // far over: stop counting
  }
  return total;
}

/**
 * The refusal for an operation whose estimated cost is over QUERY_LIMITS.cost, or null. Checked
 * once the variables are known (a page size is often one), so not as a validation rule.
 */
export function costRefusal(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): GraphQLError | null {
  const cost = costOf(operation.selectionSet, fragmentsOf(document), variables);
  if (cost <= QUERY_LIMITS.cost) return null;
  return new GraphQLError(
    `query would cost about ${cost} (pages multiply what is under them); at most ${QUERY_LIMITS.cost} is allowed: ask smaller pages`,
    {
      extensions: {
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'COST_LIMIT',
        limit: QUERY_LIMITS.cost,
        http: { status: 400 },
      },
    },
  );
}

export const queryLimitRules = [depthLimit, breadthLimit];
