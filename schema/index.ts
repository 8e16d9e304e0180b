// The public contract: operations the web client sends, validated against schema.graphql by
// schema/operations.test.ts and typed from it by gql.tada (graphql-env.d.ts, generated), so a
// schema change that breaks the map fails `pnpm check`.
import { print } from '@0no-co/graphql.web';
import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './graphql-env';

export type Position = [number, number];

/** What the GeoJSON scalar carries: an RFC 7946 geometry (no collections). */
export type GeoJsonGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; GeoJSON: GeoJsonGeometry; JSON: unknown };
  // fragments here only share selections; their fields are the operation's own
  disableMasking: true;
}>();

declare const typed: unique symbol;

/**
 * An operation's text, carrying its result and variables types. Plain strings on the wire and
 * for every reader of this module (the API's cost test parses them).
 */
export type Operation<Result, Variables> = string & {
  readonly [typed]?: (variables: Variables) => Result;
};
export type ResultOf<O> = O extends Operation<infer R, never> ? R : never;
export type VariablesOf<O> = O extends Operation<unknown, infer V> ? V : never;

const operation = <Result, Variables>(document: TadaDocumentNode<Result, Variables>) =>
  print(document) as Operation<Result, Variables>;

/**
 * The map's frame, a page at a time: the streets' extent is where the map opens (the districts'
 * when there are no streets yet), the first district's name the top bar's. Everything drawn comes from the vector tiles (GET /tiles).
 */
export const MAP_FRAME_QUERY = operation(
  graphql(`
    query MapFrame($level: RegionLevel!, $after: String, $crs: Crs! = WGS84) {
      regions(level: $level, first: 100, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          code
          name
          synthetic
          boundary(precision: 3, crs: $crs)
        }
      }
    }
  `),
);

/** A compound or grid by its code (the selection in the URL, a search pick): panel and extent. */
export const PLACE_BY_CODE_QUERY = operation(
  graphql(`
    query PlaceByCode($code: String!, $crs: Crs! = WGS84) {
      compounds(filter: { search: $code }, first: 50) {
        nodes {
          id
          code
          name
          households
          community {
            code
            name
          }
          propertyCompany {
            name
            hasPartyBranch
          }
          stats {
            openTickets
            overdueTickets
            satisfactionRate
          }
          boundary(precision: 6, crs: $crs)
        }
      }
      grids(filter: { search: $code }, first: 50) {
        nodes {
          id
          code
          name
          micro
          boundary(precision: 6, crs: $crs)
        }
      }
    }
  `),
);

/** Where a ticket is, to move the map to it. */
export const TICKET_LOCATION_QUERY = operation(
  graphql(`
    query TicketLocation($id: ID!, $crs: Crs! = WGS84) {
      node(id: $id) {
        __typename
        ... on Ticket {
          location(precision: 6, crs: $crs)
        }
      }
    }
  `),
);

/** Outlines in a box a page at a time, for drawing to snap to (every page is read). */
export const OUTLINES_IN_VIEW_QUERY = operation(
  graphql(`
    query OutlinesInView(
      $bbox: BBoxInput!
      $crs: Crs! = WGS84
      $regionsAfter: String
      $gridsAfter: String
      $compoundsAfter: String
      $regions: Boolean!
      $grids: Boolean!
      $compounds: Boolean!
    ) {
      regions(filter: { bbox: $bbox }, first: 500, after: $regionsAfter) @include(if: $regions) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          boundary(precision: 7, crs: $crs)
        }
      }
      grids(filter: { bbox: $bbox }, first: 500, after: $gridsAfter) @include(if: $grids) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          boundary(precision: 7, crs: $crs)
        }
      }
      compounds(filter: { bbox: $bbox }, first: 500, after: $compoundsAfter)
        @include(if: $compounds) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          boundary(precision: 7, crs: $crs)
        }
      }
    }
  `),
);

