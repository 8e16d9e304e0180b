import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { LADDER } from '../modules/ticket/ticket-machine';
import { TICKET_STATUSES } from '../modules/ticket/ticket-status';
import { anyGeometry, multiPolygon, point, polygon } from './postgis';

// Table definitions: the single source for drizzle-kit's migrations in ../../../migrations.
// Every geometry is SRID 4326 and passes yitu_valid_geometry() (defined in migration 0000; an
// inlined SQL test since 0018), which raises a check_violation naming the column and the reason
// (self-intersection, coordinates outside WGS84, empty) so bad shapes never reach the spatial
// queries.

const validGeometry = (name: string, column: AnyPgColumn, label: string) =>
  check(name, sql`yitu_valid_geometry(${column}, ${sql.raw(`'${label}'`)})`);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const regionLevel = pgEnum('region_level', ['DISTRICT', 'STREET', 'COMMUNITY']);

/** district (区/县) → street (街道) → community (社区). */
export const regions = pgTable(
  'regions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    level: regionLevel('level').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => regions.id),
    boundary: multiPolygon('boundary').notNull(),
    // where the map writes the name: the centre of the largest circle inside the boundary,
    // kept with it (computing it per tile was half of a zoom-12 tile's time)
    labelPoint: point('label_point').generatedAlwaysAs(
      sql`(ST_MaximumInscribedCircle(boundary)).center`,
    ),
    // e.g. { synthetic: true, source: '...' }: demo places say they are made up.
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('regions_boundary_gist').using('gist', t.boundary),
    index('regions_parent_idx').on(t.parentId),
    validGeometry('regions_boundary_valid', t.boundary, 'regions.boundary'),
    check('regions_parent_by_level', sql`(${t.level} = 'DISTRICT') = (${t.parentId} IS NULL)`),
  ],
);

/** 物业公司; hasPartyBranch marks 红色物业 (red property). */
export const propertyCompanies = pgTable('property_companies', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  hasPartyBranch: boolean('has_party_branch').notNull().default(false),
  phone: text('phone'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

/** 小区/院落. code is the token in the compound's QR link. */
export const compounds = pgTable(
  'compounds',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    communityId: integer('community_id')
      .notNull()
      .references(() => regions.id),
    boundary: polygon('boundary').notNull(),
    households: integer('households').notNull().default(0),
    yearBuilt: smallint('year_built'),
    // null = 无物业 (no property company)
    propertyCompanyId: integer('property_company_id').references(() => propertyCompanies.id),
    // 老旧小区, 安置小区, 商品房, 单位院落 …
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    // optimistic concurrency for edits on the map and imports (as for tickets)
    version: integer('version').notNull().default(1),
    // 撤销: a retired place keeps its row (tickets and history point at it) but leaves the map,
    // lookups, matching and topology checks; importing its code again brings it back
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('compounds_boundary_gist').using('gist', t.boundary),
    index('compounds_community_idx').on(t.communityId),
    index('compounds_property_company_idx').on(t.propertyCompanyId),
    validGeometry('compounds_boundary_valid', t.boundary, 'compounds.boundary'),
    check('compounds_households_nonneg', sql`${t.households} >= 0`),
  ],
);

/** 楼栋. */
export const buildings = pgTable(
  'buildings',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    compoundId: integer('compound_id')
      .notNull()
      .references(() => compounds.id),
    number: text('number').notNull(),
    floors: smallint('floors').notNull(),
    households: integer('households').notNull().default(0),
    location: point('location').notNull(),
    // optimistic concurrency for edits on the map and imports (as for tickets)
    version: integer('version').notNull().default(1),
    // 撤销: a retired place keeps its row (tickets and history point at it) but leaves the map,
    // lookups, matching and topology checks; importing its code again brings it back
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('buildings_compound_number_key').on(t.compoundId, t.number),
    index('buildings_location_gist').using('gist', t.location),
    validGeometry('buildings_location_valid', t.location, 'buildings.location'),
    check('buildings_floors_positive', sql`${t.floors} > 0`),
  ],
);

