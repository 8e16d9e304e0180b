import { GraphQLClient } from 'graphql-request';
import { anonymousClient, clientAs, signIn } from '../support/auth';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

interface Received {
  ticketEvents: { type: string; actor: string; ticket: { code: string } };
}

/** Subscribe and collect what arrives; resolves once the server acknowledged the subscription. */
async function subscribe(url: string, variables: Record<string, string>, cookie?: string) {
  // the map app's socket carries its session cookie on the upgrade request, as here
  class SignedInSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, cookie ? { headers: { cookie } } : {});
    }
  }
  const client: Client = createClient({
    url: url.replace('http', 'ws') + '/graphql',
    webSocketImpl: SignedInSocket,
    lazy: false,
  });
  const received: Received[] = [];
  const errors: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('error', reject);
    // a refused connection closes with a code (4403: no valid credentials)
    client.on('closed', (event) => reject(new Error(`closed ${(event as { code: number }).code}`)));
  });
  const stop = client.subscribe<Received>(
    {
      query: `subscription($regionId: ID, $gridId: ID) { ticketEvents(regionId: $regionId, gridId: $gridId) { type actor ticket { code } } }`,
      variables,
    },
    {
      next: (message) => message.data && received.push(message.data),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  await new Promise((r) => setTimeout(r, 300)); // let the subscribe message reach the server
  return {
    received,
    errors,
    close: async () => {
      stop();
      await client.dispose();
    },
  };
}

const waitFor = async (check: () => boolean, ms = 8000) => {
  for (let waited = 0; !check() && waited < ms; waited += 100)
    await new Promise((r) => setTimeout(r, 100));
};

describe(`live ticket events on ${engineName()}`, () => {
  let server: RunningServer;
  let compound: { code: string; community: { id: string }; grids: { id: string }[] };
  let other: { grids: { id: string }[] };
  let cookie: string;
  const report = (s: RunningServer, description: string, compoundCode = compound.code) =>
    anonymousClient(s.url).request<{ reportTicket: { ticket: { code: string } } }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { code } } }`,
      {
        input: {
          compoundCode,
          reporterName: '王五',
          reporterPhone: '13700002222',
          description,
          idempotencyKey: `sub-${Date.now()}-${Math.random().toString(36).slice(2)}`,
        },
      },
    );

  beforeAll(async () => {
    server = await startServer();
    cookie = await signIn(server.url, 'command');
    const data = await (
      await clientAs(server.url, 'command')
    ).request<{
      compounds: { nodes: (typeof compound)[] };
    }>(`{ compounds(first: 50) { nodes { code community { id } grids { id } } } }`);
    compound = data.compounds.nodes[0]!;
    other = data.compounds.nodes.find((c) => c.grids[0]!.id !== compound.grids[0]!.id)!;
  });
  afterAll(() => server?.stop());

  it('delivers a new ticket’s event to subscribers of its community and grid, not to others', async () => {
    const byCommunity = await subscribe(server.url, { regionId: compound.community.id }, cookie);
    const byGrid = await subscribe(server.url, { gridId: compound.grids[0]!.id }, cookie);
    const elsewhere = await subscribe(server.url, { gridId: other.grids[0]!.id }, cookie);
    try {
      const { reportTicket } = await report(server, '订阅测试：路灯不亮');
      await waitFor(() => byCommunity.received.length > 0 && byGrid.received.length > 0);
      const expected = {
        ticketEvents: {
          type: 'REPORTED',
          actor: 'resident',
          ticket: { code: reportTicket.ticket.code },
        },
      };
      expect(byCommunity.received).toEqual([expected]);
      expect(byGrid.received).toEqual([expected]);
      await new Promise((r) => setTimeout(r, 500));
      expect(elsewhere.received).toEqual([]);
    } finally {
      await Promise.all([byCommunity.close(), byGrid.close(), elsewhere.close()]);
    }
  });

  it('delivers events only inside the subscriber’s jurisdiction, and nothing without sign-in', async () => {
    // the compound's own community staff hear of it; another community's staff and a caller
    // without a session do not, even subscribed to everything
    const all = await (
      await clientAs(server.url, 'command')
    ).request<{
      compounds: { nodes: { code: string; community: { name: string } }[] };
    }>(`{ compounds(first: 200) { nodes { code community { name } } } }`);
    const inDongyuan = all.compounds.nodes.find((c) => c.community.name === '东园社区')!;
    const mine = await subscribe(server.url, {}, await signIn(server.url, 'community'));
    const theirs = await subscribe(server.url, {}, await signIn(server.url, 'community2'));
    // without a session the socket is refused outright
    await expect(subscribe(server.url, {})).rejects.toThrow('closed 4403');
    try {
      const { reportTicket } = await report(server, '订阅权限测试：井盖缺失', inDongyuan.code);
      await waitFor(() => mine.received.length > 0);
      expect(mine.received.map((m) => m.ticketEvents.ticket.code)).toEqual([
        reportTicket.ticket.code,
      ]);
      await new Promise((r) => setTimeout(r, 500));
      expect(theirs.received).toEqual([]);
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
    }
  });

  it('gives each event the ticket as it is now, not as an earlier event saw it', async () => {
    const statuses: string[] = [];
    const client = createClient({
      url: server.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers: { cookie } });
        }
      },
      lazy: false,
    });
    client.subscribe<{ ticketEvents: { ticket: { status: string } } }>(
      {
        query: `subscription { ticketEvents(regionId: "${compound.community.id}") { ticket { status } } }`,
      },
      {
        next: (m) => m.data && statuses.push(m.data.ticketEvents.ticket.status),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    try {
      const { reportTicket } = await report(server, '订阅状态测试：垃圾未清运');
      await waitFor(() => statuses.length > 0);
      const command = await clientAs(server.url, 'command');
      const { tickets } = await command.request<{ tickets: { nodes: { id: string }[] } }>(
        `query($s: String!) { tickets(filter: { search: $s }) { nodes { id } } }`,
        { s: reportTicket.ticket.code },
      );
      await command.request(
        `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id } }`,
        { input: { ticketId: tickets.nodes[0]!.id, expectedVersion: 1, action: 'ACCEPT' } },
      );
      await waitFor(() => statuses.length > 1);
      expect(statuses).toEqual(['REPORTED', 'ACCEPTED']);
    } finally {
      await client.dispose();
    }
  });

  it('runs only subscriptions over the socket, within the limits, and closes it when the session ends', async () => {
    const session = await signIn(server.url, 'community');
    class SignedInSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { cookie: session } });
      }
    }
    let closedWith: (code: number) => void = () => undefined;
    const closed = new Promise<number>((resolve) => (closedWith = resolve));
    const socket = createClient({
      url: server.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: SignedInSocket,
      lazy: false,
      retryAttempts: 0,
      on: { closed: (event) => closedWith((event as { code: number }).code) },
    });
    const refusedWith = (query: string) =>
      new Promise<string>((resolve) => {
        socket.subscribe(
          { query },
          {
            next: () => resolve('answered'),
            error: (errors) => resolve(JSON.stringify(errors)),
            complete: () => undefined,
          },
        );
      });
    // queries and mutations go over HTTP, where they are audited and rate-limited
    expect(await refusedWith('{ tickets(first: 1) { totalCount } }')).toContain(
      'SUBSCRIPTIONS_ONLY',
    );
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(await refusedWith(`subscription { ticketEvents { ${aliases} } }`)).toContain(
      'ALIAS_LIMIT',
    );
    // signing out (here from another client holding the same cookie) closes the socket
    await new GraphQLClient(`${server.url}/graphql`, { headers: { cookie: session } }).request(
      'mutation { signOut }',
    );
    expect(await closed).toBe(4401);
  });

  it('refuses a socket with a revoked token or an ended session, each refusal audited', async () => {
    const admin = await clientAs(server.url, 'admin');
    const { issueApiToken } = await admin.request<{
      issueApiToken: { token: string; apiToken: { id: string } };
    }>(
      'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token apiToken { id } } }',
      {
        input: {
          name: 'revoked feed',
          username: 'command',
          scopes: ['read:tickets'],
          expiresInDays: 1,
          ratePerMinute: 100,
        },
      },
    );
    await admin.request('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', {
      id: issueApiToken.apiToken.id,
    });
    const session = await signIn(server.url, 'grid');
    await new GraphQLClient(`${server.url}/graphql`, { headers: { cookie: session } }).request(
      'mutation { signOut }',
    );
    /** How the server closed a socket opened with these credentials. */
    const closedWith = (connectionParams: Record<string, unknown>, cookie?: string) =>
      new Promise<number>((resolve) => {
        createClient({
          url: server.url.replace('http', 'ws') + '/graphql',
          webSocketImpl: class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, cookie ? { headers: { cookie } } : {});
            }
          },
          connectionParams,
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: () => undefined, // the refusal is what this test waits for
          on: { closed: (event) => resolve((event as { code: number }).code) },
        });
      });
    const refusals = async (action: string) =>
      (
        await admin.request<{
          auditLog: { actor: string; result: string; details: string | null }[];
        }>(
          'query($action: String) { auditLog(last: 50, action: $action) { actor result details } }',
          { action },
        )
      ).auditLog.filter(
        // this test's refusals (newest first): an earlier test's sockets may still be writing theirs
        (l) => l.details?.includes('WebSocket /graphql') && /_REVOKED$/.test(l.result),
      );
    const tokenLinesBefore = (await refusals('token request')).length;
    const sessionLinesBefore = (await refusals('session request')).length;

    expect(await closedWith({ authorization: `Bearer ${issueApiToken.token}` })).toBe(4403);
    expect(await closedWith({}, session)).toBe(4403);

    const tokenLines = await refusals('token request');
    expect(tokenLines).toHaveLength(tokenLinesBefore + 1);
    expect(tokenLines[0]).toMatchObject({
      actor: 'anonymous',
      result: 'UNAUTHENTICATED TOKEN_REVOKED',
    });
    expect(JSON.parse(tokenLines[0]!.details!)).toEqual({ request: 'WebSocket /graphql' });
    const sessionLines = await refusals('session request');
    expect(sessionLines).toHaveLength(sessionLinesBefore + 1);
    expect(sessionLines[0]).toMatchObject({
      actor: 'anonymous',
      result: 'UNAUTHENTICATED SESSION_REVOKED',
    });
  });

  it('holds a socket to 5 subscriptions and each to a hundredth of a query’s cost, audited', async () => {
    const session = await signIn(server.url, 'grid');
    const socket = createClient({
      url: server.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers: { cookie: session } });
        }
      },
      lazy: false,
      retryAttempts: 0,
    });
    const outcome = (query: string) => {
      let settle: (value: string) => void = () => undefined;
      const settled = new Promise<string>((resolve) => (settle = resolve));
      const stop = socket.subscribe(
        { query },
        {
          next: () => undefined,
          error: (errors) => settle(JSON.stringify(errors)),
          complete: () => settle('completed'),
        },
      );
      // a subscription the server kept is still open after a while
      setTimeout(() => settle('running'), 1500);
      return { settled, stop };
    };
    try {
      // deep selections: each would run again for every event
      const deep =
        'subscription { ticketEvents { ticket { grid { community { grids { community { grids { code } } } } } } } }';
      expect(await outcome(deep).settled).toContain('COST_LIMIT');
      // sent at once, as the attacker did: five are kept, the rest refused
      const sent = Array.from({ length: 8 }, () =>
        outcome('subscription { ticketEvents { type } }'),
      );
      const results = await Promise.all(sent.map((s) => s.settled));
      expect(results.filter((r) => r === 'running')).toHaveLength(5);
      expect(results.filter((r) => r.includes('SUBSCRIPTION_LIMIT'))).toHaveLength(3);
      // completing one frees its place
      sent.find((_, i) => results[i] === 'running')!.stop();
      await new Promise((r) => setTimeout(r, 300));
      expect(await outcome('subscription { ticketEvents { type } }').settled).toBe('running');
      const { auditLog } = await (
        await clientAs(server.url, 'admin')
      ).request<{ auditLog: { result: string }[] }>(
        '{ auditLog(last: 50, action: "subscription") { result } }',
      );
      const results2 = auditLog.map((l) => l.result);
      expect(results2).toContain('GRAPHQL_VALIDATION_FAILED COST_LIMIT');
      expect(results2.filter((r) => r === 'BAD_REQUEST SUBSCRIPTION_LIMIT')).toHaveLength(3);
    } finally {
      await socket.dispose();
    }
  });

  it.runIf(engineName() === 'postgres')(
    'reaches a subscriber on one API process from a mutation on another',
    async () => {
      const second = await server.another();
      const listening = await subscribe(server.url, { regionId: compound.community.id }, cookie);
      try {
        const { reportTicket } = await report(second, '跨进程订阅测试');
        await waitFor(() => listening.received.length > 0);
        expect(listening.received.map((m) => m.ticketEvents.ticket.code)).toEqual([
          reportTicket.ticket.code,
        ]);
      } finally {
        await listening.close();
        await second.stop();
      }
    },
  );
});