/** The grid panel: who works it, its compounds and its open tickets (网格面板). */
export const GRID_PANEL_QUERY = operation(
  graphql(`
    query GridPanel($id: ID!) {
      node(id: $id) {
        __typename
        ... on Grid {
          id
          code
          name
          micro
          worker {
            name
          }
          partyGroup {
            name
          }
          stats {
            openTickets
            overdueTickets
            resolutionRate
            onTimeRate
            satisfactionRate
          }
          compounds(first: 100) {
            nodes {
              code
              name
            }
          }
          tickets(openOnly: true, first: 200) {
            nodes {
              id
              code
              status
              urgent
              overdue
              respondBy
              resolveBy
              description
              category {
                nameZh
              }
            }
          }
        }
      }
    }
  `),
);

/**
 * The ticket panel: status, deadlines, the reporter (masked), timeline, who was sent, and ranked
 * candidates. The classifier's suggestions and the candidates are asked for only by roles that
 * may classify ($classify) and dispatch ($dispatch): for others the API refuses those fields.
 */
export const TICKET_PANEL_QUERY = operation(
  graphql(`
    query TicketPanel($id: ID!, $classify: Boolean! = false, $dispatch: Boolean! = false) {
      node(id: $id) {
        __typename
        ... on Ticket {
          id
          code
          status
          level
          overdue
          urgent
          emergencyNumber
          seconds
          duplicateOf {
            code
          }
          likelyDuplicates {
            distanceM
            ticket {
              id
              code
              status
              reportedAt
              seconds
              description
            }
          }
          version
          allowedActions
          description
          reporterName
          reporterPhone
          reportedAt
          respondBy
          resolveBy
          category {
            code
            nameZh
          }
          categorySuggestions @include(if: $classify) {
            categoryCode
            confidence
          }
          compound {
            name
          }
          grid {
            id
            code
          }
          photos {
            url
            thumbnailUrl
          }
          assignments {
            id
            status
            declineReason
            resource {
              name
            }
          }
          events(first: 100) {
            nodes {
              type
              toStatus
              actor
              reason
              at
            }
          }
          matches(first: 5) @include(if: $dispatch) {
            score
            distanceMeters
            availableNow
            nextAvailableAt
            load
            capacity
            inClaimedZone
            inServiceArea
            matchedCapabilities
            record {
              sample
              counts
              onTimeRate
            }
            resource {
              id
              name
              kind
            }
          }
        }
      }
    }
  `),
);

export const DISPATCH_MUTATION = operation(
  graphql(`
    mutation Dispatch($input: DispatchTicketInput!) {
      dispatchTicket(input: $input) {
        id
        status
        version
      }
    }
  `),
);

export const ACT_MUTATION = operation(
  graphql(`
    mutation Act($input: TicketActionInput!) {
      actOnTicket(input: $input) {
        id
        status
        version
      }
    }
  `),
);

/** A ticket's status and log, for the phone to tell whether an action that came back CONFLICT
 * had taken effect already (its first answer lost on the way). */
export const PHONE_TICKET_LOG_QUERY = operation(
  graphql(`
    query PhoneTicketLog($id: ID!) {
      node(id: $id) {
        __typename
        ... on Ticket {
          status
          events(first: 100) {
            nodes {
              type
              actor
              fromStatus
              toStatus
            }
          }
        }
      }
    }
  `),
);

/** Live changes: every ticket event, with the ticket's new state for the map. */
export const TICKET_EVENTS_SUBSCRIPTION = operation(
  graphql(`
    subscription TicketEvents($crs: Crs! = WGS84) {
      ticketEvents {
        type
        ticket {
          id
          code
          status
          overdue
          location(precision: 6, crs: $crs)
        }
      }
    }
  `),
);

/** The resident page behind a compound's QR code: which compound, and its buildings (no sign-in). */
export const QR_COMPOUND_QUERY = operation(
  graphql(`
    query QrCompound($code: String!) {
      qrCompound(code: $code) {
        code
        name
        buildings(first: 200) {
          nodes {
            number
          }
        }
      }
    }
  `),
);

export const REPORT_MUTATION = operation(
  graphql(`
    mutation Report($input: ReportTicketInput!) {
      reportTicket(input: $input) {
        followToken
        ticket {
          code
          status
        }
      }
    }
  `),
);