/** 网格 merged from several kinds (多网合一); parentId set = 微网格 (micro-grid). */
export const grids = pgTable(
  'grids',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    communityId: integer('community_id')
      .notNull()
      .references(() => regions.id),
    parentId: integer('parent_id').references((): AnyPgColumn => grids.id),
    // PARTY_BUILDING (党建网格), SOCIAL_ORDER (综治网格), PETITION (信访网格), URBAN_MANAGEMENT …
    kinds: text('kinds')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    boundary: polygon('boundary').notNull(),
    workerId: integer('worker_id').references((): AnyPgColumn => gridWorkers.id),
    // optimistic concurrency for edits on the map and imports (as for tickets)
    version: integer('version').notNull().default(1),
    // 撤销: a retired place keeps its row (tickets and history point at it) but leaves the map,
    // lookups, matching and topology checks; importing its code again brings it back
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('grids_boundary_gist').using('gist', t.boundary),
    index('grids_community_idx').on(t.communityId),
    index('grids_parent_idx').on(t.parentId),
    validGeometry('grids_boundary_valid', t.boundary, 'grids.boundary'),
  ],
);

/** 网格员 / 微网格员. */
export const gridWorkers = pgTable(
  'grid_workers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    gridId: integer('grid_id').references((): AnyPgColumn => grids.id),
    isPartyMember: boolean('is_party_member').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('grid_workers_grid_idx').on(t.gridId)],
);

export const partyOrgKind = pgEnum('party_org_kind', [
  'COMMITTEE', // 社区党委
  'BRANCH', // 小区/网格党支部
  'GROUP', // 楼栋/网格党小组
  'MEMBER_HOUSEHOLD', // 党员中心户
]);

/** The party organisation mirrors the places: each level attaches to one. */
export const partyOrganizations = pgTable(
  'party_organizations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    kind: partyOrgKind('kind').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => partyOrganizations.id),
    communityId: integer('community_id')
      .notNull()
      .references(() => regions.id),
    compoundId: integer('compound_id').references(() => compounds.id),
    gridId: integer('grid_id').references(() => grids.id),
    buildingId: integer('building_id').references(() => buildings.id),
    secretary: text('secretary'),
    memberCount: integer('member_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('party_orgs_parent_idx').on(t.parentId),
    index('party_orgs_grid_idx').on(t.gridId),
    index('party_orgs_community_idx').on(t.communityId),
    check('party_orgs_parent_by_kind', sql`(${t.kind} = 'COMMITTEE') = (${t.parentId} IS NULL)`),
  ],
);

export const resourceKind = pgEnum('resource_kind', [
  'PARTY_MEMBER', // 双报到在职党员
  'VOLUNTEER_TEAM', // 志愿服务队
  'SOCIAL_ORG', // 社会组织
  'COMMUNITY_PARTNER', // 社区合伙人
  'PROPERTY_COMPANY', // 物业公司
  'LAW_ENFORCEMENT', // 综合执法队
  'DEPARTMENT', // 职能部门
]);

/** When a resource can work: always, weekly hours, and/or fixed days of the month. */
export interface Availability {
  always?: boolean;
  /** [isoWeekday 1–7, "HH:MM", "HH:MM"] */
  weekly?: [number, string, string][];
  /** e.g. branch service days [8, 18, 28] */
  monthlyDays?: number[];
}

