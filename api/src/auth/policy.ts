import type { MiddlewareFn } from 'type-graphql';
import type { Context } from '../graphql/context';
import { integerKey, fromGlobalId } from '../graphql/ids';
import { assignmentById } from '../modules/matching/matching.repo';
import { gridById } from '../modules/grid/grid.repo';
import { ticketById } from '../modules/ticket/ticket.repo';
import { auditedChange } from './audit';
import { forbidden, type Guard } from './guard';
import { coversGrid } from './viewer';
import type { Permission } from './roles';

// Authorization in one place. Every field the API resolves passes `authorize` (a global
// middleware): root fields by ROOT_RULES, every other field by the rule of the type it belongs
// to (TYPE_RULES) and, for personal data, FIELD_RULES. A ticket is judged against the viewer's
// jurisdiction whatever path reached it (list, node(id), nested edge, mutation result), and the
// tickets a mutation names are judged before it runs. A root field or type without a rule is
// refused, and a unit test checks that every one in the schema has a rule.

type Args = Record<string, unknown>;
type Need = Permission | 'signedIn' | 'public';

interface RootRule {
  need: Need;
  /** Global ids of the tickets the call acts on or reads: judged before the resolver runs. */
  tickets?: (args: Args) => unknown[];
  /** Global ids of grids whose tickets the call reads. */
  grids?: (args: Args) => unknown[];
  /** Global ids of dispatches (TicketAssignment) answered. */
  assignments?: (args: Args) => unknown[];
  /** The ticket action taken, checked against the role's actions. */
  action?: (args: Args) => unknown;
}

const input = (args: Args) => (args.input ?? {}) as Args;
const PUBLIC: RootRule = { need: 'public' };

export const ROOT_RULES: Record<string, RootRule> = {
  // the resident's QR page and private link, and signing in
  'Query.viewer': PUBLIC,
  'Mutation.signIn': PUBLIC,
  'Mutation.signOut': PUBLIC,
  'Query.categories': PUBLIC,
  'Query.qrCompound': PUBLIC,
  'Mutation.reportTicket': PUBLIC,
  'Query.followTicket': PUBLIC,
  'Mutation.rateTicket': PUBLIC,
  'Mutation.reopenTicket': PUBLIC,
  // places and figures (objects are judged by their types too)
  'Query.node': { need: 'signedIn' },
  'Query.nodes': { need: 'signedIn' },
  'Query.regions': { need: 'places:read' },
  'Query.compounds': { need: 'places:read' },
  'Query.compoundAt': { need: 'places:read' },
  'Query.buildings': { need: 'places:read' },
  'Query.grids': { need: 'places:read' },
  'Query.gridAt': { need: 'places:read' },
  'Query.resources': { need: 'places:read' },
  'Query.resourcesNear': { need: 'places:read' },
  'Query.propertyCompanies': { need: 'places:read' },
  'Query.partyOrganizations': { need: 'places:read' },
  'Query.communityLists': { need: 'places:read' },
  'Query.suggestCategory': { need: 'places:read' },
  // tickets
  'Query.tickets': { need: 'tickets:read' },
  'Subscription.ticketEvents': { need: 'tickets:read' },
  'Query.matchResources': { need: 'tickets:dispatch', tickets: (a) => [a.ticketId] },
  'Query.gridDispatchPlan': { need: 'tickets:dispatch', grids: (a) => [a.gridId] },
  'Mutation.actOnTicket': {
    need: 'tickets:read',
    tickets: (a) => [input(a).ticketId, input(a).duplicateOfId],
    action: (a) => input(a).action,
  },
  'Mutation.recordReturnVisit': { need: 'tickets:revisit', tickets: (a) => [input(a).ticketId] },
  'Mutation.classifyTicket': { need: 'tickets:classify', tickets: (a) => [input(a).ticketId] },
  'Mutation.dispatchTicket': {
    need: 'tickets:dispatch',
    tickets: (a) => [input(a).ticketId],
    action: () => 'DISPATCH',
  },
  'Mutation.applyDispatchPlan': {
    need: 'tickets:dispatch',
    tickets: (a) => ((input(a).items ?? []) as Args[]).map((item) => item.ticketId),
    action: () => 'DISPATCH',
  },
  'Mutation.answerDispatch': {
    need: 'tickets:answer',
    assignments: (a) => [input(a).assignmentId],
  },
  // administration
  'Query.auditLog': { need: 'audit:read' },
  'Query.apiTokens': { need: 'tokens:manage' },
  // administrators for any account, anyone for their own; the scopes are judged by the resolver
  'Mutation.issueApiToken': { need: 'signedIn' },
  'Mutation.revokeApiToken': { need: 'tokens:manage' },
};

