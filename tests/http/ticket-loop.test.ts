import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../support/graphql';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { testNow } from '../support/clock';
import { anonymousClient, clientAs, DEMO_PASSWORD, issueToken } from '../support/auth';
import { createAccount } from '@yitu/api/testing';

const REPORT = `mutation($input: ReportTicketInput!) {
  reportTicket(input: $input) { created followToken ticket { id code status level version compound { code } grid { code } building { number } } }
}`;
const ACT = `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id status level version satisfaction } }`;

interface ReportResult {
  reportTicket: {
    created: boolean;
    followToken: string;
    ticket: {
      id: string;
      code: string;
      status: string;
      version: number;
      compound: { code: string };
      grid: { code: string } | null;
      building: { number: string } | null;
    };
  };
}

describe(`the ticket loop over HTTP on ${engineName()}`, () => {
  let server: RunningServer;
  let client: GraphQLClient;
  let compoundCode: string;
  let resourceId: string;
  let run = 0;
  const key = () => `test-${Date.now()}-${++run}-${Math.random().toString(36).slice(2, 8)}`;
  const report = (over: Record<string, unknown> = {}) =>
    client.request<ReportResult>(REPORT, {
      input: {
        compoundCode,
        reporterName: '张三',
        reporterPhone: '13800001234',
        description: '楼道里有人飞线充电',
        buildingNumber: '1',
        idempotencyKey: key(),
        ...over,
      },
    });
  // Who acts: the district's command centre, or a second street account that verifies (a
  // ticket is verified by someone other than whoever resolved it).
  let verifier: GraphQLClient;
  const act = (
    ticketId: string,
    expectedVersion: number,
    action: string,
    who: 'command' | 'verifier' = 'command',
    extra: object = {},
  ) =>
    (who === 'verifier' ? verifier : client).request<{
      actOnTicket: { status: string; version: number; level: string };
    }>(ACT, {
      input: {
        ticketId,
        expectedVersion,
        action,
        ...(action === 'DISPATCH' ? { resourceIds: [resourceId] } : {}),
        ...extra,
      },
    });
  const codeOf = errorOf;
  const ticketCount = async () =>
    (
      await client.request<{ tickets: { totalCount: number } }>(
        `{ tickets(first: 1) { totalCount } }`,
      )
    ).tickets.totalCount;
  const events = async (id: string) =>
    (
      await client.request<{
        node: {
          version: number;
          events: {
            nodes: {
              type: string;
              fromStatus: string | null;
              toStatus: string | null;
              actor: string;
            }[];
          };
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Ticket { version events(first: 100) { nodes { type fromStatus toStatus actor } } } } }`,
        { id },
      )
    ).node;

  beforeAll(async () => {
    server = await startServer({}, (database) =>
      createAccount(database, {
        username: 'verifier',
        displayName: '核查员',
        role: 'STREET_STAFF',
        regionCode: '341181',
        password: DEMO_PASSWORD,
      }).then(() => undefined),
    );
    client = await clientAs(server.url, 'command');
    verifier = await clientAs(server.url, 'verifier');
    const first = await client.request<{ compounds: { nodes: { code: string }[] } }>(
      `{ compounds(first: 1) { nodes { code } } }`,
    );
    compoundCode = first.compounds.nodes[0]!.code;
    const resources = await client.request<{ resources: { nodes: { id: string }[] } }>(
      `{ resources(first: 1, kind: DEPARTMENT) { nodes { id } } }`,
    );
    resourceId = resources.resources.nodes[0]!.id;
  });
  afterAll(() => server?.stop());

  it('answers overdue false for a new ticket with no resolve-by deadline yet', async () => {
    const { reportTicket: r } = await report(); // no category: no resolve-by deadline
    const { node } = await client.request<{ node: { overdue: boolean; resolveBy: string | null } }>(
      `query($id: ID!) { node(id: $id) { ... on Ticket { overdue resolveBy } } }`,
      { id: r.ticket.id },
    );
    expect(node).toEqual({ overdue: false, resolveBy: null });
  });

  it('goes around the whole loop from a QR report to closed, with a complete event log', async () => {
    const { reportTicket: r } = await report({ categoryCode: 'ILLEGAL_WIRING' });
    expect(r).toMatchObject({
      created: true,
      ticket: {
        status: 'REPORTED',
        version: 1,
        compound: { code: compoundCode },
        building: { number: '1' },
      },
    });
    const closedBy = async () =>
      (
        await client.request<{ node: { stats: { closedTickets: number } } }>(
          `query($id: ID!) { node(id: $id) { ... on Resource { stats { closedTickets } } } }`,
          { id: resourceId },
        )
      ).node.stats.closedTickets;
    const closedBefore = await closedBy();
    expect(r.ticket.grid).not.toBeNull();
    expect(r.followToken.length).toBeGreaterThanOrEqual(20);
    const id = r.ticket.id;
    const steps: [string, 'command' | 'verifier' | 'resident'][] = [
      ['ACCEPT', 'command'],
      ['DISPATCH', 'command'],
      ['START', 'command'],
      ['RESOLVE', 'command'],
      ['VERIFY_PASS', 'verifier'],
      ['FEEDBACK', 'resident'], // the rating is the resident's, through their link
      ['CLOSE', 'command'],
    ];
    let version = 1;
    for (const [action, actor] of steps) {
      const next =
        actor === 'resident'
          ? (
              await anonymousClient(server.url).request<{ rateTicket: { version: number } }>(
                `mutation($t: String!) { rateTicket(token: $t, rating: 5) { version } }`,
                { t: r.followToken },
              )
            ).rateTicket.version
          : (await act(id, version, action, actor)).actOnTicket.version;
      expect(next).toBe(version + 1);
      version = next;
    }
    const log = await events(id);
    expect(log.version).toBe(8);
    expect(log.events.nodes.map((e) => `${e.type}:${e.fromStatus ?? '-'}→${e.toStatus}`)).toEqual([
      'REPORTED:-→REPORTED',
      'ACCEPT:REPORTED→ACCEPTED',
      'DISPATCH:ACCEPTED→DISPATCHED',
      'START:DISPATCHED→IN_PROGRESS',
      'RESOLVE:IN_PROGRESS→RESOLVED',
      'VERIFY_PASS:RESOLVED→VERIFIED',
      'FEEDBACK:VERIFIED→FEEDBACK',
      'CLOSE:FEEDBACK→CLOSED',
    ]);
    expect(log.events.nodes[0]!.actor).toBe('account:command');
    expect(log.events.nodes[5]!.actor).toBe('account:verifier');
    // The dispatched resource's record now counts this closed ticket.
    expect(await closedBy()).toBe(closedBefore + 1);
    expect(await codeOf(act(id, 8, 'DISPATCH', 'command', { resourceIds: [] }))).toMatchObject({
      code: 'BAD_TRANSITION',
    });
  });

  it('lets the resident follow, rate and reopen through the private link only', async () => {
    // the resident reports from the QR page without signing in, and sees only their own ticket
    const resident = anonymousClient(server.url);
    const { reportTicket: r } = await resident.request<{
      reportTicket: { followToken: string; ticket: { id: string; code: string; status: string } };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken ticket { id code status } } }`,
      {
        input: {
          compoundCode,
          reporterName: '张三',
          reporterPhone: '13800001234',
          description: '单元门坏了',
          idempotencyKey: key(),
        },
      },
    );
    expect(r.ticket.status).toBe('REPORTED');
    expect((await events(r.ticket.id)).events.nodes[0]!.actor).toBe('resident');
    const token = r.followToken;
    let version = 1;
    for (const [action, actor] of [
      ['ACCEPT', 'command'],
      ['DISPATCH', 'command'],
      ['START', 'command'],
      ['RESOLVE', 'command'],
      ['VERIFY_PASS', 'verifier'],
    ] as const) {
      version = (await act(r.ticket.id, version, action!, actor!)).actOnTicket.version;
    }
    const follow = `query($t: String!) { followTicket(token: $t) { code status satisfaction } }`;
    expect(
      (await resident.request<{ followTicket: object }>(follow, { t: token })).followTicket,
    ).toMatchObject({ code: r.ticket.code, status: 'VERIFIED' });
    const rated = await resident.request<{ rateTicket: { status: string; satisfaction: number } }>(
      `mutation($t: String!) { rateTicket(token: $t, rating: 4, comment: "修好了，谢谢") { status satisfaction } }`,
      { t: token },
    );
    expect(rated.rateTicket).toEqual({ status: 'FEEDBACK', satisfaction: 4 });
    await act(r.ticket.id, version + 1, 'CLOSE', 'command');
    const reopened = await resident.request<{ reopenTicket: { status: string } }>(
      `mutation($t: String!) { reopenTicket(token: $t, reason: "又坏了") { status } }`,
      { t: token },
    );
    expect(reopened.reopenTicket.status).toBe('ACCEPTED');
    expect(await codeOf(client.request(follow, { t: 'not-the-right-token-at-all' }))).toMatchObject(
      { code: 'NOT_FOUND' },
    );
  });

  it('refuses each bad input with a code and changes nothing', async () => {
    const before = await ticketCount();
    expect(await codeOf(report({ compoundCode: 'NO-SUCH-CODE' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'compoundCode',
      reason: 'UNKNOWN_COMPOUND',
    });
    expect(await codeOf(report({ lon: 100.5, lat: 20.5, buildingNumber: null }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'OUTSIDE_COMPOUNDS',
    });
    expect(await codeOf(report({ description: '   ' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'description',
      reason: 'EMPTY',
    });
    expect(await codeOf(report({ description: '长'.repeat(4001) }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'TOO_LONG',
    });
    expect(await codeOf(report({ reporterPhone: '12345' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reporterPhone',
    });
    expect(await codeOf(report({ buildingNumber: '999' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNKNOWN_BUILDING',
    });
    expect(await ticketCount()).toBe(before);

    const { reportTicket: r } = await report();
    expect(await codeOf(act(r.ticket.id, 1, 'START', 'command'))).toMatchObject({
      code: 'BAD_TRANSITION',
    });
    expect(await codeOf(act(r.ticket.id, 1, 'ESCALATE', 'command'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    expect(await codeOf(act(r.ticket.id, 7, 'ACCEPT', 'command'))).toMatchObject({
      code: 'CONFLICT',
    });
    const log = await events(r.ticket.id);
    expect(log.version).toBe(1);
    expect(log.events.nodes).toHaveLength(1);
  });

  it('suggests a category from the text, and staff classification sets level and deadlines', async () => {
    const { reportTicket: r } = await report({
      description: '三号楼有人从窗户拉电线下来给电动车充电，很危险',
    });
    const t = await client.request<{
      node: {
        level: string;
        resolveBy: string | null;
        categorySuggestions: { categoryCode: string; confidence: number }[];
      };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Ticket { level resolveBy categorySuggestions { categoryCode confidence } } } }`,
      { id: r.ticket.id },
    );
    expect(t.node.categorySuggestions[0]!.categoryCode).toBe('ILLEGAL_WIRING');
    expect(t.node.categorySuggestions[0]!.confidence).toBeGreaterThan(0.5);
    expect(t.node.resolveBy).toBeNull(); // no category yet, so no resolve-by deadline
    const classified = await client.request<{
      classifyTicket: {
        level: string;
        version: number;
        resolveBy: string;
        category: { code: string };
      };
    }>(
      `mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { level version resolveBy category { code } } }`,
      {
        input: {
          ticketId: r.ticket.id,
          expectedVersion: 1,
          categoryCode: 'ILLEGAL_WIRING',
        },
      },
    );
    // ILLEGAL_WIRING is a community matter with 8 working hours to resolve.
    expect(classified.classifyTicket).toMatchObject({
      level: 'COMMUNITY',
      version: 2,
      category: { code: 'ILLEGAL_WIRING' },
    });
    expect(new Date(classified.classifyTicket.resolveBy).getTime()).toBeGreaterThan(
      testNow().getTime(),
    );
    expect(
      await codeOf(
        client.request(
          `mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }`,
          {
            input: {
              ticketId: r.ticket.id,
              expectedVersion: 2,
              categoryCode: 'NO_SUCH',
            },
          },
        ),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'categoryCode' });
  });

  it('offers CLASSIFY in allowedActions while the status allows it, taken only by classifyTicket', async () => {
    const { reportTicket: r } = await report();
    const allowed = async (who: GraphQLClient) =>
      (
        await who.request<{ node: { allowedActions: string[] } }>(
          `query($id: ID!) { node(id: $id) { ... on Ticket { allowedActions } } }`,
          { id: r.ticket.id },
        )
      ).node.allowedActions;
    expect(await allowed(client)).toContain('CLASSIFY');
    // the command centre may classify; its read-only token may not
    const readOnly = new GraphQLClient(`${server.url}/graphql`, {
      headers: {
        authorization: `Bearer ${await issueToken(server.url, { username: 'command', scopes: ['read:tickets'] })}`,
      },
    });
    expect(await allowed(readOnly)).not.toContain('CLASSIFY');
    expect(await codeOf(act(r.ticket.id, 1, 'CLASSIFY'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.action',
      reason: 'USE_CLASSIFY_TICKET',
    });
    const accepted = await act(r.ticket.id, 1, 'ACCEPT');
    expect(await allowed(client)).toContain('CLASSIFY');
    await act(r.ticket.id, accepted.actOnTicket.version, 'DISPATCH');
    // dispatched work keeps its category: the status no longer allows classifying
    expect(await allowed(client)).not.toContain('CLASSIFY');
    expect((await events(r.ticket.id)).version).toBe(3);
  });

  it('escalates up the ladder with a reason, recorded in the log', async () => {
    const { reportTicket: r } = await report({ categoryCode: 'PARKING' }); // a compound-level matter
    await act(r.ticket.id, 1, 'ACCEPT', 'command');
    const { actOnTicket } = await act(r.ticket.id, 2, 'ESCALATE', 'command', {
      reason: '小区无法协调车位',
    });
    expect(actOnTicket).toMatchObject({ status: 'ACCEPTED', level: 'COMMUNITY', version: 3 });
    expect(
      await codeOf(act(r.ticket.id, 3, 'DISPATCH', 'command', { resourceIds: [] })),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'resourceIds',
    });
  });

  it('lets exactly one of 50 simultaneous conflicting actions apply; the rest get CONFLICT', async () => {
    const { reportTicket: r } = await report();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        act(r.ticket.id, 1, 'ACCEPT', i % 2 ? 'command' : 'verifier'),
      ),
    );
    const applied = results.filter((x) => x.status === 'fulfilled');
    const conflicts = results.filter(
      (x) =>
        x.status === 'rejected' &&
        x.reason instanceof ClientError &&
        x.reason.response.errors?.[0]?.extensions?.code === 'CONFLICT',
    );
    expect(applied).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    const log = await events(r.ticket.id);
    expect(log.version).toBe(2);
    expect(log.events.nodes.filter((e) => e.type === 'ACCEPT')).toHaveLength(1);
  });

  it('answers 100 retries of one report (same idempotency key) with one ticket', async () => {
    const idempotencyKey = key();
    const description = `重复提交测试 ${idempotencyKey}`;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => report({ idempotencyKey, description })),
    );
    const ids = new Set(results.map((x) => x.reportTicket.ticket.id));
    expect(ids.size).toBe(1);
    expect(results.filter((x) => x.reportTicket.created)).toHaveLength(1);
    const found = await client.request<{ tickets: { totalCount: number } }>(
      `query($s: String!) { tickets(filter: { search: $s }) { totalCount } }`,
      { s: idempotencyKey },
    );
    expect(found.tickets.totalCount).toBe(1);
    // The same key with another payload is refused.
    expect(await codeOf(report({ idempotencyKey, description: '另一件事' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});
