import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLClient } from 'graphql-request';
import { createAccount } from '@yitu/api/testing';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import {
  anonymousClient,
  clientAs,
  DEMO_PASSWORD,
  issueToken,
  signIn,
  tokenClient,
} from '../support/auth';
import { startServer, type RunningServer } from '../support/server';

// Roles do what they may and no more (issue 12): each case reproduces what was found on a
// production server and sees it refused or bounded, with nothing changed and an audit line.

const ACT = `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { status version } }`;
const TICKET = `query($id: ID!) { node(id: $id) { ... on Ticket {
  status version satisfaction events(first: 50) { nodes { type actor data } }
} } }`;
const ISSUE = `mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }`;

interface TicketView {
  status: string;
  version: number;
  satisfaction: number | null;
  events: { nodes: { type: string; actor: string; data: Record<string, unknown> }[] };
}

describe(`roles do what they may on ${engineName()}`, () => {
  let server: RunningServer;
  let command: GraphQLClient;
  let verifier: GraphQLClient;
  let admin: GraphQLClient;
  let compoundCode: string;
  let compoundId: string;
  let resourceId: string;
  let run = 0;

  // every ticket, as the command centre sees them: a refused report adds none
  const ticketCount = async () =>
    (
      await command.request<{ tickets: { totalCount: number } }>(
        `{ tickets(first: 1) { totalCount } }`,
      )
    ).tickets.totalCount;
  const audit = async (action: string) =>
    (
      await admin.request<{ auditLog: { actor: string; target: string | null; result: string }[] }>(
        `query($action: String) { auditLog(last: 50, action: $action) { actor target result } }`,
        { action },
      )
    ).auditLog;
  const ticket = async (id: string) =>
    (await command.request<{ node: TicketView }>(TICKET, { id })).node;
  const report = async (client: GraphQLClient = command, over: Record<string, unknown> = {}) =>
    (
      await client.request<{ reportTicket: { followToken: string; ticket: { id: string } } }>(
        `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken ticket { id } } }`,
        {
          input: {
            compoundCode,
            reporterName: '王五',
            reporterPhone: '13800005555',
            description: '路灯不亮',
            idempotencyKey: `roles-${Date.now()}-${++run}`,
            ...over,
          },
        },
      )
    ).reportTicket;
  /** Takes a ticket through the loop with `client` from `version`; the last version. */
  const walk = async (client: GraphQLClient, id: string, version: number, actions: string[]) => {
    for (const action of actions) {
      const extra = action === 'DISPATCH' ? { resourceIds: [resourceId] } : {};
      version = (
        await client.request<{ actOnTicket: { version: number } }>(ACT, {
          input: { ticketId: id, expectedVersion: version, action, ...extra },
        })
      ).actOnTicket.version;
    }
    return version;
  };
  const stats = async () =>
    (
      await command.request<{
        node: {
          stats: {
            satisfactionRate: number | null;
            returnVisits: number;
            returnVisitSatisfactionRate: number | null;
          };
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Compound { stats { satisfactionRate returnVisits returnVisitSatisfactionRate } } } }`,
        { id: compoundId },
      )
    ).node.stats;

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
    command = await clientAs(server.url, 'command');
    verifier = await clientAs(server.url, 'verifier');
    admin = await clientAs(server.url, 'admin');
    const { compounds } = await command.request<{
      compounds: { nodes: { id: string; code: string }[] };
    }>(`{ compounds(first: 1) { nodes { id code } } }`);
    compoundCode = compounds.nodes[0]!.code;
    compoundId = compounds.nodes[0]!.id;
    const { resources } = await command.request<{ resources: { nodes: { id: string }[] } }>(
      `{ resources(first: 1, kind: DEPARTMENT) { nodes { id } } }`,
    );
    resourceId = resources.nodes[0]!.id;
  });
  afterAll(() => server?.stop());

  it('refuses staff the resident’s rating; a return visit is recorded apart and the resident still rates', async () => {
    const r = await report();
    const v = await walk(command, r.ticket.id, 1, ['ACCEPT', 'DISPATCH', 'START', 'RESOLVE']);
    const verified = await walk(verifier, r.ticket.id, v, ['VERIFY_PASS']);
    const before = await ticket(r.ticket.id);
    expect(before).toMatchObject({ status: 'VERIFIED', satisfaction: null });
    expect(
      await errorOf(
        command.request(ACT, {
          input: {
            ticketId: r.ticket.id,
            expectedVersion: verified,
            action: 'FEEDBACK',
            rating: 5,
          },
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'ACTION_NOT_ALLOWED' });
    expect(await ticket(r.ticket.id)).toEqual(before);
    expect((await audit('Mutation.actOnTicket'))[0]).toMatchObject({
      actor: 'account:command',
      result: 'FORBIDDEN ACTION_NOT_ALLOWED',
    });
    // the return visit: who, how and the answer, beside the ticket, counted apart
    const statsBefore = await stats();
    const visited = await command.request<{
      recordReturnVisit: { status: string; version: number };
    }>(
      `mutation($input: ReturnVisitInput!) { recordReturnVisit(input: $input) { status version } }`,
      { input: { ticketId: r.ticket.id, channel: 'PHONE', rating: 2, note: '电话回访' } },
    );
    expect(visited.recordReturnVisit).toEqual({ status: 'VERIFIED', version: verified });
    const visit = (await ticket(r.ticket.id)).events.nodes.find((e) => e.type === 'RETURN_VISIT');
    expect(visit).toMatchObject({
      actor: 'account:command',
      data: { channel: 'PHONE', rating: 2, by: 'account:command' },
    });
    const statsAfter = await stats();
    expect(statsAfter.satisfactionRate).toBe(statsBefore.satisfactionRate);
    expect(statsAfter.returnVisits).toBe(statsBefore.returnVisits + 1);
    expect(statsAfter.returnVisitSatisfactionRate).not.toBeNull();
    // the rating is still the resident's to give
    const rated = await anonymousClient(server.url).request<{
      rateTicket: { status: string; satisfaction: number };
    }>(`mutation($t: String!) { rateTicket(token: $t, rating: 5) { status satisfaction } }`, {
      t: r.followToken,
    });
    expect(rated.rateTicket).toEqual({ status: 'FEEDBACK', satisfaction: 5 });
  });

  it('refuses the person who resolved a ticket its verification, whichever credential they use', async () => {
    const token = tokenClient(
      server.url,
      await issueToken(server.url, {
        username: 'command',
        scopes: ['read:tickets', 'write:tickets'],
      }),
    );
    const r = await report();
    const v = await walk(command, r.ticket.id, 1, ['ACCEPT', 'DISPATCH']);
    const resolved = await walk(token, r.ticket.id, v, ['START', 'RESOLVE']);
    const before = await ticket(r.ticket.id);
    expect(
      await errorOf(
        command.request(ACT, {
          input: { ticketId: r.ticket.id, expectedVersion: resolved, action: 'VERIFY_PASS' },
        }),
      ),
    ).toMatchObject({ code: 'BAD_TRANSITION' });
    expect(await ticket(r.ticket.id)).toEqual(before);
    expect((await audit('mutation actOnTicket'))[0]).toMatchObject({
      actor: 'account:command',
      result: 'BAD_TRANSITION NOT_ALLOWED',
    });
    // someone else may (positive control)
    expect(await walk(verifier, r.ticket.id, resolved, ['VERIFY_PASS'])).toBe(resolved + 1);
  });

  it('lets no one issue a token beyond their own role: the read-only administrator issues no write token', async () => {
    const input = {
      name: 'admin write',
      username: 'command',
      scopes: ['read:tickets', 'write:tickets'],
      expiresInDays: 1,
    };
    const countTokens = async () =>
      (await admin.request<{ apiTokens: unknown[] }>(`{ apiTokens { id } }`)).apiTokens.length;
    const before = await countTokens();
    expect(await errorOf(admin.request(ISSUE, { input }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SCOPE_EXCEEDS_ISSUER',
    });
    // nor may staff issue for someone else, nor a write token for an account that may not write
    const community = await clientAs(server.url, 'community');
    expect(await errorOf(community.request(ISSUE, { input }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NOT_YOUR_ACCOUNT',
    });
    expect(
      await errorOf(admin.request(ISSUE, { input: { ...input, username: 'admin' } })),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE_EXCEEDS_ISSUER' });
    expect(await countTokens()).toBe(before);
    const lines = await audit('issueApiToken');
    expect(lines.slice(0, 3).map((l) => l.result)).toEqual([
      'FORBIDDEN SCOPE_EXCEEDS_ISSUER',
      'FORBIDDEN NOT_YOUR_ACCOUNT',
      'FORBIDDEN SCOPE_EXCEEDS_ISSUER',
    ]);
    // the account itself may (positive control): its token acts as it
    const own = await command.request<{ issueApiToken: { token: string } }>(ISSUE, { input });
    expect(own.issueApiToken.token).toMatch(/^yt_/);
  });

  it('refuses a read token a patrol report and what its scopes do not cover', async () => {
    const read = tokenClient(
      server.url,
      await issueToken(server.url, { username: 'command', scopes: ['read:tickets'] }),
    );
    const before = await ticketCount();
    expect(
      await errorOf(report(read, { channel: 'PATROL', gridWorkerCode: 'NOPE-anything' })),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_PERMISSION' });
    expect(await ticketCount()).toBe(before);
    expect((await audit('mutation reportTicket'))[0]).toMatchObject({
      actor: 'token:test token read:tickets',
      result: 'FORBIDDEN NO_PERMISSION',
    });
    // staff who may patrol must name a real grid worker
    expect(
      await errorOf(report(command, { channel: 'PATROL', gridWorkerCode: 'NOPE-anything' })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'gridWorkerCode', reason: 'UNKNOWN' });
    expect(await errorOf(report(command, { channel: 'PATROL' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'gridWorkerCode',
      reason: 'REQUIRED',
    });
    expect(await ticketCount()).toBe(before);
    const { grids } = await command.request<{
      grids: { nodes: { workers: { code: string }[] }[] };
    }>(`{ grids(first: 20) { nodes { workers { code } } } }`);
    const worker = grids.nodes.flatMap((g) => g.workers)[0]!.code;
    const patrol = await report(command, { channel: 'PATROL', gridWorkerCode: worker });
    expect((await ticket(patrol.ticket.id)).events.nodes[0]!.data).toMatchObject({
      channel: 'PATROL',
      gridWorker: worker,
    });
    // a ticket's compound is a place: read:places, not read:tickets
    const compound = await errorOf(
      read.request(`{ tickets(first: 1) { nodes { id compound { id code name } } } }`),
    );
    expect(compound).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_PERMISSION' });
    expect((await audit('query tickets'))[0]).toMatchObject({
      actor: 'token:test token read:tickets',
      result: expect.stringContaining('FORBIDDEN NO_PERMISSION'),
    });
  });

  it('refuses a grid worker’s patrol report naming a grid worker outside their jurisdiction', async () => {
    const grid = await clientAs(server.url, 'grid');
    const { viewer } = await grid.request<{ viewer: { jurisdictionId: string } }>(
      `{ viewer { jurisdictionId } }`,
    );
    interface GridView {
      community: { id: string };
      workers: { code: string }[];
    }
    const GRID = 'community { id } workers { code }';
    const { node: home } = await grid.request<{ node: GridView }>(
      `query($id: ID!) { node(id: $id) { ... on Grid { ${GRID} } } }`,
      { id: viewer.jurisdictionId },
    );
    // a grid worker of another community's grid: outside the grid worker's own grid
    const { grids } = await command.request<{ grids: { nodes: GridView[] } }>(
      `{ grids(first: 50) { nodes { ${GRID} } } }`,
    );
    const foreign = grids.nodes.find(
      (g) => g.community.id !== home.community.id && g.workers.length > 0,
    )!.workers[0]!.code;
    const before = await ticketCount();
    expect(
      await errorOf(report(grid, { channel: 'PATROL', gridWorkerCode: foreign })),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_JURISDICTION' });
    expect(await ticketCount()).toBe(before);
    expect((await audit('mutation reportTicket'))[0]).toMatchObject({
      actor: 'account:grid',
      result: 'FORBIDDEN OUTSIDE_JURISDICTION',
    });
    // their own grid's worker they may name (positive control)
    const mine = home.workers[0]!.code;
    const own = await report(grid, { channel: 'PATROL', gridWorkerCode: mine });
    expect((await ticket(own.ticket.id)).events.nodes[0]!.data).toMatchObject({
      channel: 'PATROL',
      gridWorker: mine,
    });
    expect(await ticketCount()).toBe(before + 1);
  });

  it('serves a ticket’s photo to a token only with read:tickets', async () => {
    const upload = new FormData();
    upload.append(
      'photo',
      new Blob([
        Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
          'base64',
        ),
      ]),
      'dot.png',
    );
    const cookie = await signIn(server.url, 'command');
    const uploaded = (await (
      await fetch(`${server.url}/uploads/photos`, {
        method: 'POST',
        headers: { cookie },
        body: upload,
      })
    ).json()) as { key: string; url: string };
    await report(command, { photoKeys: [uploaded.key] });
    const get = async (scopes: string[]) =>
      (
        await fetch(`${server.url}${uploaded.url}`, {
          headers: {
            authorization: `Bearer ${await issueToken(server.url, { username: 'command', scopes })}`,
          },
        })
      ).status;
    expect(await get(['read:places'])).toBe(403);
    expect(await get(['read:tickets'])).toBe(200);
  });
});
