import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { testNow } from '../support/clock';
import {
  anonymous,
  bearer,
  CODED_REFUSALS,
  firstError,
  gql,
  GRID_COMPOUND,
  HOSTILE_STRINGS,
  ok,
  raw,
  securityFixture,
  sessionOf,
  type Answer,
  type Caller,
} from '../support/security';

// Accounts, jurisdictions and safe third-party access, tried as an attacker would over HTTP:
// every role against tickets of another jurisdiction (lists, node, nodes, nested edges, every
// mutation), anonymous callers against staff data, API tokens against personal data and their
// own limits, hostile strings in every text argument, and oversized bodies. Each refusal must
// carry a code, and what was refused must not have changed anything.

const PHONE = '13812341234';
const MASKED = '138****1234';
const NAME = '张三丰';

const REPORT = `mutation($input: ReportTicketInput!) {
  reportTicket(input: $input) { followToken ticket { id version status } }
}`;
const TICKET = `query($id: ID!) { node(id: $id) { ... on Ticket {
  id status version level grid { id } compound { id } community { id }
  events(first: 10) { nodes { id } } assignments { id status }
} } }`;

interface TicketInfo {
  id: string;
  status: string;
  version: number;
  level: string;
  grid: { id: string } | null;
  compound: { id: string };
  community: { id: string };
  events: { nodes: { id: string }[] };
  assignments: { id: string; status: string }[];
}

let keyCount = 0;
const idempotencyKey = () =>
  `sec-${Date.now()}-${++keyCount}-${Math.random().toString(36).slice(2, 8)}`;

/** A resident's report from a compound's QR page (anonymous): the ticket and its follow link. */
async function report(url: string, compoundCode: string, more: Record<string, unknown> = {}) {
  const data = await ok<{
    reportTicket: { followToken: string; ticket: { id: string; version: number } };
  }>(url, anonymous, REPORT, {
    input: {
      compoundCode,
      reporterName: NAME,
      reporterPhone: PHONE,
      description: '楼道灯坏了',
      idempotencyKey: idempotencyKey(),
      ...more,
    },
  });
  return data.reportTicket;
}

const ticketOf = async (url: string, caller: Caller, id: string) =>
  (await ok<{ node: TicketInfo }>(url, caller, TICKET, { id })).node;

const codeOf = (r: Answer<unknown>) => firstError(r).code;

