import type { GraphQLClient } from 'graphql-request';
import { clientAs } from '../support/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../support/graphql';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// Matching and dispatch through the GraphQL API of a running product on the demo city.

const MATCH_FIELDS = `score distanceMeters availableNow nextAvailableAt load capacity capabilityFit
  matchedCapabilities inClaimedZone inServiceArea
  points { availability capability distance zone load record }
  record { sample counts onTimeRate satisfaction }
  resource { id code kind mayDecline capabilities load }`;

interface Match {
  score: number;
  distanceMeters: number;
  matchedCapabilities: string[];
  capabilityFit: number;
  points: Record<string, number>;
  resource: { id: string; code: string; mayDecline: boolean; capabilities: string[]; load: number };
}

describe(`matching over HTTP on ${engineName()}`, () => {
  let server: RunningServer;
  let client: GraphQLClient;
  let compoundCode: string;
  const key = () => `match-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

  /** A resident's FACILITY_REPAIR report, accepted by staff. */
  async function acceptedTicket() {
    const { reportTicket } = await client.request<{
      reportTicket: { ticket: { id: string; version: number; grid: { id: string } } };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { id version grid { id } } } }`,
      {
        input: {
          compoundCode,
          reporterName: '王五',
          reporterPhone: '13900001111',
          description: '3号楼屋顶漏水',
          buildingNumber: '1',
          categoryCode: 'FACILITY_REPAIR',
          idempotencyKey: key(),
        },
      },
    );
    const t = reportTicket.ticket;
    const { actOnTicket } = await client.request<{ actOnTicket: { version: number } }>(
      `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { version } }`,
      { input: { ticketId: t.id, expectedVersion: t.version, action: 'ACCEPT' } },
    );
    return { id: t.id, version: actOnTicket.version, gridId: t.grid.id };
  }

  /** The best-ranked match that may decline, of the kinds that may (volunteers first). */
  async function declinable(ticketId: string): Promise<Match> {
    for (const kind of ['VOLUNTEER_TEAM', 'PARTY_MEMBER', 'COMMUNITY_PARTNER', 'SOCIAL_ORG']) {
      const found = (await matches(ticketId, `, kind: ${kind}`)).find((m) => m.resource.mayDecline);
      if (found) return found;
    }
    throw new Error(`no resource that may decline matches ${ticketId}`);
  }

  const matches = async (ticketId: string, args = '') =>
    (
      await client.request<{ matchResources: Match[] }>(
        `query($id: ID!) { matchResources(ticketId: $id, first: 10${args}) { ${MATCH_FIELDS} } }`,
        { id: ticketId },
      )
    ).matchResources;

  const ticket = async (id: string) =>
    (
      await client.request<{
        node: {
          status: string;
          version: number;
          assignments: { id: string; status: string; resource: { id: string } }[];
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Ticket { status version assignments { id status resource { id } } } } }`,
        { id },
      )
    ).node;

  const dispatch = (ticketId: string, expectedVersion: number, resourceIds: string[]) =>
    client.request<{ dispatchTicket: { status: string; version: number } }>(
      `mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { status version } }`,
      { input: { ticketId, expectedVersion, resourceIds } },
    );

  beforeAll(async () => {
    server = await startServer();
    client = await clientAs(server.url, 'command');
    const first = await client.request<{ compounds: { nodes: { code: string }[] } }>(
      `{ compounds(first: 1) { nodes { code } } }`,
    );
    compoundCode = first.compounds.nodes[0]!.code;
  });
  afterAll(() => server?.stop());

  it('ranks capable resources with every component, best first', async () => {
    const t = await acceptedTicket();
    const ranked = await matches(t.id);
    expect(ranked).toHaveLength(10);
    for (const [i, m] of ranked.entries()) {
      expect(m.resource.capabilities).toContain('repair');
      expect(m.matchedCapabilities).toEqual(['repair']);
      const p = m.points;
      expect(
        p.availability! + p.capability! + p.distance! + p.zone! + p.load! + p.record!,
      ).toBeCloseTo(m.score, 1);
      if (i > 0) expect(m.score).toBeLessThanOrEqual(ranked[i - 1]!.score);
    }
    // The same ranking through the ticket's own edge.
    const viaEdge = await client.request<{ node: { matches: { resource: { id: string } }[] } }>(
      `query($id: ID!) { node(id: $id) { ... on Ticket { matches(first: 10) { resource { id } } } } }`,
      { id: t.id },
    );
    expect(viaEdge.node.matches.map((m) => m.resource.id)).toEqual(
      ranked.map((m) => m.resource.id),
    );
    // Bad arguments are refused with a code.
    expect(
      await errorOf(client.request(`{ matchResources(ticketId: "${t.id}", first: 51) { score } }`)),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(
      await errorOf(
        client.request(`{ matchResources(ticketId: "${t.id}", maxDistanceMeters: -1) { score } }`),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxDistanceMeters' });
    expect(
      await errorOf(
        client.request(
          `{ matchResources(ticketId: "${Buffer.from('Ticket:999999').toString('base64url')}") { score } }`,
        ),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('dispatches, explains a refusal, and re-opens matching without a decliner', async () => {
    const t = await acceptedTicket();
    // Ask for a resource that may decline by its kind: at night no volunteer is available now,
    // so the first matches of every kind would be departments and law enforcement.
    const volunteer = await declinable(t.id);
    expect(volunteer.resource.mayDecline).toBe(true);
    // A resource that cannot repair is refused, with the reason per resource, and nothing changes.
    const { resources } = await client.request<{ resources: { nodes: { id: string }[] } }>(
      `{ resources(first: 1, capability: "elderly_care", kind: SOCIAL_ORG) { nodes { id } } }`,
    );
    const unable = resources.nodes[0]!.id;
    const refusal = await errorOf(dispatch(t.id, t.version, [unable]));
    expect(refusal).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'resourceIds',
      reason: 'NOT_CAPABLE',
      refusals: [{ resourceId: unable, reason: 'NOT_CAPABLE' }],
    });
    expect(await ticket(t.id)).toMatchObject({ status: 'ACCEPTED', version: t.version });

    const sent = await dispatch(t.id, t.version, [volunteer.resource.id]);
    expect(sent.dispatchTicket.status).toBe('DISPATCHED');
    const after = await ticket(t.id);
    expect(after.assignments).toEqual([
      expect.objectContaining({ status: 'OFFERED', resource: { id: volunteer.resource.id } }),
    ]);
    // The volunteer declines (a reason is required): back to ACCEPTED, and not offered again.
    const answer = `mutation($input: AnswerDispatchInput!) { answerDispatch(input: $input) { status declineReason ticket { status } } }`;
    expect(
      await errorOf(
        client.request(answer, {
          input: { assignmentId: after.assignments[0]!.id, answer: 'DECLINE' },
        }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const declined = await client.request<{
      answerDispatch: { status: string; declineReason: string; ticket: { status: string } };
    }>(answer, {
      input: { assignmentId: after.assignments[0]!.id, answer: 'DECLINE', reason: '人在外地' },
    });
    expect(declined.answerDispatch).toEqual({
      status: 'DECLINED',
      declineReason: '人在外地',
      ticket: { status: 'ACCEPTED' },
    });
    const again = await matches(t.id);
    expect(again.map((m) => m.resource.id)).not.toContain(volunteer.resource.id);
    expect(await errorOf(dispatch(t.id, after.version + 1, [volunteer.resource.id]))).toMatchObject(
      {
        reason: 'DECLINED_BEFORE',
      },
    );
  });

  it('plans a grid and applies the kept items in one go', async () => {
    const t = await acceptedTicket();
    const { gridDispatchPlan: plan } = await client.request<{
      gridDispatchPlan: {
        items: {
          ticket: { id: string };
          expectedVersion: number;
          acceptsFirst: boolean;
          match: { load: number; capacity: number; resource: { id: string } };
        }[];
        unplanned: { ticket: { id: string }; reason: string }[];
      };
    }>(
      `query($grid: ID!) { gridDispatchPlan(gridId: $grid) { items { ticket { id } expectedVersion acceptsFirst match { load capacity resource { id } } } unplanned { ticket { id } reason } } }`,
      { grid: t.gridId },
    );
    const mine = plan.items.find((i) => i.ticket.id === t.id)!;
    expect(mine).toMatchObject({ expectedVersion: t.version, acceptsFirst: false });
    const perResource = new Map<string, number>();
    for (const i of plan.items)
      perResource.set(i.match.resource.id, (perResource.get(i.match.resource.id) ?? 0) + 1);
    for (const i of plan.items)
      expect(i.match.load + perResource.get(i.match.resource.id)!).toBeLessThanOrEqual(
        i.match.capacity,
      );
    // Staff keep only this ticket's proposal.
    const applied = await client.request<{ applyDispatchPlan: { id: string; status: string }[] }>(
      `mutation($input: ApplyDispatchPlanInput!) { applyDispatchPlan(input: $input) { id status } }`,
      {
        input: {
          items: [
            { ticketId: t.id, expectedVersion: t.version, resourceIds: [mine.match.resource.id] },
          ],
        },
      },
    );
    expect(applied.applyDispatchPlan).toEqual([{ id: t.id, status: 'DISPATCHED' }]);
    // Applying the same stale item again conflicts, naming the item.
    expect(
      await errorOf(
        client.request(
          `mutation($input: ApplyDispatchPlanInput!) { applyDispatchPlan(input: $input) { id } }`,
          {
            input: {
              items: [
                {
                  ticketId: t.id,
                  expectedVersion: t.version,
                  resourceIds: [mine.match.resource.id],
                },
              ],
            },
          },
        ),
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'items.0' });
  });

  it('gives the three lists of every community, or of one, in the same figures', async () => {
    const all = await client.request<{
      communityLists: {
        community: { id: string; name: string };
        shortfall: number;
        demand: { category: { code: string }; openTickets: number; last90Days: number }[];
        resources: { category: { code: string }; resourceCount: number; capacity: number }[];
        services: { capability: string; resourceCount: number }[];
        gaps: {
          category: { code: string };
          openTickets: number;
          freeCapacity: number;
          gap: number;
        }[];
      }[];
    }>(
      `{ communityLists { community { id name } shortfall demand { category { code } openTickets last90Days }
         resources { category { code } resourceCount capacity } services { capability resourceCount }
         gaps { category { code } openTickets freeCapacity gap } } }`,
    );
    expect(all.communityLists).toHaveLength(21);
    const { categories } = await client.request<{ categories: { code: string }[] }>(
      `{ categories { code } }`,
    );
    for (const lists of all.communityLists) {
      expect(lists.gaps).toHaveLength(categories.length);
      for (const g of lists.gaps) expect(g.gap).toBeCloseTo(g.openTickets - g.freeCapacity, 1);
      expect(lists.shortfall).toBeCloseTo(
        lists.gaps.reduce((s, g) => s + Math.max(0, g.gap), 0),
        1,
      );
      expect(lists.services.length).toBeGreaterThan(0);
    }
    const busiest = all.communityLists.find((l) => l.demand.length > 0)!;
    const one = await client.request<{ node: { lists: typeof busiest } }>(
      `query($id: ID!) { node(id: $id) { ... on Region { lists { community { id name } shortfall
         demand { category { code } openTickets last90Days } resources { category { code } resourceCount capacity }
         services { capability resourceCount } gaps { category { code } openTickets freeCapacity gap } } } } }`,
      { id: busiest.community.id },
    );
    expect(one.node.lists).toEqual(busiest);
  });
});