/**
 * 'ticket': judged against the jurisdiction (or the resident's link) by the ticket it belongs
 * to; 'inherit': a container (connection, edge, payload) reached only through a judged field.
 */
type TypeRule = Need | 'ticket' | 'inherit';

export const TYPE_RULES: Record<string, TypeRule> = {
  Ticket: 'ticket',
  TicketEvent: 'ticket',
  TicketAssignment: 'ticket',
  Photo: 'ticket',
  Region: 'places:read',
  Compound: 'places:read',
  Building: 'places:read',
  Grid: 'places:read',
  GridWorker: 'places:read',
  PropertyCompany: 'places:read',
  PartyOrganization: 'places:read',
  Resource: 'places:read',
  ResourceClaim: 'places:read',
  NearbyResource: 'places:read',
  ServiceOffer: 'places:read',
  MatchRecord: 'places:read',
  PlaceStats: 'places:read',
  CategoryFigures: 'places:read',
  CommunityLists: 'places:read',
  CategoryDemand: 'places:read',
  CategorySupply: 'places:read',
  CategoryGap: 'places:read',
  ResourceMatch: 'tickets:dispatch',
  ScorePoints: 'tickets:dispatch',
  DispatchPlan: 'tickets:dispatch',
  PlannedDispatch: 'tickets:dispatch',
  UnplannedTicket: 'tickets:dispatch',
  VulnerableHousehold: 'households:read',
  AuditEntry: 'audit:read',
  // reached only through apiTokens, issueApiToken and revokeApiToken, judged at the root
  ApiToken: 'signedIn',
  IssuedApiToken: 'signedIn',
  Category: 'public',
  CategorySuggestion: 'public',
  Viewer: 'public',
  SignInPayload: 'public',
  ReportTicketPayload: 'public',
  PageInfo: 'inherit',
};
const CONTAINER = /(Connection|Edge)$/;

/** Personal data: never for API tokens or anonymous callers, whatever the scope. */
export const PERSONAL_FIELDS = new Set([
  'Ticket.reporterName',
  'Ticket.reporterPhone',
  'GridWorker.phone',
  'Compound.vulnerableHouseholds',
]);

/** Fields that need more than their type's rule. */
const FIELD_RULES: Record<string, Permission> = {
  'Ticket.matches': 'tickets:dispatch',
  'Ticket.categorySuggestions': 'tickets:classify',
  'Compound.vulnerableHouseholds': 'households:read',
};

/** What a resident sees of the ticket opened by their private link (and nothing else). */
const RESIDENT_FIELDS: Record<string, ReadonlySet<string>> = {
  Ticket: new Set([
    'id',
    'code',
    'status',
    'level',
    'description',
    'category',
    'channel',
    'reportedAt',
    'respondBy',
    'resolveBy',
    'acceptedAt',
    'resolvedAt',
    'closedAt',
    'satisfaction',
    'events',
    'photos',
    'version',
    'overdue',
    'location',
    'compound',
    'reporterName',
    'reporterPhone',
  ]),
  TicketEvent: new Set(['id', 'type', 'fromStatus', 'toStatus', 'reason', 'at']),
  Photo: new Set(['url', 'thumbnailUrl', 'contentType', 'width', 'height']),
  TicketAssignment: new Set(),
};

/** What anyone may read of a compound: the QR page names it and lists its buildings. */
const OPEN_PLACE_FIELDS = new Set([
  'Compound.id',
  'Compound.code',
  'Compound.name',
  'Compound.buildings',
  'Building.id',
  'Building.number',
]);

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