/** 资源: whoever does the work. */
export const resources = pgTable(
  'resources',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    kind: resourceKind('kind').notNull(),
    name: text('name').notNull(),
    // community registered at (双报到) or served; null for district-wide departments
    communityId: integer('community_id').references(() => regions.id),
    propertyCompanyId: integer('property_company_id').references(() => propertyCompanies.id),
    location: point('location').notNull(),
    serviceArea: multiPolygon('service_area'),
    capabilities: text('capabilities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    capacity: integer('capacity').notNull().default(1),
    availability: jsonb('availability').$type<Availability>().notNull().default({ always: true }),
    mayDecline: boolean('may_decline').notNull().default(true),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    // optimistic concurrency for edits on the map and imports (as for tickets)
    version: integer('version').notNull().default(1),
    // 撤销: a retired place keeps its row (tickets and history point at it) but leaves the map,
    // lookups, matching and topology checks; importing its code again brings it back
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    // 双报到: a party member who registered through the community waits for its staff's approval
    // and is never dispatched before (matching's SQL and a trigger on ticket_assignments)
    pendingSince: timestamp('pending_since', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('resources_location_gist').using('gist', t.location),
    // most resources have no service area: a GiST entry for each NULL cost a 100,000-row import
    // seconds and answered nothing (ST_Covers on the column implies IS NOT NULL to the planner)
    index('resources_service_area_gist')
      .using('gist', t.serviceArea)
      .where(sql`${t.serviceArea} IS NOT NULL`),
    index('resources_capabilities_gin').using('gin', t.capabilities),
    index('resources_community_idx').on(t.communityId),
    validGeometry('resources_location_valid', t.location, 'resources.location'),
    validGeometry('resources_service_area_valid', t.serviceArea, 'resources.service_area'),
    check('resources_capacity_nonneg', sql`${t.capacity} >= 0`),
  ],
);

/** 认领责任区: a resource claims a grid or a compound. */
export const resourceClaims = pgTable(
  'resource_claims',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id),
    gridId: integer('grid_id').references(() => grids.id),
    compoundId: integer('compound_id').references(() => compounds.id),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('resource_claims_resource_idx').on(t.resourceId),
    index('resource_claims_grid_idx').on(t.gridId),
    index('resource_claims_compound_idx').on(t.compoundId),
    check('resource_claims_one_zone', sql`num_nonnulls(${t.gridId}, ${t.compoundId}) = 1`),
  ],
);

export const ticketLevel = pgEnum('ticket_level', LADDER);