/** The QR page while the resident types: emergency number, category, 已有人反映. */
export const REPORT_ADVICE_QUERY = operation(
  graphql(`
    query ReportAdvice($compoundCode: String!, $text: String!, $buildingNumber: String) {
      reportAdvice(compoundCode: $compoundCode, text: $text, buildingNumber: $buildingNumber) {
        emergency {
          kind
          number
        }
        categoryCode
        confidence
        existing {
          id
          code
          categoryCode
          status
          reportedAt
          distanceM
          seconds
        }
      }
      categories {
        code
        nameZh
      }
    }
  `),
);

/** 附议: follow an existing ticket instead of filing. */
export const FOLLOW_EXISTING_MUTATION = operation(
  graphql(`
    mutation FollowExisting($input: FollowExistingInput!) {
      followExistingTicket(input: $input) {
        followToken
        ticket {
          code
          status
        }
      }
    }
  `),
);

/** The resident's follow page (private link). */
export const FOLLOW_QUERY = operation(
  graphql(`
    query Follow($token: String!) {
      followTicket(token: $token) {
        code
        status
        urgent
        emergencyNumber
        seconds
        duplicateOf {
          code
          status
        }
        description
        reportedAt
        respondBy
        satisfaction
        events(first: 100) {
          nodes {
            type
            toStatus
            at
          }
        }
      }
    }
  `),
);

export const RATE_MUTATION = operation(
  graphql(`
    mutation Rate($token: String!, $rating: Int!, $comment: String) {
      rateTicket(token: $token, rating: $rating, comment: $comment) {
        status
        satisfaction
      }
    }
  `),
);

/** The top bar's search: compounds and grids by name or code, tickets by code or text. */
export const SEARCH_QUERY = operation(
  graphql(`
    query Search($text: String!) {
      compounds(filter: { search: $text }, first: 5) {
        nodes {
          code
          name
        }
      }
      grids(filter: { search: $text }, first: 5) {
        nodes {
          code
          name
        }
      }
      tickets(filter: { search: $text }, first: 5) {
        nodes {
          id
          code
          description
        }
      }
    }
  `),
);

/** Each community's shortfall (三清单 gap) for the map's gap layer. */
export const COMMUNITY_GAPS_QUERY = operation(
  graphql(`
    query CommunityGaps {
      communityLists {
        shortfall
        community {
          code
        }
      }
    }
  `),
);

/** The dashboard: the ticket figures per street and community. */
export const DASHBOARD_QUERY = operation(
  graphql(`
    query Dashboard {
      regions(first: 100) {
        nodes {
          id
          code
          name
          level
          stats {
            openTickets
            overdueTickets
            closedTickets
            resolutionRate
            onTimeRate
            satisfactionRate
            meanResolutionHours
          }
        }
      }
    }
  `),
);

/** One community's three lists, for the dashboard. */
export const COMMUNITY_LISTS_QUERY = operation(
  graphql(`
    query CommunityListsOf($id: ID!) {
      node(id: $id) {
        __typename
        ... on Region {
          name
          lists {
            shortfall
            gaps {
              category {
                nameZh
              }
              openTickets
              freeCapacity
              gap
            }
            services {
              capability
              resourceCount
            }
          }
        }
      }
    }
  `),
);

export const CATEGORIES_QUERY = operation(
  graphql(`
    query Categories {
      categories {
        code
        nameZh
      }
    }
  `),
);

export const CLASSIFY_MUTATION = operation(
  graphql(`
    mutation Classify($input: ClassifyTicketInput!) {
      classifyTicket(input: $input) {
        id
        status
        version
      }
    }
  `),
);

/** Who is signed in (null: nobody), with the role's permissions and ticket actions. */
export const VIEWER_FRAGMENT = graphql(`
  fragment SignedIn on Viewer {
    username
    displayName
    role
    jurisdictionName
    jurisdictionId
    permissions
    actions
    tokenScopes
    expiresAt
  }
`);

export const VIEWER_QUERY = operation(
  graphql(
    `
      query Viewer {
        viewer {
          ...SignedIn
        }
      }
    `,
    [VIEWER_FRAGMENT],
  ),
);

