import { sql, type SQL } from 'drizzle-orm';
import {
  defaultFieldResolver,
  isObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { YituError } from '../errors';
import type { Context } from '../graphql/context';
import { integerKey, fromGlobalId, toGlobalId, type NodeType } from '../graphql/ids';
import { assignmentById } from '../modules/matching/matching.repo';
import { gridById } from '../modules/grid/grid.repo';
import { resourceById } from '../modules/resource/resource.repo';
import { patrolGrid, ticketById } from '../modules/ticket/ticket.repo';
import { t } from '../modules/ticket/ticket-sql';
import { reportPlaceKey } from '../modules/report/report.ids';
import { placeOf } from '../modules/report/report.service';
import { intArray } from '../graphql/loaders';
import { auditedChange, resultOf } from './audit';
import { forbidden, type Guard } from './guard';
import type { Jurisdiction, Viewer } from './viewer';
import type { Permission } from './roles';

// Authorization in one place. Every field the API resolves passes the policy (applyPolicy puts
// it on each field when the schema is built; `authorize` is the whole decision): root fields by ROOT_RULES, every other field by the rule of the type it belongs
// to (TYPE_RULES) and, for personal data, FIELD_RULES. A ticket is judged against the viewer's
// jurisdiction whatever path reached it (list, node(id), nested edge, mutation result), and the
// tickets a mutation names are judged before it runs. A root field or type without a rule is
// refused, and a unit test checks that every one in the schema has a rule. Outside GraphQL, the
// live events and the photo route ask mayReadTicket, and ticket lists filter by ticketScope: the
// one jurisdiction rule, in JavaScript and in SQL (tests/db/ticket-scope.test.ts keeps the two
// in step).

type Args = Record<string, unknown>;
type Need = Permission | 'signedIn' | 'public';

export interface RootRule {
  need: Need;
  /** Global ids of the tickets the call acts on or reads: judged before the resolver runs. */
  tickets?: (args: Args) => unknown[];
  /** Global ids of grids whose tickets the call reads. */
  grids?: (args: Args) => unknown[];
  /** Global ids of dispatches (TicketAssignment) answered. */
  assignments?: (args: Args) => unknown[];
  /** Global ids of dispatches a resource's own account acts on: sent to its resource only. */
  ownOffers?: (args: Args) => unknown[];
  /** Global ids of resources named: their community inside the jurisdiction. */
  resources?: (args: Args) => unknown[];
  /** The ticket action taken, checked against the role's actions. */
  action?: (args: Args) => unknown;
  /** A decision that needs more than the ids above, taken before the resolver runs. */
  check?: (context: Context, args: Args) => Promise<void>;
  /** The arguments describe a person (a `name` is theirs): the audit line keeps it out. */
  aboutAPerson?: true;
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
  // a resident's QR report needs nothing; staff's other channels and patrols are judged
  'Mutation.reportTicket': {
    need: 'public',
    check: (context, args) => checkReport(context, input(args)),
  },
  'Query.followTicket': PUBLIC,
  // the QR page while the resident types: emergency, category, 已有人反映; and following one
  'Query.reportAdvice': PUBLIC,
  'Mutation.followExistingTicket': PUBLIC,
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
  // 建档: imports (the upload itself is POST /imports, judged there)
  'Mutation.applyImport': { need: 'places:write' },
  'Mutation.discardImport': { need: 'places:write' },
  'Mutation.editPlace': { need: 'places:write' },
  // reports: a community its own, a street its communities, the district everything
  'Query.periodReport': {
    need: 'tickets:read',
    check: (context, args) => checkReportPlace(context, args.placeId, 'Query.periodReport'),
  },
  'Query.ticketHeat': {
    need: 'tickets:read',
    check: (context, args) => checkReportPlace(context, args.placeId, 'Query.ticketHeat'),
  },
  'Query.monthlyAssessment': {
    need: 'tickets:read',
    check: (context, args) => checkReportPlace(context, args.regionId, 'Query.monthlyAssessment'),
  },
  'Query.storedAssessments': {
    need: 'tickets:read',
    check: (context, args) => checkReportPlace(context, args.regionId, 'Query.storedAssessments'),
  },
  // keeping a closed month's report as it is (audited like every change)
  'Mutation.generateMonthlyAssessment': {
    need: 'tickets:read',
    check: (context, args) =>
      checkReportPlace(context, args.regionId, 'Mutation.generateMonthlyAssessment'),
  },
  // administration
  'Query.auditLog': { need: 'audit:read' },
  'Query.apiTokens': { need: 'tokens:manage' },
  // administrators for any account, anyone for their own; the scopes are judged by the resolver
  'Mutation.issueApiToken': { need: 'signedIn' },
  'Mutation.revokeApiToken': { need: 'tokens:manage' },
  // the people who do the work (issue 18): a resource's own account, its offers only
  'Query.myOffers': { need: 'offers:own' },
  'Query.myRecord': { need: 'offers:own' },
  'Query.myResource': { need: 'offers:own' },
  'Mutation.setMyAvailability': { need: 'offers:own' },
  'Subscription.myNotices': { need: 'offers:own' },
  'Mutation.answerOffer': { need: 'offers:own', ownOffers: (a) => [input(a).offerId] },
  'Mutation.finishOffer': { need: 'offers:own', ownOffers: (a) => [input(a).offerId] },
  // community staff invite a resource of theirs, and approve party members (双报到)
  'Mutation.inviteResourceAccount': {
    need: 'people:manage',
    resources: (a) => [input(a).resourceId],
    aboutAPerson: true,
  },
  'Mutation.approvePartyMember': { need: 'people:manage', resources: (a) => [a.resourceId] },
  'Mutation.rejectPartyMember': { need: 'people:manage', resources: (a) => [a.resourceId] },
  // the invitation link sets its own password; a party member registers through the community
  'Query.invitation': PUBLIC,
  'Mutation.acceptInvitation': PUBLIC,
  'Mutation.registerPartyMember': { need: 'public', aboutAPerson: true },
  'Query.registrationCommunity': PUBLIC,
};

/**
 * Open311 GeoReport v2 (http/open311.ts), by method: discovery and services are public (they
 * describe the categories, as the QR page does); filing needs what a staff report needs, and
 * reading requests tickets:read, through ticketScope like every ticket list. Personal fields
 * are never among what it answers, whoever asks.
 */
export const OPEN311_RULES = {
  discovery: 'public',
  services: 'public',
  serviceDefinition: 'public',
  createRequest: 'tickets:report',
  readRequests: 'tickets:read',
  token: 'tickets:read',
} as const satisfies Record<string, Need>;
export type Open311Method = keyof typeof OPEN311_RULES;

/**
 * 'ticket': judged against the jurisdiction (or the resident's link) by the ticket it belongs
 * to; 'ownResource': only the account of the resource it belongs to (resourcePk); 'inherit': a container (connection, edge, payload) reached only through a judged field.
 */
type TypeRule = Need | 'ticket' | 'inherit' | 'ownResource';

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
  DataImport: 'places:write',
  ImportProblem: 'places:write',
  PlaceEditResult: 'places:write',
  // reached only through apiTokens, issueApiToken and revokeApiToken, judged at the root
  ApiToken: 'signedIn',
  IssuedApiToken: 'signedIn',
  Category: 'public',
  CategorySuggestion: 'public',
  Viewer: 'public',
  SignInPayload: 'public',
  ReportTicketPayload: 'public',
  // what the QR page shows of nearby tickets: no text, no names, nothing personal
  ReportAdvice: 'public',
  EmergencyAdvice: 'public',
  ExistingReport: 'public',
  FollowExistingPayload: 'public',
  DuplicateCandidate: 'inherit',
  PageInfo: 'inherit',
  PeriodReport: 'tickets:read',
  PeriodFigures: 'tickets:read',
  ReportPeriod: 'tickets:read',
  LevelCount: 'tickets:read',
  ChannelCount: 'tickets:read',
  HoursBucket: 'tickets:read',
  CategoryCounts: 'tickets:read',
  TicketHeat: 'tickets:read',
  HeatCell: 'tickets:read',
  MonthlyAssessment: 'tickets:read',
  AssessmentUnit: 'tickets:read',
  AssessmentPeriod: 'tickets:read',
  AssessmentIndicator: 'tickets:read',
  RankedUnit: 'tickets:read',
  GrownCategory: 'tickets:read',
  AssessmentOverdueTicket: 'tickets:read',
  AssessmentChange: 'tickets:read',
  StoredAssessment: 'tickets:read',
  // a resource's own account: its offers (no resident, no phone), record, hours and notices
  Offer: 'ownResource',
  ResourceRecord: 'ownResource',
  MyResource: 'ownResource',
  Notice: 'ownResource',
  IssuedInvitation: 'people:manage',
  Invitation: 'public',
  PartyMemberRegistration: 'public',
  // outlines and names of a community's grids and compounds, as its QR posters show
  RegistrationCommunity: 'public',
  RegistrationZone: 'public',
};
const CONTAINER = /(Connection|Edge)$/;