/** Ticket taxonomy, seeded from api/src/seed/data/categories.json. */
export const categories = pgTable(
  'categories',
  {
    code: text('code').primaryKey(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    level: ticketLevel('level').notNull(),
    respondHours: integer('respond_hours').notNull(),
    resolveHours: integer('resolve_hours').notNull(),
    capabilities: text('capabilities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    examples: text('examples')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    // 已有人反映: open tickets of this category within this many metres count as likely duplicates
    duplicateRadiusM: integer('duplicate_radius_m').notNull().default(100),
    // an emergency category (gas, fire …): the number the resident is told to call at once
    emergencyNumber: text('emergency_number'),
  },
  (t) => [
    check('categories_duplicate_radius', sql`${t.duplicateRadiusM} BETWEEN 50 AND 250`),
    check('categories_emergency_number', sql`${t.emergencyNumber} IN ('110', '119', '120')`),
  ],
);

export const ticketStatus = pgEnum('ticket_status', TICKET_STATUSES);

/** New ticket codes: T<local date>-<sequence>. */
export const ticketCodeSeq = pgSequence('ticket_code_seq');

// OPEN311: filed by an outside civic tool through GeoReport v2 (http/open311.ts)
export const ticketChannel = pgEnum('ticket_channel', [
  'QR',
  'PATROL',
  'HOTLINE',
  'STAFF',
  'OPEN311',
]);

/** 工单. compound/grid/building are filled by a spatial join when the ticket is written. */
export const tickets = pgTable(
  'tickets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    code: text('code').notNull().unique(),
    categoryCode: text('category_code').references(() => categories.code),
    status: ticketStatus('status').notNull().default('REPORTED'),
    level: ticketLevel('level').notNull().default('COMPOUND'),
    location: point('location').notNull(),
    compoundId: integer('compound_id').references(() => compounds.id),
    gridId: integer('grid_id').references(() => grids.id),
    buildingId: integer('building_id').references(() => buildings.id),
    communityId: integer('community_id').references(() => regions.id),
    description: text('description').notNull(),
    reporterName: text('reporter_name'),
    reporterPhone: text('reporter_phone'),
    // personal data like the name and phone: kept for staff, never answered to anyone (Open311)
    reporterEmail: text('reporter_email'),
    channel: ticketChannel('channel').notNull(),
    idempotencyKey: text('idempotency_key').unique(),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
    respondBy: timestamp('respond_by', { withTimezone: true }),
    resolveBy: timestamp('resolve_by', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    satisfaction: smallint('satisfaction'),
    // First-inquiry owner (首问负责): whoever accepted it stays accountable through transfers.
    owner: text('owner'),
    resolvedBy: text('resolved_by'),
    suspendedFrom: ticketStatus('suspended_from'),
    duplicateOfId: integer('duplicate_of_id').references((): AnyPgColumn => tickets.id),
    // Urgent (紧急): what kind of emergency (GAS, FIRE, LIFT, INJURY, DANGER, CATEGORY) and the
    // number the resident was told to call; null for an ordinary matter.
    emergencyKind: text('emergency_kind'),
    emergencyNumber: text('emergency_number'),
    // The resident's private link to follow and rate the ticket (random, unguessable).
    followToken: text('follow_token').unique(),
    // sha256 of the report's payload: a retried submission with the same key must match it.
    requestHash: text('request_hash'),
    // a picture an Open311 client holds at a public URL (GeoReport's media_url); never fetched
    mediaUrl: text('media_url'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('tickets_location_gist').using('gist', t.location),
    index('tickets_status_idx').on(t.status),
    index('tickets_compound_idx').on(t.compoundId),
    index('tickets_grid_idx').on(t.gridId),
    index('tickets_community_idx').on(t.communityId),
    index('tickets_reported_at_idx').on(t.reportedAt),
    validGeometry('tickets_location_valid', t.location, 'tickets.location'),
    check('tickets_description_nonempty', sql`length(btrim(${t.description})) > 0`),
    check('tickets_description_max', sql`length(${t.description}) <= 4000`),
    check('tickets_satisfaction_range', sql`${t.satisfaction} BETWEEN 1 AND 5`),
    check('tickets_version_positive', sql`${t.version} > 0`),
    check(
      'tickets_media_url_http',
      sql`${t.mediaUrl} IS NULL OR (${t.mediaUrl} ~ '^https?://' AND length(${t.mediaUrl}) <= 1000)`,
    ),
    check(
      'tickets_emergency_pair',
      sql`(${t.emergencyKind} IS NULL) = (${t.emergencyNumber} IS NULL)`,
    ),
    index('tickets_duplicate_of_idx')
      .on(t.duplicateOfId)
      .where(sql`${t.duplicateOfId} IS NOT NULL`),
  ],
);

/**
 * 附议: a resident who found their matter already reported follows that ticket instead of filing
 * one. Their own private link shows the original; staff see the count. Personal data like a
 * reporter's.
 */
export const ticketFollowers = pgTable(
  'ticket_followers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    followToken: text('follow_token').notNull().unique(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_followers_ticket_idx').on(t.ticketId)],
);

/** Append-only: a trigger (migration 0002) refuses UPDATE and DELETE. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    type: text('type').notNull(),
    fromStatus: ticketStatus('from_status'),
    toStatus: ticketStatus('to_status'),
    actor: text('actor').notNull(),
    reason: text('reason'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ticket_events_ticket_idx').on(t.ticketId, t.at),
    // a ticket's staff return visits (回访), looked up for every ticket a place's figures count
    index('ticket_events_return_visit_idx')
      .on(t.ticketId)
      .where(sql`${t.type} = 'RETURN_VISIT'`),
  ],
);

/** 照片: uploaded first (即拍即传), then attached to a ticket by its report or a later step. */
export const photos = pgTable(
  'photos',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    // Random and unguessable: it is the name in the photo's URL.
    key: text('key').notNull().unique(),
    ticketId: integer('ticket_id').references(() => tickets.id),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('photos_ticket_idx').on(t.ticketId)],
);

/**
 * 派单: one resource sent to one ticket. OFFERED until the resource answers (resources that may
 * not decline start ACCEPTED); DECLINED rows stay so matching never offers that ticket to the
 * same resource again. A resource's load is its OFFERED/ACCEPTED rows on tickets still being
 * handled (DISPATCHED, IN_PROGRESS, SUSPENDED), so load needs no upkeep when a ticket is
 * resolved or closed.
 */
export const assignmentStatus = pgEnum('assignment_status', [
  'OFFERED',
  'ACCEPTED',
  'DECLINED',
  // the ticket was dispatched afresh (after a reopen): earlier rounds no longer count as load
  'RELEASED',
]);