/** Sign in: the API sets the http-only session cookie (yitu_session). */
export const SIGN_IN_MUTATION = operation(
  graphql(
    `
      mutation SignIn($username: String!, $password: String!) {
        signIn(username: $username, password: $password) {
          expiresAt
          viewer {
            ...SignedIn
          }
        }
      }
    `,
    [VIEWER_FRAGMENT],
  ),
);

export const SIGN_OUT_MUTATION = operation(
  graphql(`
    mutation SignOut {
      signOut
    }
  `),
);

/** A reporter's whole phone number (PERSONAL_REVEAL only); the API audits every such read. */
export const REVEAL_PHONE_QUERY = operation(
  graphql(`
    query RevealPhone($id: ID!) {
      node(id: $id) {
        __typename
        ... on Ticket {
          id
          reporterPhone(unmasked: true)
        }
      }
    }
  `),
);

/** A compound's vulnerable households (重点人群): its own community's staff only, audited. */
export const HOUSEHOLDS_QUERY = operation(
  graphql(`
    query Households($id: ID!) {
      node(id: $id) {
        __typename
        ... on Compound {
          id
          vulnerableHouseholds {
            unit
            tags
            contactName
            contactPhone
            note
          }
        }
      }
    }
  `),
);

/** The audit log (审计日志), newest first, exact actor/action filters, paged back by seq. */
export const AUDIT_LOG_QUERY = operation(
  graphql(`
    query AuditLog($last: Int! = 50, $beforeSeq: Int, $actor: String, $action: String) {
      auditLog(last: $last, beforeSeq: $beforeSeq, actor: $actor, action: $action) {
        seq
        at
        actor
        action
        target
        result
        details
      }
    }
  `),
);

/** Third-party API tokens (TOKENS_MANAGE), newest first; never their secrets. */
export const API_TOKENS_QUERY = operation(
  graphql(`
    query ApiTokens {
      apiTokens {
        id
        name
        username
        scopes
        ratePerMinute
        createdAt
        expiresAt
        revokedAt
      }
    }
  `),
);

/** Issue a token: its secret comes back this once only. */
export const ISSUE_TOKEN_MUTATION = operation(
  graphql(`
    mutation IssueApiToken($input: IssueApiTokenInput!) {
      issueApiToken(input: $input) {
        token
        apiToken {
          id
        }
      }
    }
  `),
);

export const REVOKE_TOKEN_MUTATION = operation(
  graphql(`
    mutation RevokeApiToken($id: ID!) {
      revokeApiToken(id: $id) {
        id
        revokedAt
      }
    }
  `),
);

// ---- 建档: imports (the upload itself is POST /imports, multipart) ----

export const IMPORT_REPORT_QUERY = operation(
  graphql(`
    query ImportReport($id: ID!, $crs: Crs! = WGS84) {
      node(id: $id) {
        ... on DataImport {
          id
          kind
          fileName
          format
          crs
          status
          notes
          rows
          create
          update
          unchanged
          retire
          errors
          warnings
          problems(first: 500) {
            at
            code
            severity
            field
            reason
            message
          }
          features(crs: $crs)
        }
      }
    }
  `),
);

export const APPLY_IMPORT_MUTATION = operation(
  graphql(`
    mutation ApplyImport($input: ApplyImportInput!) {
      applyImport(input: $input) {
        id
        status
        create
        update
        unchanged
        retire
      }
    }
  `),
);

export const DISCARD_IMPORT_MUTATION = operation(
  graphql(`
    mutation DiscardImport($id: ID!) {
      discardImport(importId: $id) {
        id
        status
      }
    }
  `),
);

/** A grid's or compound's outline and version, to reshape it on the map (editPlace). */
export const PLACE_OUTLINE_QUERY = operation(
  graphql(`
    query PlaceOutline($code: String!, $crs: Crs! = WGS84) {
      grids(first: 5, filter: { search: $code }) {
        nodes {
          code
          name
          version
          boundary(crs: $crs, precision: 7)
        }
      }
      compounds(first: 5, filter: { search: $code }) {
        nodes {
          code
          name
          version
          boundary(crs: $crs, precision: 7)
        }
      }
    }
  `),
);