export const authorize: MiddlewareFn<Context> = async ({ root, args, info, context }, next) => {
  const type = info.parentType.name;
  const field = `${type}.${info.fieldName}`;
  const guard = context.auth;
  if (type === 'Mutation')
    // the change, its checks and its audit line in one transaction (auth/audit.ts)
    return auditedChange(context, info.fieldName, args, async () => {
      await checkRoot(context, field, args);
      // the checks read tickets through the request's loaders; a mutation must return them fresh
      context.loaders.clear();
      guard.forget();
      return next();
    });
  if (ROOTS.has(type)) {
    await checkRoot(context, field, args);
    return next();
  }
  if (info.fieldName === '__typename') return next();
  const rule = TYPE_RULES[type] ?? (CONTAINER.test(type) ? 'inherit' : undefined);
  if (rule === undefined) throw forbidden('NO_RULE', `${type} has no access rule`);
  if (rule === 'ticket') {
    const ticketPk =
      type === 'Ticket' ? (root as { pk: number }).pk : (root as { ticketPk: number }).ticketPk;
    if (!(await ticketAllowed(context, ticketPk, root, type, info.fieldName))) {
      throw denied(guard, type);
    }
  } else if (
    rule !== 'inherit' &&
    rule !== 'public' &&
    // the QR page's few fields are open to anonymous callers; a token reads by its scopes
    !(OPEN_PLACE_FIELDS.has(field) && guard.viewer.via === 'anonymous')
  ) {
    guard.require(rule, field);
  }
  if (PERSONAL_FIELDS.has(field) && guard.viewer.via !== 'session') {
    const granted =
      type === 'Ticket' &&
      guard.isGranted((root as { pk: number }).pk) &&
      guard.viewer.via === 'anonymous';
    if (!granted) {
      await guard.audit({ action: `read ${field}`, result: 'FORBIDDEN' });
      throw forbidden(
        'PERSONAL_DATA',
        `${field} is personal data: not available to ${guard.viewer.via === 'token' ? 'API tokens' : 'anonymous callers'}`,
      );
    }
  }
  const extra = FIELD_RULES[field];
  if (extra) guard.require(extra, field);
  return next();
};

function denied(guard: Guard, what: string) {
  if (guard.viewer.via === 'anonymous') return guard.unauthenticated(what);
  return forbidden('OUTSIDE_JURISDICTION', `this ${what} is outside your jurisdiction`);
}

async function ticketAllowed(
  context: Context,
  ticketPk: number,
  root: unknown,
  type: string,
  fieldName: string,
): Promise<boolean> {
  const guard = context.auth;
  if (guard.viewer.permissions.has('tickets:read')) {
    const place =
      type === 'Ticket'
        ? (root as { communityPk: number | null; gridPk: number | null; level: string })
        : await ticketById(context, ticketPk);
    if (place && guard.covers(ticketPk, place)) return true;
  }
  // the resident's own ticket, through its private link: a few fields only
  return guard.isGranted(ticketPk) && (RESIDENT_FIELDS[type]?.has(fieldName) ?? false);
}

async function checkRoot(context: Context, field: string, args: Args): Promise<void> {
  const guard = context.auth;
  const rule = ROOT_RULES[field];
  if (!rule) throw forbidden('NO_RULE', `${field} has no access rule`);
  if (rule.need !== 'public') guard.require(rule.need, field);
  const action = rule.action?.(args);
  if (typeof action === 'string' && !guard.viewer.actions.has(action as never)) {
    throw await refuse(guard, field, 'ACTION_NOT_ALLOWED', `your role may not ${action} tickets`);
  }
  // everything the call names, loaded together (one batched statement per kind), then judged
  const [tickets, dispatched, grids] = await Promise.all([
    Promise.all(ids(rule.tickets?.(args), 'Ticket').map((pk) => ticketById(context, pk))),
    Promise.all(
      ids(rule.assignments?.(args), 'TicketAssignment').map(async (pk) => {
        const assignment = await assignmentById(context, pk);
        return assignment && ticketById(context, assignment.ticketPk);
      }),
    ),
    Promise.all(ids(rule.grids?.(args), 'Grid').map((pk) => gridById(context, pk))),
  ]);
  // a missing one is the resolver's NOT_FOUND
  const outside = [
    ...tickets.map((t) => ['ticket', t && !guard.covers(t.pk, t) && t.id] as const),
    ...dispatched.map((t) => ['dispatch', t && !guard.covers(t.pk, t) && t.id] as const),
    ...grids.map((g) => ['grid', g && !coversGrid(guard.viewer.jurisdiction, g) && g.id] as const),
  ].find(([, id]) => id);
  if (outside) {
    const [what, id] = outside;
    await guard.audit({
      action: field,
      target: id || null,
      result: 'FORBIDDEN OUTSIDE_JURISDICTION',
    });
    throw forbidden('OUTSIDE_JURISDICTION', `this ${what} is outside your jurisdiction`);
  }
}

async function refuse(
  guard: Guard,
  field: string,
  reason: string,
  message: string,
  target?: string,
) {
  await guard.audit({ action: field, target: target ?? null, result: `FORBIDDEN ${reason}` });
  return forbidden(reason, message);
}

/** The integer keys of well-formed ids of one type; malformed ones are left to the resolver. */
function ids(values: unknown[] | undefined, type: string): number[] {
  const keys: number[] = [];
  for (const value of values ?? []) {
    if (typeof value !== 'string') continue;
    try {
      const decoded = fromGlobalId(value);
      const key = integerKey(decoded.key);
      if (decoded.type === type && key !== null) keys.push(key);
    } catch {
      // the resolver reports the bad id with its field
    }
  }
  return keys;
}