/** Personal data: never for API tokens or anonymous callers, whatever the scope. */
export const PERSONAL_FIELDS = new Set([
  'Ticket.reporterName',
  'Ticket.reporterPhone',
  'GridWorker.phone',
  'Compound.vulnerableHouseholds',
]);

/**
 * A field that needs more than its type's rule. `when` limits the rule to the reads that ask for
 * more (an argument); `need` is a permission, refused as a type's is; `only` is a test of the
 * viewer against the object read, refused with its reason; with `audit`, every read the rule
 * judges writes a line naming the object (`read Type.field`), allowed or refused, before the
 * value is shown.
 */
interface FieldRule {
  when?: (args: Args, root: never) => boolean;
  need?: Permission;
  only?: { allows: (viewer: Viewer, root: never) => boolean; reason: string; message: string };
  audit?: boolean;
}

const FIELD_RULES: Record<string, FieldRule> = {
  'Ticket.matches': { need: 'tickets:dispatch' },
  'Ticket.categorySuggestions': { need: 'tickets:classify' },
  'Ticket.likelyDuplicates': { need: 'tickets:read' },
  // masked for everyone; whole, on request, to the roles that call residents back
  'Ticket.reporterPhone': {
    // nothing to reveal without a number
    when: (args, t: { reporterPhone: string | null }) =>
      args.unmasked === true && t.reporterPhone !== null,
    only: {
      allows: (viewer) => viewer.permissions.has('personal:reveal'),
      reason: 'NO_PERMISSION',
      message: 'your role sees reporters’ phone numbers masked',
    },
    audit: true,
  },
  // the community's own staff only: a street or the district does not see them
  'Compound.vulnerableHouseholds': {
    need: 'households:read',
    only: {
      allows: (viewer, c: { communityPk: number }) =>
        viewer.jurisdiction.communityPks.includes(c.communityPk),
      reason: 'OUTSIDE_JURISDICTION',
      message: 'vulnerable households are for this community’s own staff',
    },
    audit: true,
  },
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
    'urgent',
    'emergencyKind',
    'emergencyNumber',
    'seconds',
    'duplicateOf',
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

/**
 * The policy put on the schema's fields once, when the schema is built: for each field the rule
 * that applies is known then, so a field that needs no check (a connection's, a public type's)
 * resolves untouched, a field that needs only a permission checks it without a promise, and the
 * rest (roots, tickets, personal data, field rules, types without a rule) run `authorize`.
 */
export function applyPolicy(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const plan = planOf(type.name, field.name);
      const full = (root: unknown, args: Args, context: Context, info: GraphQLResolveInfo) =>
        authorize({ root, args, context, info }, async () => resolve(root, args, context, info));
      if (plan === 'none') continue;
      else if (plan === 'full') field.resolve = full;
      else if (plan === 'ticket')
        // a ticket's own fields: decided by its place, at once; the resident's link by authorize
        field.resolve = (root: TicketPlace, args, context: Context, info) =>
          mayReadTicket(context.auth.viewer, root, context.now())
            ? resolve(root, args, context, info)
            : full(root, args, context, info);
      else {
        const name = `${type.name}.${field.name}`;
        const open = OPEN_PLACE_FIELDS.has(name);
        field.resolve = (root, args, context: Context, info) => {
          const guard = context.auth;
          if (!(open && guard.viewer.via === 'anonymous')) guard.require(plan, name);
          return resolve(root, args, context, info);
        };
      }
    }
  }
  return schema;
}