/** Check (dryRun) or save one outline drawn on the map. */
export const EDIT_PLACE_MUTATION = operation(
  graphql(`
    mutation EditPlace($input: EditPlaceInput!) {
      editPlace(input: $input) {
        code
        action
        saved
        version
        problems {
          at
          severity
          field
          reason
          message
        }
      }
    }
  `),
);

/** The figures the reports panel (报表) charts for one month: counts, rates and hours. */
export const REPORT_FIGURES_FRAGMENT = graphql(`
  fragment ReportFigures on PeriodFigures {
    period {
      label
    }
    received
    accepted
    dispatched
    resolved
    verified
    closed
    closedDue
    closedOnTime
    due
    onTimeRate
    resolutionRate
    satisfactionRate
    meanResolutionHours
    medianResolutionHours
    meanResponseHours
    medianResponseHours
    resolutionHistogram {
      fromHours
      toHours
      count
    }
  }
`);

/**
 * The reports panel: a place's month against 环比 and 同比, and the five months before it for the
 * trend (one request, each month an alias; the server computes each in one statement).
 */
export const REPORT_PANEL_QUERY = operation(
  graphql(
    `
      query ReportPanel(
        $placeId: ID
        $m0: String!
        $m1: String!
        $m2: String!
        $m3: String!
        $m4: String!
        $m5: String!
      ) {
        m0: periodReport(placeId: $placeId, period: { month: $m0 }) {
          subject
          byCategory {
            code
            name
            current
            previous
          }
          current {
            ...ReportFigures
          }
          previous {
            ...ReportFigures
          }
          lastYear {
            ...ReportFigures
          }
        }
        m1: periodReport(placeId: $placeId, period: { month: $m1 }) {
          current {
            ...ReportFigures
          }
        }
        m2: periodReport(placeId: $placeId, period: { month: $m2 }) {
          current {
            ...ReportFigures
          }
        }
        m3: periodReport(placeId: $placeId, period: { month: $m3 }) {
          current {
            ...ReportFigures
          }
        }
        m4: periodReport(placeId: $placeId, period: { month: $m4 }) {
          current {
            ...ReportFigures
          }
        }
        m5: periodReport(placeId: $placeId, period: { month: $m5 }) {
          current {
            ...ReportFigures
          }
        }
      }
    `,
    [REPORT_FIGURES_FRAGMENT],
  ),
);

/**
 * The tickets of a month over a place as heat-map cells (PostGIS counts them), in the map's CRS,
 * for the heat layer the reports panel turns on.
 */
export const TICKET_HEAT_QUERY = operation(
  graphql(`
    query TicketHeat($placeId: ID, $month: String!, $crs: Crs!) {
      ticketHeat(placeId: $placeId, period: { month: $month }, crs: $crs) {
        period {
          label
        }
        cellMeters
        total
        max
        cells {
          lon
          lat
          count
        }
      }
    }
  `),
);

/** The phone's grid (手机工作台): its name, outline and its grid worker (a patrol names them). */
export const PHONE_GRID_QUERY = operation(
  graphql(`
    query PhoneGrid($id: ID!) {
      node(id: $id) {
        __typename
        ... on Grid {
          id
          code
          name
          boundary(precision: 6)
          worker {
            code
            name
            phone
          }
        }
      }
    }
  `),
);

/** The phone's tickets: everything its lists and ticket pages show, kept for opening offline. */
export const PHONE_TICKETS_QUERY = operation(
  graphql(`
    query PhoneTickets {
      tickets(openOnly: false, first: 200) {
        nodes {
          id
          code
          status
          version
          overdue
          urgent
          allowedActions
          description
          reporterName
          reporterPhone
          reportedAt
          respondBy
          resolveBy
          channel
          category {
            code
            nameZh
          }
          compound {
            name
          }
          building {
            number
          }
          location(precision: 6)
          photos {
            url
            thumbnailUrl
          }
          events(first: 20) {
            nodes {
              type
              actor
            }
          }
        }
      }
    }
  `),
);

/** A patrol report from the phone: its GPS point names the compound (snapped by PostGIS). */
export const PHONE_REPORT_MUTATION = operation(
  graphql(`
    mutation PhoneReport($input: ReportTicketInput!) {
      reportTicket(input: $input) {
        created
        ticket {
          id
          code
          compound {
            name
          }
        }
      }
    }
  `),
);