export const ticketAssignments = pgTable(
  'ticket_assignments',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id),
    status: assignmentStatus('status').notNull(),
    assignedBy: text('assigned_by').notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    declineReason: text('decline_reason'),
    // the resource's own report that the work is done (its account: photo on the ticket, note,
    // hours of service for its record)
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneNote: text('done_note'),
    hours: real('hours'),
    // The match components when it was sent, so the choice can be explained later.
    match: jsonb('match').$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex('ticket_assignments_ticket_resource').on(t.ticketId, t.resourceId),
    // a resource's load and record are read per resource, by status
    index('ticket_assignments_resource_idx').on(t.resourceId, t.status),
  ],
);

// ---- Accounts, sessions, API tokens and the audit log (issue 7) ----

/** 网格员, 社区两委, 街道/指挥中心, 职能部门, 系统管理员. */
export const accountRole = pgEnum('account_role', [
  'GRID_WORKER',
  'COMMUNITY_STAFF',
  'STREET_STAFF',
  'DEPARTMENT',
  'ADMIN',
  'RESOURCE',
]);

/**
 * A person who signs in. The jurisdiction is a grid (grid workers) or a region (community,
 * street or district); neither means the whole deployment, which only a city-level command
 * centre or an administrator holds.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: accountRole('role').notNull(),
    regionId: integer('region_id').references(() => regions.id),
    gridId: integer('grid_id').references(() => grids.id),
    // RESOURCE accounts: the resource record they work for (no jurisdiction of places)
    resourceId: integer('resource_id').references(() => resources.id),
    // argon2id (PHC string); never leaves the database except to be verified
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    check('accounts_one_jurisdiction', sql`${t.regionId} IS NULL OR ${t.gridId} IS NULL`),
    check(
      'accounts_grid_worker_grid',
      sql`(${t.role} = 'GRID_WORKER') = (${t.gridId} IS NOT NULL)`,
    ),
    // as text: the enum value is new in the same migration (PostgreSQL refuses its literal there)
    check('accounts_resource', sql`(${t.role}::text = 'RESOURCE') = (${t.resourceId} IS NOT NULL)`),
    check(
      'accounts_resource_no_places',
      sql`${t.role}::text <> 'RESOURCE' OR (${t.regionId} IS NULL AND ${t.gridId} IS NULL)`,
    ),
    check('accounts_username_format', sql`${t.username} ~ '^[a-z0-9][a-z0-9._-]{1,39}$'`),
  ],
);

/**
 * An invitation to a resource's account (issue 18): community staff create it, the person opens
 * the link once to set a password. Only the sha256 of the link's secret is kept.
 */
export const accountInvites = pgTable(
  'account_invites',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    secretHash: text('secret_hash').notNull().unique(),
    resourceId: integer('resource_id')
      .notNull()
      .references(() => resources.id),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    accountId: integer('account_id').references(() => accounts.id),
  },
  (t) => [index('account_invites_resource_idx').on(t.resourceId)],
);

export const credentialKind = pgEnum('credential_kind', ['SESSION', 'API_TOKEN']);

/**
 * SPA sessions and third-party API tokens: the secret is only ever stored as its sha256, so a
 * leaked table cannot be replayed. Kept in the database so any API process can check them.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: credentialKind('kind').notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id),
    // API tokens: a label (who holds it), scopes and a request budget per minute
    name: text('name'),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ratePerMinute: integer('rate_per_minute'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('credentials_account_idx').on(t.accountId)],
);

/** Requests per token per minute: a counter in the database, shared by every API process. */
export const tokenUsage = pgTable(
  'token_usage',
  {
    credentialId: integer('credential_id')
      .notNull()
      .references(() => credentials.id),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    requests: integer('requests').notNull(),
  },
  (t) => [uniqueIndex('token_usage_pk').on(t.credentialId, t.minute)],
);