/**
 * Whether `viewer` may read these fields (`Type.field`) whatever objects they are read on: each
 * root field's rule is a permission the viewer holds and nothing more (no tickets, actions or
 * checks), and each other field needs nothing or a permission the viewer holds (no ticket, own
 * resource, personal data or field rule). For answers written without resolvers
 * (graphql/sql-answer.ts), and for sessions only (a token's every request is audited, an
 * anonymous caller reads almost nothing); whatever this does not allow goes through `authorize`.
 */
export function mayReadWithoutObjects(viewer: Viewer, fields: Iterable<string>): boolean {
  if (viewer.via !== 'session') return false;
  for (const coordinate of fields) {
    const dot = coordinate.indexOf('.');
    const type = coordinate.slice(0, dot);
    if (ROOTS.has(type)) {
      const rule = ROOT_RULES[coordinate];
      if (type !== 'Query' || !rule) return false;
      const { need, tickets, grids, assignments, ownOffers, resources, action, check } = rule;
      if (tickets || grids || assignments || ownOffers || resources || action || check)
        return false;
      if (need !== 'public' && need !== 'signedIn' && !viewer.permissions.has(need)) return false;
      continue;
    }
    const plan = planOf(type, coordinate.slice(dot + 1));
    if (plan === 'none' || plan === 'signedIn') continue;
    if (plan === 'full' || plan === 'ticket' || !viewer.permissions.has(plan)) return false;
  }
  return true;
}