describe(`jurisdictions, anonymous callers, personal data and the audit log on ${engineName()}`, () => {
  let server: RunningServer;
  let url: string;
  const as: Record<string, Caller> = {};
  /** Tickets reported for this suite, each in a known place. */
  const t: Record<string, TicketInfo & { followToken: string }> = {};
  let resourceId: string;

  // Whose jurisdiction holds which of the suite's tickets (admin: all; fx: the FX district).
  //   grid:  the grid account's own grid (东园第1网格, compound SEC-G1)
  //   east:  another grid of 东园社区 (community's, street's, command's)
  //   west:  西苑社区 (community2's, street's, command's)
  //   qian:  a community of the other street (command's only)
  //   fx:    the fixture's district FX-D (nobody's but admin and fx-command)
  //   dEast, dQian: like east and qian, dispatched to a volunteer (an open dispatch to answer)
  // Every ticket is at level COMMUNITY or COMPOUND: outside every department's jurisdiction.
  const FOREIGN: Record<string, string[]> = {
    grid: ['east', 'west', 'qian', 'fx', 'dEast', 'dQian'],
    community: ['west', 'qian', 'fx', 'dQian'],
    community2: ['grid', 'east', 'qian', 'fx', 'dEast', 'dQian'],
    street: ['qian', 'fx', 'dQian'],
    command: ['fx'],
    department: ['grid', 'east', 'west', 'qian', 'fx', 'dEast', 'dQian'],
  };
  const OWN: Record<string, string[]> = {
    grid: ['grid'],
    community: ['grid', 'east', 'dEast'],
    community2: ['west'],
    street: ['grid', 'east', 'west', 'dEast'],
    command: ['grid', 'east', 'west', 'qian', 'dEast', 'dQian'],
    department: [],
  };
  /** The foreign REPORTED ticket each role's mutations are tried on, and a foreign dispatch. */
  const TARGET: Record<string, { ticket: string; dispatch?: string }> = {
    grid: { ticket: 'east', dispatch: 'dEast' },
    community: { ticket: 'west', dispatch: 'dQian' },
    community2: { ticket: 'east', dispatch: 'dEast' },
    street: { ticket: 'qian', dispatch: 'dQian' },
    command: { ticket: 'fx' },
    department: { ticket: 'grid', dispatch: 'dEast' },
  };
  const ROLES = Object.keys(FOREIGN);

  /** As `command` (the whole district) for the demo city, as fx-command for the fixture. */
  const readBack = (key: string) =>
    ticketOf(url, key === 'fx' ? as['fx-command']! : as.command!, t[key]!.id);

  const compoundsOf = async (regionId: string) =>
    (
      await ok<{ node: { compounds: { nodes: { code: string }[] } } }>(
        url,
        as.command!,
        `query($id: ID!) { node(id: $id) { ... on Region { compounds(first: 20) { nodes { code } } } } }`,
        { id: regionId },
      )
    ).node.compounds.nodes
      .map((c) => c.code)
      .filter((c) => c !== GRID_COMPOUND);

  const jurisdictionOf = async (caller: Caller) =>
    (await ok<{ viewer: { jurisdictionId: string } }>(url, caller, '{ viewer { jurisdictionId } }'))
      .viewer.jurisdictionId;

  async function dispatched(compoundCode: string) {
    const r = await report(url, compoundCode, { categoryCode: 'FACILITY_REPAIR' });
    await ok(
      url,
      as.command!,
      `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }`,
      { input: { ticketId: r.ticket.id, expectedVersion: r.ticket.version, action: 'ACCEPT' } },
    );
    // read back rather than trust the mutation's answer (see the API-token suite: it is stale)
    const accepted = await ticketOf(url, as.command!, r.ticket.id);
    // A resource that may decline, asked for by kind: at night none ranks among the first of all.
    let volunteer: { resource: { id: string; mayDecline: boolean } } | undefined;
    for (const kind of ['VOLUNTEER_TEAM', 'PARTY_MEMBER', 'COMMUNITY_PARTNER', 'SOCIAL_ORG']) {
      const { matchResources } = await ok<{
        matchResources: { resource: { id: string; mayDecline: boolean } }[];
      }>(
        url,
        as.command!,
        `query($id: ID!, $kind: ResourceKind) { matchResources(ticketId: $id, first: 20, kind: $kind) { resource { id mayDecline } } }`,
        { id: r.ticket.id, kind },
      );
      volunteer = matchResources.find((m) => m.resource.mayDecline);
      if (volunteer) break;
    }
    if (!volunteer) throw new Error('no resource that may decline for the dispatch');
    await ok(
      url,
      as.command!,
      `mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { version } }`,
      {
        input: {
          ticketId: r.ticket.id,
          expectedVersion: accepted.version,
          resourceIds: [volunteer.resource.id],
        },
      },
    );
    return r;
  }

  beforeAll(async () => {
    server = await startServer({}, securityFixture);
    url = server.url;
    for (const u of [...ROLES, 'admin', 'fx-command']) as[u] = await sessionOf(url, u);
    const communityRegion = await jurisdictionOf(as.community!);
    const community2Region = await jurisdictionOf(as.community2!);
    const streetRegion = await jurisdictionOf(as.street!);
    const streets = await ok<{ regions: { nodes: { id: string }[] } }>(
      url,
      as.command!,
      '{ regions(first: 50, level: STREET) { nodes { id } } }',
    );
    const otherStreet = streets.regions.nodes.find((s) => s.id !== streetRegion)!.id;
    const codes = {
      grid: GRID_COMPOUND,
      east: (await compoundsOf(communityRegion))[0]!,
      west: (await compoundsOf(community2Region))[0]!,
      qian: (await compoundsOf(otherStreet))[0]!,
      fx: 'FX-P',
    };
    const reported: Record<string, { id: string; followToken: string }> = {};
    for (const [key, code] of Object.entries(codes)) {
      const r = await report(url, code);
      reported[key] = { id: r.ticket.id, followToken: r.followToken };
    }
    for (const [key, code] of [
      ['dEast', codes.east],
      ['dQian', codes.qian],
    ] as const) {
      const r = await dispatched(code);
      reported[key] = { id: r.ticket.id, followToken: r.followToken };
    }
    for (const [key, r] of Object.entries(reported))
      t[key] = { ...(await ticketOf(url, as.admin!, r.id)), followToken: r.followToken };
    // sanity of the layout the matrix above relies on
    expect(t.grid!.grid!.id).toBe(await jurisdictionOf(as.grid!));
    expect(t.east!.community.id).toBe(communityRegion);
    expect(t.east!.grid!.id).not.toBe(t.grid!.grid!.id);
    expect(t.west!.community.id).toBe(community2Region);
    for (const key of ['dEast', 'dQian'])
      expect(t[key]!.assignments).toEqual([expect.objectContaining({ status: 'OFFERED' })]);
    const resources = await ok<{ resources: { nodes: { id: string }[] } }>(
      url,
      as.command!,
      '{ resources(first: 1) { nodes { id } } }',
    );
    resourceId = resources.resources.nodes[0]!.id;
  });
  afterAll(() => server?.stop());

  describe('given a signed-in role and tickets of other jurisdictions', () => {
    it('when each role lists open tickets, then no foreign ticket appears (and its own do)', async () => {
      for (const role of ROLES) {
        const { tickets } = await ok<{ tickets: { nodes: { id: string }[] } }>(
          url,
          as[role]!,
          '{ tickets(first: 500, openOnly: true) { nodes { id } } }',
        );
        const listed = new Set(tickets.nodes.map((n) => n.id));
        for (const key of FOREIGN[role]!)
          expect(listed.has(t[key]!.id), `${role} lists foreign ticket ${key}`).toBe(false);
        for (const key of OWN[role]!)
          expect(listed.has(t[key]!.id), `${role} misses own ticket ${key}`).toBe(true);
      }
    });

    it('when each role lists tickets, then every one lies inside its jurisdiction', async () => {
      const list = async (role: string) =>
        (
          await ok<{
            tickets: {
              nodes: {
                level: string;
                grid: { id: string } | null;
                community: { id: string; parent: { id: string } };
              }[];
            };
          }>(
            url,
            as[role]!,
            '{ tickets(first: 500) { nodes { level grid { id } community { id parent { id } } } } }',
          )
        ).tickets.nodes;
      const gridId = await jurisdictionOf(as.grid!);
      expect((await list('grid')).every((n) => n.grid?.id === gridId)).toBe(true);
      for (const role of ['community', 'community2']) {
        const region = await jurisdictionOf(as[role]!);
        const nodes = await list(role);
        expect(nodes.length).toBeGreaterThan(0);
        expect(nodes.every((n) => n.community.id === region)).toBe(true);
      }
      const street = await jurisdictionOf(as.street!);
      const streetNodes = await list('street');
      expect(streetNodes.length).toBeGreaterThan(0);
      expect(streetNodes.every((n) => n.community.parent.id === street)).toBe(true);
      const departmentNodes = await list('department');
      expect(departmentNodes.every((n) => n.level === 'DEPARTMENT')).toBe(true);
    });

    it('when each role asks node(id) for a foreign ticket, then FORBIDDEN OUTSIDE_JURISDICTION and no data', async () => {
      for (const role of ROLES) {
        for (const key of FOREIGN[role]!) {
          const r = await gql(url, as[role]!, TICKET, { id: t[key]!.id });
          expect(firstError(r), `${role} node(${key})`).toMatchObject({
            code: 'FORBIDDEN',
            reason: 'OUTSIDE_JURISDICTION',
          });
          expect(r.data?.node ?? null).toBeNull();
        }
      }
    });

    it('when each role asks nodes([own, foreign]), then the foreign one is null with FORBIDDEN', async () => {
      for (const role of ROLES) {
        const own = OWN[role]![0];
        const ids = [...(own ? [t[own]!.id] : []), ...FOREIGN[role]!.map((k) => t[k]!.id)];
        const r = await gql<{ nodes: ({ id: string; status: string } | null)[] }>(
          url,
          as[role]!,
          'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Ticket { status } } }',
          { ids },
        );
        expect(r.errors?.length, `${role} nodes errors`).toBeGreaterThanOrEqual(
          FOREIGN[role]!.length,
        );
        for (const e of r.errors!)
          expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_JURISDICTION' });
        const nodes = r.data!.nodes;
        if (own) expect(nodes[0]).toMatchObject({ id: t[own]!.id });
        for (const node of nodes.slice(own ? 1 : 0)) expect(node, role).toBeNull();
      }
    });

    it('when a role follows nested edges (Compound.tickets, Grid.tickets, Region.compounds.tickets), then foreign tickets are filtered out', async () => {
      const NESTED = `query($compound: ID!, $grid: ID!, $region: ID!) {
        compound: node(id: $compound) { ... on Compound { tickets(first: 500) { nodes { id } } } }
        grid: node(id: $grid) { ... on Grid { tickets(first: 500) { nodes { id } } } }
        region: node(id: $region) { ... on Region { compounds(first: 50) { nodes { tickets(first: 500) { nodes { id } } } } } }
      }`;
      for (const role of ROLES) {
        for (const key of FOREIGN[role]!.filter((k) => k !== 'fx')) {
          const target = t[key]!;
          const r = await gql<{
            compound: { tickets: { nodes: { id: string }[] } };
            grid: { tickets: { nodes: { id: string }[] } };
            region: { compounds: { nodes: { tickets: { nodes: { id: string }[] } }[] } };
          }>(url, as[role]!, NESTED, {
            compound: target.compound.id,
            grid: target.grid!.id,
            region: target.community.id,
          });
          expect(r.errors, `${role} nested ${key}`).toBeUndefined();
          const seen = [
            ...r.data!.compound.tickets.nodes,
            ...r.data!.grid.tickets.nodes,
            ...r.data!.region.compounds.nodes.flatMap((c) => c.tickets.nodes),
          ].map((n) => n.id);
          expect(seen, `${role} sees ${key} through an edge`).not.toContain(target.id);
        }
      }
      // positive control: the same edges do show a ticket of the caller's own
      const own = await gql<{ compound: { tickets: { nodes: { id: string }[] } } }>(
        url,
        as.community!,
        'query($id: ID!) { compound: node(id: $id) { ... on Compound { tickets(first: 500) { nodes { id } } } } }',
        { id: t.east!.compound.id },
      );
      expect(own.data!.compound.tickets.nodes.map((n) => n.id)).toContain(t.east!.id);
    });

    it('when a role reaches a foreign ticket through TicketEvent.ticket or TicketAssignment.ticket, then FORBIDDEN', async () => {
      for (const role of ROLES) {
        for (const key of FOREIGN[role]!) {
          const target = t[key]!;
          const event = await gql(
            url,
            as[role]!,
            'query($id: ID!) { node(id: $id) { id ... on TicketEvent { type ticket { id status } } } }',
            { id: target.events.nodes[0]!.id },
          );
          expect(firstError(event), `${role} event of ${key}`).toMatchObject({
            code: 'FORBIDDEN',
            reason: 'OUTSIDE_JURISDICTION',
          });
          expect(event.data?.node ?? null).toBeNull();
          if (target.assignments.length) {
            const assignment = await gql(
              url,
              as[role]!,
              'query($id: ID!) { node(id: $id) { id ... on TicketAssignment { status ticket { id status } } } }',
              { id: target.assignments[0]!.id },
            );
            expect(firstError(assignment), `${role} assignment of ${key}`).toMatchObject({
              code: 'FORBIDDEN',
              reason: 'OUTSIDE_JURISDICTION',
            });
            expect(assignment.data?.node ?? null).toBeNull();
          }
        }
      }
    });

    it('when each role tries every ticket mutation on a foreign ticket, then each is refused with a code and the ticket is unchanged', async () => {
      const before = Object.fromEntries(
        await Promise.all(Object.keys(t).map(async (k) => [k, await readBack(k)] as const)),
      );
      for (const role of ROLES) {
        const target = t[TARGET[role]!.ticket]!;
        const version = before[TARGET[role]!.ticket]!.version;
        const attempts: [string, string, Record<string, unknown>][] = [
          [
            'actOnTicket ACCEPT',
            'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id status } }',
            { input: { ticketId: target.id, expectedVersion: version, action: 'ACCEPT' } },
          ],
          [
            'actOnTicket REJECT_DUPLICATE of a foreign original',
            'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id status } }',
            {
              input: {
                ticketId: target.id,
                expectedVersion: version,
                action: 'REJECT_DUPLICATE',
                duplicateOfId: target.id,
                reason: '重复',
              },
            },
          ],
          [
            'classifyTicket',
            'mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }',
            {
              input: {
                ticketId: target.id,
                expectedVersion: version,
                categoryCode: 'FACILITY_REPAIR',
              },
            },
          ],
          [
            'dispatchTicket',
            'mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { id } }',
            { input: { ticketId: target.id, expectedVersion: version, resourceIds: [resourceId] } },
          ],
          [
            'applyDispatchPlan',
            'mutation($input: ApplyDispatchPlanInput!) { applyDispatchPlan(input: $input) { id } }',
            {
              input: {
                items: [
                  { ticketId: target.id, expectedVersion: version, resourceIds: [resourceId] },
                ],
              },
            },
          ],
          [
            'matchResources',
            'query($id: ID!) { matchResources(ticketId: $id) { score } }',
            { id: target.id },
          ],
          [
            'gridDispatchPlan',
            'query($id: ID!) { gridDispatchPlan(gridId: $id) { items { ticket { id } } } }',
            { id: target.grid!.id },
          ],
        ];
        const dispatchKey = TARGET[role]!.dispatch;
        if (dispatchKey)
          attempts.push([
            'answerDispatch',
            'mutation($input: AnswerDispatchInput!) { answerDispatch(input: $input) { id status } }',
            {
              input: {
                assignmentId: t[dispatchKey]!.assignments[0]!.id,
                answer: 'DECLINE',
                reason: '不在辖区',
              },
            },
          ]);
        for (const [what, query, variables] of attempts) {
          const r = await gql(url, as[role]!, query, variables);
          const e = firstError(r);
          expect(e.code, `${role} ${what}: ${String(e.message)}`).toBe('FORBIDDEN');
          expect(['OUTSIDE_JURISDICTION', 'NO_PERMISSION', 'ACTION_NOT_ALLOWED']).toContain(
            e.reason,
          );
          expect(r.data ?? null, `${role} ${what} data`).toBeNull();
        }
      }
      for (const [key, was] of Object.entries(before)) {
        const now = await readBack(key);
        expect({ status: now.status, version: now.version }, key).toEqual({
          status: was.status,
          version: was.version,
        });
        expect(now.assignments).toEqual(was.assignments);
      }
    });

    it('when a role is inside its jurisdiction but lacks the action, then FORBIDDEN ACTION_NOT_ALLOWED / NO_PERMISSION and nothing changes', async () => {
      const before = await readBack('grid');
      const act = (caller: Caller, action: string, more: Record<string, unknown> = {}) =>
        gql(
          url,
          caller,
          'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id status } }',
          { input: { ticketId: t.grid!.id, expectedVersion: before.version, action, ...more } },
        );
      // the grid worker may not dispatch, even on its own grid's ticket
      expect(
        firstError(await act(as.grid!, 'DISPATCH', { resourceIds: [resourceId] })),
      ).toMatchObject({ code: 'FORBIDDEN', reason: 'ACTION_NOT_ALLOWED' });
      // nor classify it
      expect(
        firstError(
          await gql(
            url,
            as.grid!,
            'mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }',
            {
              input: {
                ticketId: t.grid!.id,
                expectedVersion: before.version,
                categoryCode: 'FACILITY_REPAIR',
              },
            },
          ),
        ),
      ).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_PERMISSION' });
      // the administrator reads everything but acts on nothing
      for (const action of ['ACCEPT', 'REJECT_DUPLICATE', 'SUSPEND'])
        expect(firstError(await act(as.admin!, action, { reason: 'x' })), action).toMatchObject({
          code: 'FORBIDDEN',
          reason: 'ACTION_NOT_ALLOWED',
        });
      expect(await readBack('grid')).toMatchObject({
        status: before.status,
        version: before.version,
      });
      // positive control: the same ACCEPT by the grid worker goes through
      const accepted = await act(as.grid!, 'ACCEPT');
      expect(accepted.errors).toBeUndefined();
      expect(await readBack('grid')).toMatchObject({
        status: 'ACCEPTED',
        version: before.version + 1,
      });
    });
  });

  describe('given nobody signed in', () => {
    it('when staff data is asked for, then every field answers UNAUTHENTICATED and no data', async () => {
      const ticket = t.east!;
      const queries: [string, Record<string, unknown>?][] = [
        ['{ tickets(first: 5) { nodes { id } } }'],
        ['{ compounds(first: 5) { nodes { id } } }'],
        ['{ regions(first: 5) { nodes { id } } }'],
        ['{ grids(first: 5) { nodes { id worker { phone } } } }'],
        ['{ resources(first: 5) { nodes { id } } }'],
        ['{ buildings(first: 5) { nodes { id } } }'],
        ['{ resourcesNear(lon: 119, lat: 32.7, radiusMeters: 1000) { distanceMeters } }'],
        ['{ communityLists { shortfall } }'],
        ['{ propertyCompanies(first: 5) { nodes { phone } } }'],
        ['{ partyOrganizations(first: 5) { nodes { id } } }'],
        ['{ compoundAt(lon: 119, lat: 32.7) { id } }'],
        ['{ gridAt(lon: 119, lat: 32.7) { id } }'],
        ['{ suggestCategory(text: "楼道灯坏了") { categoryCode } }'],
        ['{ auditLog { seq } }'],
        ['{ apiTokens { id } }'],
        ['query($id: ID!) { node(id: $id) { id } }', { id: ticket.id }],
        ['query($id: ID!) { node(id: $id) { id } }', { id: ticket.compound.id }],
        ['query($id: ID!) { node(id: $id) { id } }', { id: ticket.grid!.id }],
        ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [ticket.id] }],
        ['query($id: ID!) { matchResources(ticketId: $id) { score } }', { id: ticket.id }],
        [
          'query($id: ID!) { gridDispatchPlan(gridId: $id) { items { expectedVersion } } }',
          {
            id: ticket.grid!.id,
          },
        ],
      ];
      for (const [query, variables] of queries) {
        const r = await gql(url, anonymous, query, variables);
        expect(firstError(r), query).toMatchObject({ code: 'UNAUTHENTICATED' });
        // null data, or a nullable root field answered null
        expect(
          Object.values(r.data ?? {}).every((v) => v === null),
          query,
        ).toBe(true);
      }
    });

    it('when the open QR page is used to reach staff data (grid workers’ phones, tickets, households), then UNAUTHENTICATED', async () => {
      const code = (
        await ok<{ node: { code: string } }>(
          url,
          as.admin!,
          'query($id: ID!) { node(id: $id) { ... on Compound { code } } }',
          { id: t.east!.compound.id },
        )
      ).node.code;
      // what the QR page may read is open
      const open = await gql<{ qrCompound: { name: string } }>(
        url,
        anonymous,
        'query($c: String!) { qrCompound(code: $c) { id code name buildings(first: 1) { nodes { number } } } }',
        { c: code },
      );
      expect(open.errors).toBeUndefined();
      expect(open.data!.qrCompound.name).toBeTruthy();
      for (const selection of [
        'grids { workers { name phone } }',
        'tickets(first: 5) { nodes { id reporterPhone } }',
        'vulnerableHouseholds { contactName contactPhone }',
        'community { name }',
        'stats { openTickets }',
      ]) {
        const r = await gql<{ qrCompound: Record<string, unknown> | null }>(
          url,
          anonymous,
          `query($c: String!) { qrCompound(code: $c) { id ${selection} } }`,
          { c: code },
        );
        expect(firstError(r), selection).toMatchObject({ code: 'UNAUTHENTICATED' });
        const field = selection.split(/[ ({]/)[0]!;
        expect(r.data?.qrCompound?.[field] ?? null, selection).toBeNull();
      }
    });

    it('when an anonymous caller sends staff mutations, then UNAUTHENTICATED and the ticket is unchanged', async () => {
      const before = await readBack('east');
      const mutations: [string, Record<string, unknown>][] = [
        [
          'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }',
          { input: { ticketId: t.east!.id, expectedVersion: before.version, action: 'ACCEPT' } },
        ],
        [
          'mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }',
          {
            input: {
              ticketId: t.east!.id,
              expectedVersion: before.version,
              categoryCode: 'FACILITY_REPAIR',
            },
          },
        ],
        [
          'mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { id } }',
          {
            input: {
              ticketId: t.east!.id,
              expectedVersion: before.version,
              resourceIds: [resourceId],
            },
          },
        ],
        [
          'mutation($input: AnswerDispatchInput!) { answerDispatch(input: $input) { id } }',
          { input: { assignmentId: t.dEast!.assignments[0]!.id, answer: 'TAKE' } },
        ],
        [
          'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
          {
            input: { name: 'x', username: 'command', scopes: ['read:tickets'], expiresInDays: 1 },
          },
        ],
      ];
      for (const [query, variables] of mutations) {
        const r = await gql(url, anonymous, query, variables);
        expect(firstError(r), query).toMatchObject({ code: 'UNAUTHENTICATED' });
        expect(r.data ?? null).toBeNull();
      }
      expect(await readBack('east')).toMatchObject({
        status: before.status,
        version: before.version,
      });
      expect((await readBack('dEast')).assignments).toEqual(t.dEast!.assignments);
    });
  });

  describe('given personal data (reporter phone and name, grid workers’ phones, vulnerable households)', () => {
    const PHONE_Q = (unmasked: boolean) =>
      `query($id: ID!) { node(id: $id) { ... on Ticket { reporterName reporterPhone(unmasked: ${unmasked}) } } }`;
    const okReads = async () =>
      (
        await ok<{ auditLog: { actor: string; target: string | null; result: string }[] }>(
          url,
          as.admin!,
          '{ auditLog(last: 500, action: "read Ticket.reporterPhone") { actor target result } }',
        )
      ).auditLog.filter((e) => e.result === 'OK');

    it('when grid, community and street staff read the phone, then it is masked by default and whole on request, with one audit entry per whole read', async () => {
      for (const role of ['grid', 'community', 'street', 'command']) {
        const before = (await okReads()).length;
        const masked = await ok<{ node: { reporterName: string; reporterPhone: string } }>(
          url,
          as[role]!,
          PHONE_Q(false),
          { id: t.grid!.id },
        );
        expect(masked.node, role).toEqual({ reporterName: NAME, reporterPhone: MASKED });
        expect((await okReads()).length, `${role}: a masked read is not audited`).toBe(before);
        const whole = await ok<{ node: { reporterPhone: string } }>(url, as[role]!, PHONE_Q(true), {
          id: t.grid!.id,
        });
        expect(whole.node.reporterPhone, role).toBe(PHONE);
        const after = await okReads();
        expect(after.length, `${role}: one audit entry per whole read`).toBe(before + 1);
        expect(after[0]).toEqual({ actor: `account:${role}`, target: t.grid!.id, result: 'OK' });
      }
    });

    it('when department and admin read the phone, then masked only: unmasked is FORBIDDEN and not audited as read', async () => {
      const { tickets } = await ok<{ tickets: { nodes: { id: string; level: string }[] } }>(
        url,
        as.department!,
        '{ tickets(first: 1) { nodes { id level } } }',
      );
      expect(tickets.nodes[0]?.level).toBe('DEPARTMENT');
      for (const [role, id] of [
        ['department', tickets.nodes[0]!.id],
        ['admin', t.grid!.id],
      ] as const) {
        const before = (await okReads()).length;
        const masked = await ok<{ node: { reporterName: string; reporterPhone: string } }>(
          url,
          as[role]!,
          PHONE_Q(false),
          { id },
        );
        expect(masked.node.reporterPhone, role).toMatch(/^\d{3}\*{4}\d{4}$/);
        expect(masked.node.reporterName, role).toMatch(/^.\*+$/); // 张** for roles that do not call back
        const r = await gql<{ node: { reporterPhone: string | null } | null }>(
          url,
          as[role]!,
          PHONE_Q(true),
          { id },
        );
        expect(firstError(r), role).toMatchObject({ code: 'FORBIDDEN' });
        expect(r.data?.node?.reporterPhone ?? null).toBeNull();
        expect((await okReads()).length, role).toBe(before);
      }
    });

    it('when the resident follows their own link, then they see their name and a masked phone, and nothing audited as OK', async () => {
      const before = (await okReads()).length;
      const r = await ok<{
        followTicket: { id: string; reporterName: string; reporterPhone: string };
      }>(
        url,
        anonymous,
        'query($token: String!) { followTicket(token: $token) { id reporterName reporterPhone } }',
        { token: t.east!.followToken },
      );
      expect(r.followTicket).toEqual({ id: t.east!.id, reporterName: NAME, reporterPhone: MASKED });
      // the link is for that ticket only: the same request cannot read staff fields
      const more = await gql(
        url,
        anonymous,
        'query($token: String!) { followTicket(token: $token) { id assignments { assignedBy } categorySuggestions { categoryCode } } }',
        { token: t.east!.followToken },
      );
      expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(codeOf(more));
      expect((await okReads()).length).toBe(before);
    });

    it('when staff read vulnerable households, then only the staff of that compound’s community get them, each read audited', async () => {
      const Q =
        'query($id: ID!) { node(id: $id) { ... on Compound { vulnerableHouseholds { unit contactName } } } }';
      const reads = async () =>
        (
          await ok<{ auditLog: { actor: string; result: string }[] }>(
            url,
            as.admin!,
            '{ auditLog(last: 500, action: "read Compound.vulnerableHouseholds") { actor result } }',
          )
        ).auditLog;
      // a compound of 东园社区 that has households on file
      const { node } = await ok<{
        node: { compounds: { nodes: { id: string; vulnerableHouseholds: unknown[] }[] } };
      }>(
        url,
        as.community!,
        'query($id: ID!) { node(id: $id) { ... on Region { compounds(first: 20) { nodes { id vulnerableHouseholds { unit } } } } } }',
        { id: t.east!.community.id },
      );
      const compound = node.compounds.nodes.find((c) => c.vulnerableHouseholds.length > 0)!;
      expect(compound).toBeDefined();
      const before = await reads();
      const own = await ok<{ node: { vulnerableHouseholds: { unit: string }[] } }>(
        url,
        as.community!,
        Q,
        {
          id: compound.id,
        },
      );
      expect(own.node.vulnerableHouseholds.length).toBeGreaterThan(0);
      const afterOwn = await reads();
      expect(afterOwn.length).toBe(before.length + 1);
      expect(afterOwn[0]).toEqual({ actor: 'account:community', result: 'OK' });
      for (const role of ['community2', 'street', 'command', 'grid', 'department', 'admin']) {
        const r = await gql<{ node: { vulnerableHouseholds: unknown } | null }>(url, as[role]!, Q, {
          id: compound.id,
        });
        expect(firstError(r), role).toMatchObject({ code: 'FORBIDDEN' });
        expect(r.data?.node?.vulnerableHouseholds ?? null, role).toBeNull();
      }
    });
  });

  describe('given the audit log', () => {
    it('when someone fails to sign in, then the failure is in the log without the password', async () => {
      const attempt = await gql(
        url,
        anonymous,
        'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { expiresAt } }',
        { u: 'community', p: 'guessed-password-123' },
      );
      expect(firstError(attempt)).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'BAD_CREDENTIALS',
      });
      expect(attempt.headers.get('set-cookie')).toBeNull();
      const { auditLog } = await ok<{
        auditLog: { actor: string; target: string; result: string; details: string | null }[];
      }>(
        url,
        as.admin!,
        '{ auditLog(last: 1, action: "signIn", actor: "anonymous") { actor target result details } }',
      );
      expect(auditLog[0]).toMatchObject({
        actor: 'anonymous',
        target: 'community',
        result: 'UNAUTHENTICATED BAD_CREDENTIALS',
      });
      expect(JSON.stringify(auditLog)).not.toContain('guessed-password-123');
    });

    it('when a mutation is refused for jurisdiction, then the refusal is in the log with actor, target and reason', async () => {
      const before = await readBack('west');
      const r = await gql(
        url,
        as.community!,
        'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }',
        { input: { ticketId: t.west!.id, expectedVersion: before.version, action: 'ACCEPT' } },
      );
      expect(firstError(r)).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_JURISDICTION' });
      const { auditLog } = await ok<{
        auditLog: { actor: string; target: string; result: string }[];
      }>(
        url,
        as.admin!,
        '{ auditLog(last: 1, actor: "account:community", action: "Mutation.actOnTicket") { actor target result } }',
      );
      expect(auditLog[0]).toEqual({
        actor: 'account:community',
        target: t.west!.id,
        result: 'FORBIDDEN OUTSIDE_JURISDICTION',
      });
    });

    it('when a mutation is refused, then its request line in the log carries the error code, not a bare ERROR', async () => {
      const before = await readBack('west');
      await gql(
        url,
        as.community!,
        'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }',
        {
          input: { ticketId: t.west!.id, expectedVersion: before.version, action: 'ACCEPT' },
        },
      );
      const { auditLog } = await ok<{ auditLog: { result: string }[] }>(
        url,
        as.admin!,
        '{ auditLog(last: 1, actor: "account:community", action: "mutation actOnTicket") { result } }',
      );
      // AuditEntry.result is documented as "OK, or the error code and reason"
      expect(auditLog[0]?.result).toBe('FORBIDDEN OUTSIDE_JURISDICTION');
    });

    it('when anyone but the administrator reads the log, then FORBIDDEN (UNAUTHENTICATED anonymously)', async () => {
      for (const role of ROLES)
        expect(codeOf(await gql(url, as[role]!, '{ auditLog { seq } }')), role).toBe('FORBIDDEN');
      expect(codeOf(await gql(url, anonymous, '{ auditLog { seq } }'))).toBe('UNAUTHENTICATED');
    });

    it('when more happens, then earlier entries stay exactly as they were, and no mutation edits the log', async () => {
      const page = '{ auditLog(last: 20) { seq at actor action target result details } }';
      const first = (await ok<{ auditLog: { seq: number }[] }>(url, as.admin!, page)).auditLog;
      const seqs = first.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      await gql(
        url,
        anonymous,
        'mutation { signIn(username: "nobody", password: "x-x-x-x-x-x") { expiresAt } }',
      );
      const again = (
        await ok<{ auditLog: { seq: number }[] }>(
          url,
          as.admin!,
          `{ auditLog(last: 20, beforeSeq: ${seqs[0]! + 1}) { seq at actor action target result details } }`,
        )
      ).auditLog;
      expect(again).toEqual(first);
      const { __type } = await ok<{ __type: { fields: { name: string }[] } }>(
        url,
        as.admin!,
        '{ __type(name: "Mutation") { fields { name } } }',
      );
      expect(__type.fields.length).toBeGreaterThan(5);
      expect(__type.fields.map((f) => f.name).filter((n) => /audit/i.test(n))).toEqual([]);
    });
  });
});