/** Append-only (trigger in migration 0009): who did or read what, when, with what result. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    // no foreign key: the record outlives the account (and a demo reset) unchanged
    accountId: integer('account_id'),
    // account:<username>, token:<name>, resident (private link) or anonymous
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    result: text('result').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_account_idx').on(t.accountId)],
);

/**
 * Vulnerable households (重点人群: 独居老人, 低保户, 残疾人 …) of a compound, from the courtyard
 * archive. Personal data: only the staff of that compound's community may read them.
 */
export const vulnerableHouseholds = pgTable(
  'vulnerable_households',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    compoundId: integer('compound_id')
      .notNull()
      .references(() => compounds.id),
    buildingId: integer('building_id').references(() => buildings.id),
    unit: text('unit').notNull(),
    tags: text('tags').array().notNull(),
    contactName: text('contact_name').notNull(),
    contactPhone: text('contact_phone'),
    note: text('note'),
  },
  (t) => [index('vulnerable_households_compound_idx').on(t.compoundId)],
);

// ---- Imports (建档, issue 14) ----

export const importStatus = pgEnum('import_status', ['PREVIEWED', 'APPLIED', 'DISCARDED']);

/**
 * One uploaded file, read and checked (the dry run), waiting to be applied or discarded. Its
 * rows are staged in import_rows, already in WGS84, so the checks and the apply are SQL.
 */
export const imports = pgTable(
  'imports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').references(() => accounts.id),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    format: text('format').notNull(),
    crs: text('crs').notNull(),
    notes: text('notes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: importStatus('status').notNull().default('PREVIEWED'),
    // the counts the apply wrote (create, update, unchanged), for the record and the audit line
    applied: jsonb('applied').$type<Record<string, number>>(),
    // what the dry run was checked against: the place writes committed by then (place_writes)
    // and the importer's jurisdiction; an apply that finds both the same skips the re-check
    checkedWrites: integer('checked_writes'),
    checkedScope: text('checked_scope'),
    createdAt: createdAt(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
  },
  (t) => [index('imports_account_idx').on(t.accountId)],
);

export const importRows = pgTable(
  'import_rows',
  {
    importId: integer('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    // where the row is in the file: "feature 3", "row 5"
    at: text('at').notNull(),
    code: text('code'),
    name: text('name'),
    parentCode: text('parent_code'),
    placeBy: text('place_by'),
    // WGS84, as judged and (where repaired) made valid for its table
    geom: anyGeometry('geom'),
    attrs: jsonb('attrs').$type<Record<string, unknown>>().notNull().default({}),
    problems: jsonb('problems')
      .$type<{ severity: string; field: string; reason: string; message: string }[]>()
      .notNull()
      .default([]),
    // CREATE, UPDATE, UNCHANGED or RETIRE once judged; the row it creates, updates or retires
    action: text('action'),
    targetId: integer('target_id'),
  },
  // no spatial index: every check reads an import's rows whole, and a GiST index built row by
  // row cost a 100,000-row preview more than any check saved (tests/bench/import.bench.ts)
  (t) => [uniqueIndex('import_rows_pk').on(t.importId, t.seq)],
);

/**
 * One row per statement that wrote a table an import's checks read (migration 0015's triggers):
 * an apply that counts as many as its dry run did has nothing new to check against. Only ever
 * added to, so a count can only grow once the statement's transaction commits.
 */
export const placeWrites = pgTable('place_writes', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  tableName: text('table_name').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

// ---- Reports kept as submitted (issue 16) ----

/**
 * A monthly assessment (月度考评) as it was generated for a closed month: what was sent upward
 * does not change when tickets are edited later. Generating again adds a version; none is ever
 * rewritten (trigger in migration 0020).
 */
export const assessmentReports = pgTable(
  'assessment_reports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id),
    // YYYY-MM, Beijing time
    month: text('month').notNull(),
    version: integer('version').notNull(),
    generatedAt: timestamp('generated_at', { withTimezone: true }).notNull().defaultNow(),
    // account:<username> or token:<name>
    generatedBy: text('generated_by').notNull(),
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex('assessment_reports_version_key').on(t.regionId, t.month, t.version),
    check('assessment_reports_month_format', sql`${t.month} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('assessment_reports_version_positive', sql`${t.version} > 0`),
  ],
);