/** What a field needs: nothing, one permission (decided without the object), or `authorize`. */
function planOf(
  type: string,
  fieldName: string,
): 'none' | 'full' | 'ticket' | Exclude<Need, 'public'> {
  const field = `${type}.${fieldName}`;
  if (ROOTS.has(type) || PERSONAL_FIELDS.has(field) || FIELD_RULES[field]) return 'full';
  const rule = TYPE_RULES[type] ?? (CONTAINER.test(type) ? 'inherit' : undefined);
  if (rule === 'ticket' && type === 'Ticket') return 'ticket';
  if (rule === undefined || rule === 'ticket' || rule === 'ownResource') return 'full';
  if (rule === 'inherit' || rule === 'public') return 'none';
  return rule;
}

export const authorize: MiddlewareFn<Context> = async ({ root, args, info, context }, next) => {
  const type = info.parentType.name;
  const field = `${type}.${info.fieldName}`;
  const guard = context.auth;
  if (type === 'Mutation')
    // the change, its checks and its audit line in one transaction (auth/audit.ts)
    return auditedChange(
      context,
      info.fieldName,
      args,
      ROOT_RULES[field]?.aboutAPerson,
      async () => {
        await checkRoot(context, field, args);
        // the checks read tickets through the request's loaders; a mutation must return them fresh
        context.loaders.clear();
        return next();
      },
    );
  if (ROOTS.has(type)) {
    await checkRoot(context, field, args);
    return next();
  }
  if (info.fieldName === '__typename') return next();
  const rule = TYPE_RULES[type] ?? (CONTAINER.test(type) ? 'inherit' : undefined);
  if (rule === undefined) throw forbidden('NO_RULE', `${type} has no access rule`);
  if (rule === 'ownResource') {
    const own = guard.viewer.account?.resourcePk;
    if (guard.viewer.via === 'anonymous') throw guard.unauthenticated(type);
    if (!own || own !== (root as { resourcePk: number }).resourcePk)
      throw forbidden('NOT_YOUR_RESOURCE', `this ${type} belongs to another resource`);
  } else if (rule === 'ticket') {
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
      guard.isReporter((root as { pk: number }).pk) &&
      guard.viewer.via === 'anonymous';
    if (!granted) {
      await guard.audit({ action: `read ${field}`, result: 'FORBIDDEN PERSONAL_DATA' });
      throw forbidden(
        'PERSONAL_DATA',
        `${field} is personal data: not available to ${guard.viewer.via === 'token' ? 'API tokens' : 'anonymous callers'}`,
      );
    }
  }
  const extra = FIELD_RULES[field];
  if (extra && (extra.when?.(args, root as never) ?? true))
    await checkField(guard, type, field, extra, root);
  return next();
};