describe(`API tokens on ${engineName()}`, () => {
  let server: RunningServer;
  let url: string;
  let admin: Caller;
  let command: Caller;
  let ticketId: string;
  let compoundId: string;
  const tokens: Record<string, { token: string; id: string }> = {};

  const issue = async (
    name: string,
    scopes: string[],
    more: { username?: string; expiresInDays?: number; ratePerMinute?: number } = {},
  ) => {
    // write tokens come from the account itself: an administrator may not write
    const issuer = scopes.includes('write:tickets')
      ? await sessionOf(url, more.username ?? 'community')
      : admin;
    const { issueApiToken } = await ok<{
      issueApiToken: { token: string; apiToken: { id: string } };
    }>(
      url,
      issuer,
      'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token apiToken { id } } }',
      {
        input: {
          name,
          username: more.username ?? 'community',
          scopes,
          expiresInDays: more.expiresInDays ?? 30,
          ratePerMinute: more.ratePerMinute ?? 1000,
        },
      },
    );
    tokens[name] = { token: issueApiToken.token, id: issueApiToken.apiToken.id };
  };
  const as = (name: string) => bearer(tokens[name]!.token, name);

  beforeAll(async () => {
    server = await startServer();
    url = server.url;
    admin = await sessionOf(url, 'admin');
    command = await sessionOf(url, 'command');
    const community = await sessionOf(url, 'community');
    const region = (
      await ok<{ viewer: { jurisdictionId: string } }>(
        url,
        community,
        '{ viewer { jurisdictionId } }',
      )
    ).viewer.jurisdictionId;
    const { node } = await ok<{ node: { compounds: { nodes: { id: string; code: string }[] } } }>(
      url,
      community,
      'query($id: ID!) { node(id: $id) { ... on Region { compounds(first: 1) { nodes { id code } } } } }',
      { id: region },
    );
    compoundId = node.compounds.nodes[0]!.id;
    ticketId = (await report(url, node.compounds.nodes[0]!.code)).ticket.id;
    await issue('feed-places', ['read:places']);
    await issue('feed-read', ['read:places', 'read:tickets']);
    await issue('feed-write', ['read:places', 'read:tickets', 'write:tickets']);
    await issue('feed-rate', ['read:places'], { ratePerMinute: 3 });
    await issue('feed-revoked', ['read:places']);
    await issue('feed-expiring', ['read:places'], { expiresInDays: 1 });
  });
  afterAll(() => server?.stop());

  it('given a read token, when it reads personal data, then FORBIDDEN PERSONAL_DATA for each field, while the rest of the ticket is readable', async () => {
    const plain = await gql<{ node: { id: string; status: string } }>(
      url,
      as('feed-read'),
      'query($id: ID!) { node(id: $id) { ... on Ticket { id status } } }',
      { id: ticketId },
    );
    expect(plain.errors).toBeUndefined();
    expect(plain.data!.node.id).toBe(ticketId);
    const personal: [string, string][] = [
      ['reporterPhone', `query($id: ID!) { node(id: $id) { ... on Ticket { reporterPhone } } }`],
      [
        'reporterPhone(unmasked)',
        `query($id: ID!) { node(id: $id) { ... on Ticket { reporterPhone(unmasked: true) } } }`,
      ],
      ['reporterName', `query($id: ID!) { node(id: $id) { ... on Ticket { reporterName } } }`],
      [
        'GridWorker.phone',
        `query($id: ID!) { node(id: $id) { ... on Compound { grids { workers { phone } } } } }`,
      ],
      [
        'vulnerableHouseholds',
        `query($id: ID!) { node(id: $id) { ... on Compound { vulnerableHouseholds { contactPhone } } } }`,
      ],
    ];
    for (const [what, query] of personal) {
      const id = what.startsWith('reporter') ? ticketId : compoundId;
      const r = await gql(url, as('feed-read'), query, { id });
      expect(firstError(r), what).toMatchObject({ code: 'FORBIDDEN', reason: 'PERSONAL_DATA' });
      expect(r.text, what).not.toContain(PHONE);
      expect(r.text, what).not.toContain(MASKED);
    }
    // lists too: a grid's workers' phones through the grids list
    const list = await gql(
      url,
      as('feed-read'),
      '{ grids(first: 3) { nodes { workers { name phone } } } }',
    );
    expect(firstError(list)).toMatchObject({ code: 'FORBIDDEN', reason: 'PERSONAL_DATA' });
  });

  it('given a token with read:places only, when it reads tickets, then FORBIDDEN; places it may read', async () => {
    const places = await gql(url, as('feed-places'), '{ compounds(first: 1) { nodes { id } } }');
    expect(places.errors).toBeUndefined();
    for (const query of [
      '{ tickets(first: 1) { nodes { id } } }',
      `{ node(id: "${ticketId}") { id } }`,
    ]) {
      const r = await gql(url, as('feed-places'), query);
      expect(codeOf(r), query).toBe('FORBIDDEN');
    }
    // a list reached through a place is filtered to nothing, like every list
    const nested = await gql<{ node: { tickets: { totalCount: number; nodes: unknown[] } } }>(
      url,
      as('feed-places'),
      'query($id: ID!) { node(id: $id) { ... on Compound { tickets(first: 5) { totalCount nodes { id } } } } }',
      { id: compoundId },
    );
    expect(nested.errors).toBeUndefined();
    expect(nested.data!.node.tickets).toEqual({ totalCount: 0, nodes: [] });
  });

  it('given a token without write:tickets, when it acts, classifies or dispatches, then FORBIDDEN and the ticket is unchanged', async () => {
    const before = await ticketOf(url, command, ticketId);
    for (const [query, variables] of [
      [
        'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }',
        { input: { ticketId, expectedVersion: before.version, action: 'ACCEPT' } },
      ],
      [
        'mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }',
        { input: { ticketId, expectedVersion: before.version, categoryCode: 'FACILITY_REPAIR' } },
      ],
    ] as const) {
      const r = await gql(url, as('feed-read'), query, variables);
      expect(codeOf(r), query).toBe('FORBIDDEN');
    }
    expect(await ticketOf(url, command, ticketId)).toMatchObject({
      status: before.status,
      version: before.version,
    });
    // with write:tickets the same account's token may act (positive control)
    const accepted = await gql<{ actOnTicket: { status: string; version: number } }>(
      url,
      as('feed-write'),
      'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { status version } }',
      { input: { ticketId, expectedVersion: before.version, action: 'ACCEPT' } },
    );
    expect(accepted.errors).toBeUndefined();
    expect(await ticketOf(url, command, ticketId)).toMatchObject({
      status: 'ACCEPTED',
      version: before.version + 1,
    });
    // the mutation answers with the ticket as it is now, not as the guard loaded it before
    expect(accepted.data!.actOnTicket).toEqual({ status: 'ACCEPTED', version: before.version + 1 });
  });

  it('given any token, when it manages tokens or reads the audit log, then FORBIDDEN', async () => {
    for (const query of [
      '{ auditLog { seq } }',
      '{ apiTokens { id } }',
      'mutation { issueApiToken(input: { name: "mine", username: "admin", scopes: ["read:tickets"], expiresInDays: 1 }) { token } }',
    ]) {
      const r = await gql(url, as('feed-write'), query);
      expect(codeOf(r), query).toBe('FORBIDDEN');
    }
  });

  it('given a token, when it asks, then each request is in the audit log as token:<name>', async () => {
    await gql(url, as('feed-places'), '{ compounds(first: 1) { nodes { id } } }');
    const { auditLog } = await ok<{ auditLog: { actor: string; action: string }[] }>(
      url,
      admin,
      '{ auditLog(last: 1, actor: "token:feed-places") { actor action } }',
    );
    expect(auditLog[0]).toEqual({ actor: 'token:feed-places', action: 'query compounds' });
  });

  it('given an invalid or malformed token, then HTTP 401 UNAUTHENTICATED TOKEN_INVALID', async () => {
    for (const authorization of [
      'Bearer yt_this-token-was-never-issued-0000000000',
      'Bearer <script>',
      'Basic YWRtaW46eWl0dQ==',
    ]) {
      const r = await raw(url, {
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ categories { code } }' }),
      });
      expect(r.status, authorization).toBe(401);
      expect(firstError(r)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
      expect(r.data ?? null).toBeNull();
    }
  });

  it('given a revoked token, then HTTP 401 TOKEN_REVOKED', async () => {
    const before = await gql(url, as('feed-revoked'), '{ compounds(first: 1) { totalCount } }');
    expect(before.status).toBe(200);
    await ok(url, admin, 'mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: tokens['feed-revoked']!.id,
    });
    const r = await gql(url, as('feed-revoked'), '{ compounds(first: 1) { totalCount } }');
    expect(r.status).toBe(401);
    expect(firstError(r)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
  });

  it('given a token of 3 requests a minute, when it sends a fourth, then HTTP 429 RATE_LIMITED with Retry-After', async () => {
    // start early in a minute so the four requests share one
    const intoMinute = testNow().getTime() % 60_000; // the product counts by its own clock
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const send = () => gql(url, as('feed-rate'), '{ compounds(first: 1) { totalCount } }');
    for (let i = 1; i <= 3; i++) {
      const r = await send();
      expect(r.status, `request ${i}`).toBe(200);
      expect(r.errors).toBeUndefined();
    }
    const over = await send();
    expect(over.status).toBe(429);
    const e = firstError(over);
    expect(e).toMatchObject({ code: 'RATE_LIMITED' });
    expect(e.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(e.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(Number(over.headers.get('retry-after'))).toBe(e.retryAfterSeconds);
    expect(over.data ?? null).toBeNull();
  });

  it('given a token issued for 1 day, when the clock is 2 days later, then HTTP 401 TOKEN_EXPIRED', async () => {
    const now = await gql(url, as('feed-expiring'), '{ compounds(first: 1) { totalCount } }');
    expect(now.status).toBe(200);
    server = await server.restart({ YITU_CLOCK_OFFSET_MS: String(2 * 86_400_000) });
    url = server.url;
    const later = await gql(url, as('feed-expiring'), '{ compounds(first: 1) { totalCount } }');
    expect(later.status).toBe(401);
    expect(firstError(later)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    // a token still in date keeps working
    expect(
      (await gql(url, as('feed-places'), '{ compounds(first: 1) { totalCount } }')).status,
    ).toBe(200);
  });
});

describe(`hostile input and oversized requests on ${engineName()}`, () => {
  const MAX_PHOTO = 50_000;
  let server: RunningServer;
  let url: string;
  let community: Caller;
  let command: Caller;
  let admin: Caller;
  let compoundCode: string;

  const ticketCount = async () =>
    (
      await ok<{ tickets: { totalCount: number } }>(
        url,
        command,
        '{ tickets(first: 1) { totalCount } }',
      )
    ).tickets.totalCount;

  /** Refused with a coded error, never an internal one, and quickly (no pg_sleep ran). */
  const expectRefused = (r: Answer<unknown>, what: string) => {
    const e = firstError(r);
    expect(CODED_REFUSALS, `${what}: ${String(e.message)}`).toContain(e.code);
    expect(r.ms, what).toBeLessThan(4000);
    expect(r.headers.get('content-type'), what).toMatch(/json/);
  };

  beforeAll(async () => {
    server = await startServer({ YITU_MAX_PHOTO_BYTES: String(MAX_PHOTO) });
    url = server.url;
    community = await sessionOf(url, 'community');
    command = await sessionOf(url, 'command');
    admin = await sessionOf(url, 'admin');
    const region = (
      await ok<{ viewer: { jurisdictionId: string } }>(
        url,
        community,
        '{ viewer { jurisdictionId } }',
      )
    ).viewer.jurisdictionId;
    compoundCode = (
      await ok<{ node: { compounds: { nodes: { code: string }[] } } }>(
        url,
        community,
        'query($id: ID!) { node(id: $id) { ... on Region { compounds(first: 1) { nodes { code } } } } }',
        { id: region },
      )
    ).node.compounds.nodes[0]!.code;
  });
  afterAll(() => server?.stop());

  it('given SQL and script payloads in every text argument, then each is refused with a code or stored and returned verbatim, and the tickets table still answers', async () => {
    const before = await ticketCount();
    let intended = 0;
    for (const p of HOSTILE_STRINGS) {
      // stored as plain text: the reporter's name and the description
      const stored = await gql<{
        reportTicket: {
          followToken: string;
          ticket: { id: string; version: number; description: string; reporterName: string };
        };
      }>(
        url,
        anonymous,
        `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken ticket { id version description reporterName } } }`,
        {
          input: {
            compoundCode,
            reporterName: p,
            reporterPhone: PHONE,
            description: p,
            idempotencyKey: idempotencyKey(),
          },
        },
      );
      expect(stored.errors, p).toBeUndefined();
      intended++;
      const ticket = stored.data!.reportTicket.ticket;
      expect(ticket).toMatchObject({ description: p, reporterName: p });
      const followToken = stored.data!.reportTicket.followToken;
      const followed = await ok<{ followTicket: { description: string; reporterName: string } }>(
        url,
        anonymous,
        'query($t: String!) { followTicket(token: $t) { description reporterName } }',
        { t: followToken },
      );
      expect(followed.followTicket).toEqual({ description: p, reporterName: p });
      // refused report fields
      const base = {
        compoundCode,
        reporterName: NAME,
        reporterPhone: PHONE,
        description: '楼道灯坏了',
      };
      for (const [field, value] of [
        ['compoundCode', p],
        ['reporterPhone', p],
        ['idempotencyKey', p],
        ['categoryCode', p],
        ['buildingNumber', p],
        ['gridWorkerCode', p],
        ['photoKeys', [p]],
      ] as const) {
        const r = await gql(url, anonymous, REPORT, {
          input: { ...base, idempotencyKey: idempotencyKey(), [field]: value },
        });
        expectRefused(r, `reportTicket.${field} ${p}`);
      }
      // staff actions with the payload as reason (stored verbatim) or as a code (refused)
      const accepted = await gql<{
        actOnTicket: { events: { nodes: { reason: string | null }[] } };
      }>(
        url,
        community,
        'mutation($input: TicketActionInput!) { actOnTicket(input: $input) { events(first: 10) { nodes { reason } } } }',
        {
          input: {
            ticketId: ticket.id,
            expectedVersion: ticket.version,
            action: 'ACCEPT',
            reason: p,
          },
        },
      );
      expect(accepted.errors, `actOnTicket reason ${p}`).toBeUndefined();
      expect(accepted.data!.actOnTicket.events.nodes.map((e) => e.reason)).toContain(p);
      const classified = await gql(
        url,
        community,
        'mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }',
        { input: { ticketId: ticket.id, expectedVersion: ticket.version + 1, categoryCode: p } },
      );
      expectRefused(classified, `classifyTicket.categoryCode ${p}`);
      for (const [what, query, variables] of [
        [
          'rateTicket comment',
          'mutation($t: String!, $c: String) { rateTicket(token: $t, rating: 5, comment: $c) { id } }',
          { t: followToken, c: p },
        ],
        [
          'rateTicket token',
          'mutation($t: String!, $c: String) { rateTicket(token: $t, rating: 5, comment: $c) { id } }',
          { t: p, c: p },
        ],
        [
          'reopenTicket reason',
          'mutation($t: String!, $r: String!) { reopenTicket(token: $t, reason: $r) { id } }',
          { t: followToken, r: p },
        ],
        [
          'reopenTicket token',
          'mutation($t: String!, $r: String!) { reopenTicket(token: $t, reason: $r) { id } }',
          { t: p, r: p },
        ],
        ['followTicket token', 'query($t: String!) { followTicket(token: $t) { id } }', { t: p }],
        [
          'answerDispatch',
          'mutation($a: ID!, $r: String) { answerDispatch(input: { assignmentId: $a, answer: DECLINE, reason: $r }) { id } }',
          { a: p, r: p },
        ],
        ['node id', 'query($id: ID!) { node(id: $id) { id } }', { id: p }],
        [
          'signIn username',
          'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { expiresAt } }',
          { u: p, p: 'x-x-x-x-x-x' },
        ],
        [
          'signIn password',
          'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { expiresAt } }',
          { u: 'admin', p },
        ],
        [
          'signIn both',
          'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { expiresAt } }',
          { u: p, p },
        ],
      ] as const) {
        const caller = what === 'answerDispatch' || what === 'node id' ? community : anonymous;
        const r = await gql(url, caller, query, variables);
        expectRefused(r, `${what} ${p}`);
        if (what.startsWith('signIn')) expect(r.headers.get('set-cookie'), what).toBeNull();
      }
      // the administrator's token form: the name is stored verbatim, other fields refused
      const issued = await gql<{ issueApiToken: { apiToken: { name: string } } }>(
        url,
        admin,
        'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { apiToken { name } } }',
        { input: { name: p, username: 'community', scopes: ['read:places'], expiresInDays: 1 } },
      );
      expect(issued.errors, `issueApiToken name ${p}`).toBeUndefined();
      expect(issued.data!.issueApiToken.apiToken.name).toBe(p);
      for (const input of [
        { name: 'x', username: p, scopes: ['read:places'], expiresInDays: 1 },
        { name: 'x', username: 'community', scopes: [p], expiresInDays: 1 },
      ])
        expectRefused(
          await gql(
            url,
            admin,
            'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
            { input },
          ),
          `issueApiToken ${JSON.stringify(input)}`,
        );
      // searches and lookups: answered (nothing matches), never an error or a leak
      const searched = await gql<{
        tickets: { totalCount: number };
        compounds: { totalCount: number };
        resources: { totalCount: number };
        suggestCategory: { categoryCode: string }[];
        qrCompound: unknown;
        auditLog: unknown[];
      }>(
        url,
        command,
        `query($p: String!) {
          tickets(first: 1, categoryCode: $p) { totalCount }
          compounds(first: 1, filter: { search: $p }) { totalCount }
          resources(first: 1, filter: { search: $p }) { totalCount }
          suggestCategory(text: $p) { categoryCode }
          qrCompound(code: $p) { id }
        }`,
        { p },
      );
      expect(searched.errors, `searches ${p}`).toBeUndefined();
      expect(searched.ms).toBeLessThan(4000);
      expect(searched.data).toMatchObject({
        tickets: { totalCount: 0 },
        compounds: { totalCount: 0 },
        resources: { totalCount: 0 },
        qrCompound: null,
      });
      expectRefused(
        await gql(
          url,
          command,
          'query($p: String!) { resources(first: 1, capability: $p) { totalCount } }',
          { p },
        ),
        `resources.capability ${p}`,
      );
      const ticketSearch = await gql<{ tickets: { totalCount: number } }>(
        url,
        command,
        'query($p: String!) { tickets(first: 1, filter: { search: $p }) { totalCount } }',
        { p },
      );
      expect(ticketSearch.errors, `tickets search ${p}`).toBeUndefined();
      const audit = await gql<{ auditLog: unknown[] }>(
        url,
        admin,
        'query($p: String!) { auditLog(actor: $p, action: $p) { seq } }',
        { p },
      );
      expect(audit.errors).toBeUndefined();
      expect(audit.data!.auditLog).toEqual([]);
    }
    // the table is still there and only the intended reports were added
    expect(await ticketCount()).toBe(before + intended);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
  });

  it('given a GraphQL body over 256 kB, then HTTP 413 PAYLOAD_TOO_LARGE and nothing runs', async () => {
    const before = await ticketCount();
    const r = await raw(url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: REPORT,
        variables: {
          input: {
            compoundCode,
            reporterName: NAME,
            reporterPhone: PHONE,
            description: 'x'.repeat(300 * 1024),
            idempotencyKey: idempotencyKey(),
          },
        },
      }),
    });
    expect(r.status).toBe(413);
    expect(firstError(r)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await ticketCount()).toBe(before);
  });

  it('given a photo over YITU_MAX_PHOTO_BYTES, then HTTP 413 PAYLOAD_TOO_LARGE', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVR4nGN4amn61NKUAUIBACfiBU3O306nAAAAAElFTkSuQmCC',
      'base64',
    );
    const form = new FormData();
    form.append(
      'photo',
      new Blob([Buffer.concat([png, Buffer.alloc(MAX_PHOTO * 2)])], { type: 'image/png' }),
      'big.png',
    );
    const res = await fetch(`${url}/uploads/photos`, { method: 'POST', body: form });
    expect(res.status).toBe(413);
    expect(
      ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
        .code,
    ).toBe('PAYLOAD_TOO_LARGE');
  });

  it('given a ticket’s photo, then only its jurisdiction’s staff or its follow link may fetch it', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVR4nGN4amn61NKUAUIBACfiBU3O306nAAAAAElFTkSuQmCC',
      'base64',
    );
    const form = new FormData();
    form.append('photo', new Blob([png], { type: 'image/png' }), 'p.png');
    const uploaded = (await (
      await fetch(`${url}/uploads/photos`, { method: 'POST', body: form })
    ).json()) as {
      key: string;
      url: string;
    };
    const { followToken } = await report(url, compoundCode, { photoKeys: [uploaded.key] });
    const get = (headers: Record<string, string> = {}, query = '') =>
      fetch(`${url}${uploaded.url}${query}`, { headers });
    expect((await get()).status).toBe(401);
    expect((await get({}, '?follow=not-the-token')).status).toBe(401);
    expect((await get((await sessionOf(url, 'community2')).headers)).status).toBe(403);
    expect((await get({}, `?follow=${followToken}`)).status).toBe(200);
    expect((await get(community.headers)).status).toBe(200);
  });
  it('given any page (the map, a resident’s QR and follow pages, GraphiQL), then a CSP, no framing, nosniff and no Referer from resident pages', async () => {
    const headersOf = async (path: string) =>
      (await fetch(`${url}${path}`, { headers: { accept: 'text/html' } })).headers;
    for (const path of [
      '/',
      '/?ticket=1',
      `/r/${compoundCode}`,
      '/f/some-private-token',
      '/graphql',
    ]) {
      const h = await headersOf(path);
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('x-frame-options'), path).toBe('DENY');
      const csp = h.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "worker-src 'self' blob:",
      ])
        expect(csp, path).toContain(directive);
      // no basemap configured: no page sends a Referer to another site
      expect(h.get('referrer-policy'), path).toBe('no-referrer');
    }
    expect((await headersOf('/')).get('content-security-policy')).toContain("style-src 'self';");
  });
});