/** 回访: the grid worker called the resident back about verified work. */
export const RETURN_VISIT_MUTATION = operation(
  graphql(`
    mutation ReturnVisit($input: ReturnVisitInput!) {
      recordReturnVisit(input: $input) {
        id
        version
      }
    }
  `),
);

// ---- The people who do the work (issue 18): the phone pages under /v/ ----

export const INVITATION_QUERY = operation(
  graphql(`
    query Invitation($token: String!) {
      invitation(token: $token) {
        username
        displayName
        resourceName
        expiresAt
      }
    }
  `),
);

export const ACCEPT_INVITATION_MUTATION = operation(
  graphql(`
    mutation AcceptInvitation($token: String!, $password: String!) {
      acceptInvitation(token: $token, password: $password)
    }
  `),
);

export const OFFER_FRAGMENT = graphql(`
  fragment MyOffer on Offer {
    id
    status
    assignedAt
    declineReason
    doneAt
    doneNote
    hours
    ticketCode
    ticketStatus
    categoryName
    description
    compoundName
    buildingNumber
    resolveBy
    mayDecline
  }
`);

export const MY_WORK_QUERY = operation(
  graphql(
    `
      query MyWork {
        myResource {
          id
          name
          kind
          approved
          availability
          version
        }
        myOffers {
          ...MyOffer
        }
        myRecord {
          offers
          declined
          services
          hours
          rated
          averageRating
        }
      }
    `,
    [OFFER_FRAGMENT],
  ),
);

export const ANSWER_OFFER_MUTATION = operation(
  graphql(
    `
      mutation AnswerOffer($input: AnswerOfferInput!) {
        answerOffer(input: $input) {
          ...MyOffer
        }
      }
    `,
    [OFFER_FRAGMENT],
  ),
);

export const FINISH_OFFER_MUTATION = operation(
  graphql(
    `
      mutation FinishOffer($input: FinishOfferInput!) {
        finishOffer(input: $input) {
          ...MyOffer
        }
      }
    `,
    [OFFER_FRAGMENT],
  ),
);

export const SET_AVAILABILITY_MUTATION = operation(
  graphql(`
    mutation SetMyAvailability($input: AvailabilityInput!) {
      setMyAvailability(input: $input) {
        availability
        version
      }
    }
  `),
);

// ---- Staff side of the people who do the work: resources of a jurisdiction, invitations and
// party members' registrations (双报到) waiting for approval ----

export const STAFF_RESOURCES_QUERY = operation(
  graphql(`
    query StaffResources($regionId: ID, $search: String, $approved: Boolean, $first: Int!) {
      resources(
        filter: { regionId: $regionId, search: $search }
        approved: $approved
        first: $first
      ) {
        totalCount
        nodes {
          id
          code
          name
          kind
          capabilities
          approved
        }
      }
    }
  `),
);

export const INVITE_RESOURCE_ACCOUNT_MUTATION = operation(
  graphql(`
    mutation InviteResourceAccount($input: InviteInput!) {
      inviteResourceAccount(input: $input) {
        path
        username
        expiresAt
      }
    }
  `),
);

export const APPROVE_PARTY_MEMBER_MUTATION = operation(
  graphql(`
    mutation ApprovePartyMember($resourceId: ID!) {
      approvePartyMember(resourceId: $resourceId) {
        code
        approved
      }
    }
  `),
);

export const REGISTER_PARTY_MEMBER_MUTATION = operation(
  graphql(`
    mutation RegisterPartyMember($input: RegisterPartyMemberInput!) {
      registerPartyMember(input: $input) {
        code
        approved
      }
    }
  `),
);

export const MY_NOTICES_SUBSCRIPTION = operation(
  graphql(`
    subscription MyNotices {
      myNotices {
        kind
        ticketCode
        ticketStatus
        text
        at
      }
    }
  `),
);

export const REGISTRATION_COMMUNITY_QUERY = operation(
  graphql(`
    query RegistrationCommunity($code: String!) {
      registrationCommunity(code: $code) {
        code
        name
        boundary
        zones {
          kind
          code
          name
          boundary
        }
      }
    }
  `),
);