async function checkField(
  guard: Guard,
  type: string,
  field: string,
  rule: FieldRule,
  root: unknown,
) {
  const target = toGlobalId(type as NodeType, (root as { pk: number }).pk);
  let refusal: YituError | null = null;
  try {
    if (rule.need) guard.require(rule.need, field);
  } catch (error) {
    if (!(error instanceof YituError)) throw error;
    refusal = error;
  }
  if (!refusal && !(rule.only?.allows(guard.viewer, root as never) ?? true))
    refusal = forbidden(rule.only!.reason, rule.only!.message);
  // an audited field's every read is written, the refused ones too
  if (rule.audit)
    await guard.audit({
      action: `read ${field}`,
      target,
      result: refusal ? resultOf(refusal) : 'OK',
    });
  if (refusal) throw refusal;
}

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
  const place = type === 'Ticket' ? (root as TicketPlace) : await ticketById(context, ticketPk);
  if (place && mayReadTicket(guard.viewer, place, context.now())) return true;
  // the resident's own ticket, through its private link: a few fields only
  return guard.isGranted(ticketPk) && (RESIDENT_FIELDS[type]?.has(fieldName) ?? false);
}

/**
 * What a root field needs before anything runs (a query's, or a subscription's before it holds a
 * socket): its rule — a field without one is refused — and the rule's permission.
 */
export function requireRootPermission(guard: Guard, field: string): RootRule {
  const rule = ROOT_RULES[field];
  if (!rule) throw forbidden('NO_RULE', `${field} has no access rule`);
  if (rule.need !== 'public') guard.require(rule.need, field);
  return rule;
}

async function checkRoot(context: Context, field: string, args: Args): Promise<void> {
  const guard = context.auth;
  const rule = requireRootPermission(guard, field);
  const action = rule.action?.(args);
  if (typeof action === 'string' && !guard.viewer.actions.has(action as never)) {
    throw await refuse(guard, field, 'ACTION_NOT_ALLOWED', `your role may not ${action} tickets`);
  }
  await rule.check?.(context, args);
  // everything the call names, loaded together (one batched statement per kind), then judged
  const [tickets, dispatched, grids, offers, resources] = await Promise.all([
    Promise.all(ids(rule.tickets?.(args), 'Ticket').map((pk) => ticketById(context, pk))),
    Promise.all(
      ids(rule.assignments?.(args), 'TicketAssignment').map(async (pk) => {
        const assignment = await assignmentById(context, pk);
        return assignment && ticketById(context, assignment.ticketPk);
      }),
    ),
    Promise.all(ids(rule.grids?.(args), 'Grid').map((pk) => gridById(context, pk))),
    Promise.all(
      ids(rule.ownOffers?.(args), 'TicketAssignment').map((pk) => assignmentById(context, pk)),
    ),
    Promise.all(ids(rule.resources?.(args), 'Resource').map((pk) => resourceById(context, pk))),
  ]);
  // a missing one is the resolver's NOT_FOUND
  // a resource's own account acts only on the offers sent to its resource
  const own = guard.viewer.account?.resourcePk ?? null;
  const others = offers.find((a) => a && a.resourcePk !== own);
  if (others)
    throw await refuse(
      guard,
      field,
      'NOT_YOUR_OFFER',
      'this offer was sent to another resource',
      toGlobalId('TicketAssignment', others.pk),
    );
  const at = context.now();
  const outside = [
    ...tickets.map((t) => ['ticket', t && !mayReadTicket(guard.viewer, t, at) && t.id] as const),
    ...dispatched.map(
      (t) => ['dispatch', t && !mayReadTicket(guard.viewer, t, at) && t.id] as const,
    ),
    ...grids.map((g) => ['grid', g && !holdsGrid(guard.viewer.jurisdiction, g) && g.id] as const),
    ...resources.map(
      (r) =>
        [
          'resource',
          r && !holdsResource(guard.viewer.jurisdiction, r) && toGlobalId('Resource', r.pk),
        ] as const,
    ),
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

/**
 * Who may file what report: a resident anything through the QR page (the resolver sets its
 * channel), staff another channel with tickets:report, and a patrol only for a grid worker of
 * a grid in their jurisdiction. A missing or unknown grid worker is the resolver's
 * BAD_USER_INPUT.
 */
async function checkReport(context: Context, report: Args): Promise<void> {
  const guard = context.auth;
  const anonymous = guard.viewer.via === 'anonymous';
  // a patrol report names its grid worker: only a signed-in account may file one
  if (report.gridWorkerCode && anonymous)
    throw guard.unauthenticated('a grid worker’s patrol report');
  if (anonymous || report.channel === 'QR') return;
  guard.require('tickets:report', `a ${String(report.channel)} report`);
  const code = typeof report.gridWorkerCode === 'string' ? report.gridWorkerCode.trim() : '';
  if (report.channel !== 'PATROL' || !code) return;
  const grid = await patrolGrid(context, code);
  if (grid && !holdsGrid(guard.viewer.jurisdiction, grid))
    throw forbidden('OUTSIDE_JURISDICTION', 'this grid worker’s grid is outside your jurisdiction');
}

/**
 * A report names a place: a region, compound or grid must lie wholly inside the viewer's
 * jurisdiction (a community user asking for another community's report is refused and the
 * refusal audited). A property company or resource spans communities: its report counts only
 * the tickets the viewer may read (ticketScope), as every report does. A malformed id or an
 * unknown place is the resolver's error.
 */
async function checkReportPlace(context: Context, placeId: unknown, field: string): Promise<void> {
  if (typeof placeId !== 'string') return;
  let place;
  try {
    const { kind, pk } = reportPlaceKey(placeId);
    place = await placeOf(context.database, kind, pk);
  } catch {
    return;
  }
  const inside = mayReportOn(context.auth.viewer, place);
  if (!inside)
    throw await refuse(
      context.auth,
      field,
      'OUTSIDE_JURISDICTION',
      `this ${place.kind === 'Region' ? 'region' : place.kind.toLowerCase()}'s report is outside your jurisdiction`,
      placeId,
    );
}

/** Whether a place's report is the viewer's to read (GraphQL and the report files alike). */
export function mayReportOn(
  viewer: Viewer,
  place: { communityPks: number[] | null; gridPk: number | null },
): boolean {
  const j = viewer.jurisdiction;
  return (
    j.all ||
    place.communityPks === null ||
    (place.communityPks.length > 0 &&
      place.communityPks.every((pk) => j.communityPks.includes(pk))) ||
    (place.gridPk !== null && j.gridPks.includes(place.gridPk))
  );
}

// ---- The jurisdiction rule: which tickets a viewer may read, in JavaScript and in SQL ----

export interface TicketPlace {
  communityPk: number | null;
  gridPk: number | null;
  level: string;
}

/**
 * The jurisdiction whose tickets the viewer may read: none without tickets:read or once the
 * credential has expired (a live subscription outlasts the request that opened it).
 */
function readableBy(viewer: Viewer, at: Date): Jurisdiction | null {
  if (!viewer.permissions.has('tickets:read')) return null;
  if (viewer.expiresAt !== null && viewer.expiresAt <= at) return null;
  return viewer.jurisdiction;
}

/**
 * Whether a live notice for a resource is the viewer's: that resource's own account, with
 * offers:own, while its credential lasts.
 */
export const mayHearNotice = (viewer: Viewer, resourcePk: number, at: Date): boolean =>
  viewer.permissions.has('offers:own') &&
  (viewer.expiresAt === null || viewer.expiresAt > at) &&
  viewer.account?.resourcePk === resourcePk;

/**
 * Whether the viewer may read a ticket: staff whose jurisdiction holds it by its place (a
 * department only what was sent on to departments), while their credential lasts; or anyone
 * who opened it through its private follow link (GraphQL then shows a few fields only).
 */
export function mayReadTicket(
  viewer: Viewer,
  ticket: TicketPlace,
  at: Date,
  options: { byLink?: boolean } = {},
): boolean {
  if (options.byLink) return true;
  const j = readableBy(viewer, at);
  if (!j || (j.departmentOnly && ticket.level !== 'DEPARTMENT')) return false;
  return (
    j.all ||
    (ticket.communityPk !== null && j.communityPks.includes(ticket.communityPk)) ||
    (ticket.gridPk !== null && j.gridPks.includes(ticket.gridPk))
  );
}

declare const readable: unique symbol;
/** A SQL condition made by ticketScope only: the ticket lists cannot be handed another. */
export type TicketScope = SQL & { readonly [readable]: true };

/** mayReadTicket as a SQL condition on the tickets table (alias t), for lists. */
export function ticketScope(viewer: Viewer, at: Date): TicketScope {
  const j = readableBy(viewer, at);
  const place = !j
    ? sql`false`
    : j.all
      ? sql`true`
      : sql`(${t.communityId} = ANY(${intArray(j.communityPks)}::int[])
          OR ${t.gridId} = ANY(${intArray(j.gridPks)}::int[]))`;
  return (j?.departmentOnly ? sql`(${place} AND ${t.level} = 'DEPARTMENT')` : place) as TicketScope;
}

/**
 * Which tickets ticketScope lets the viewer read, as a key: viewers with the same key see the
 * same tickets (shared caches, such as the vector tiles', are keyed by it, never by user).
 */
export function ticketVisibility(viewer: Viewer, at: Date): string {
  const j = readableBy(viewer, at);
  if (!j) return 'none';
  const sorted = (pks: readonly number[]) => [...pks].sort((a, b) => a - b).join(',');
  const place = j.all ? 'all' : `c${sorted(j.communityPks)};g${sorted(j.gridPks)}`;
  return j.departmentOnly ? `${place};department` : place;
}

/**
 * Whether the viewer may print a community's QR posters (二维码海报): staff who hold places and
 * whose jurisdiction holds the community (a street or the district all of theirs), while their
 * credential lasts. Grid workers and departments do not put posters up.
 */
export function mayPrintPosters(viewer: Viewer, communityPks: number[], at: Date): boolean {
  if (!viewer.permissions.has('places:read') || viewer.via === 'anonymous') return false;
  const j = readableBy(viewer, at);
  if (!j || j.departmentOnly) return false;
  return j.all || communityPks.every((pk) => j.communityPks.includes(pk));
}

/** Whether a grid (and so its tickets, plan and patrols) is inside the jurisdiction. */
function holdsGrid(j: Jurisdiction, g: { pk: number; communityPk: number }): boolean {
  return j.all || j.communityPks.includes(g.communityPk) || j.gridPks.includes(g.pk);
}

/** Staff hold a resource of a community in their jurisdiction (a district-wide one: all). */
function holdsResource(j: Jurisdiction, r: { communityPk: number | null }): boolean {
  return j.all || (r.communityPk !== null && j.communityPks.includes(r.communityPk));
}
