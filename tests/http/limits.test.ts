import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { clientAs, issueToken, signIn } from '../support/auth';

// What one request may ask (a first part of the security issue, before accounts): each bomb is
// refused with a code and its reason before anything reaches the database.

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe(`query limits over HTTP on ${engineName()}`, () => {
  let server: RunningServer;
  let cookie: string;
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = { errors: [{ message: text }] };
    }
    return { status: res.status, ...json };
  };
  const ticketCount = async () =>
    (
      (await post({ query: '{ tickets(first: 1) { totalCount } }' })).data as {
        tickets: { totalCount: number };
      }
    ).tickets.totalCount;

  beforeAll(async () => {
    server = await startServer();
    cookie = await signIn(server.url, 'command');
  });
  afterAll(() => server?.stop());

  it('answers a normal nested query', async () => {
    const r = await post({
      query:
        '{ compounds(first: 2) { nodes { code grids { code compounds(first: 1) { nodes { code } } } } } }',
    });
    expect(r.errors).toBeUndefined();
  });

  it('refuses a page of pages (cost), and answers the same data asked in smaller pages', async () => {
    const before = await ticketCount();
    const wide = await post({
      query:
        '{ compounds(first: 500) { nodes { code buildings(first: 500) { nodes { number } } } } }',
    });
    expect(wide.status).toBe(400);
    expect(wide.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'COST_LIMIT',
      limit: 100_000,
    });
    // a page size from a variable counts as asked: candidates ranked for 100 tickets at once
    const ranked = await post({
      query: 'query($n: Int) { tickets(first: $n) { nodes { code matches(first: 3) { score } } } }',
      variables: { n: 100 },
    });
    expect(ranked.status).toBe(400);
    expect(ranked.errors?.[0]?.extensions).toMatchObject({ reason: 'COST_LIMIT' });
    const narrow = await post({
      query:
        '{ compounds(first: 20) { nodes { code buildings(first: 50) { nodes { number } } } } }',
    });
    expect(narrow.errors).toBeUndefined();
    expect(await ticketCount()).toBe(before);
  });

  it('refuses a depth bomb', async () => {
    let inner = 'code';
    for (let i = 0; i < 8; i++) inner = `grids { compounds(first: 1) { nodes { ${inner} } } }`;
    const r = await post({ query: `{ compounds(first: 1) { nodes { ${inner} } } }` });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'DEPTH_LIMIT',
      limit: 12,
    });
    expect(r.data).toBeUndefined();
  });

  it("answers GraphiQL's introspection query (15 deep in type references) for a session", async () => {
    const r = await post({ query: getIntrospectionQuery({ descriptions: true }) });
    expect(r.errors).toBeUndefined();
    expect(r.status).toBe(200);
    expect((r.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(
      50,
    );
  });

  it('refuses an alias bomb and a directive bomb', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: categories { code }`).join(' ');
    expect((await post({ query: `{ ${aliases} }` })).errors?.[0]?.extensions).toMatchObject({
      reason: 'ALIAS_LIMIT',
    });
    // one directive on each of 100 repeats of a field (no alias, no duplicate directive)
    const directives = Array.from({ length: 100 }, () => 'code @include(if: true)').join(' ');
    expect(
      (await post({ query: `{ categories { ${directives} } }` })).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'DIRECTIVE_LIMIT' });
  });

  it('refuses a token bomb while parsing', async () => {
    const fields = Array.from({ length: 6000 }, () => 'code').join(' ');
    const r = await post({ query: `{ categories { ${fields} } }` });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(r.errors?.[0]?.message).toMatch(/5000 tokens/);
  });

  it('says which operation it could not find (400, OPERATION_RESOLUTION_FAILURE), not a 500', async () => {
    const cases: [unknown, RegExp][] = [
      [{ query: 'query A { __typename }', operationName: 'B' }, /Unknown operation named "B"/],
      [{ query: 'query A { __typename }', operationName: '' }, /Unknown operation named ""/],
      [{ query: 'query A { __typename } query B { __typename }' }, /Must provide operation name/],
      [
        { query: '{ compounds(first: 1) { nodes { code } } }', operationName: 'Other' },
        /Unknown operation named "Other"/,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
      expect(r.errors?.[0]?.message).toMatch(message);
    }
    // the same document named rightly answers
    const named = await post({
      query: 'query A { __typename } query B { __typename }',
      operationName: 'B',
    });
    expect(named).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  });

  it('refuses batched requests, mutations over GET and CSRF-style simple posts, changing nothing', async () => {
    const before = await ticketCount();
    const report = {
      query: `mutation { reportTicket(input: { compoundCode: "x", reporterName: "a", reporterPhone: "13800000000", description: "d", idempotencyKey: "limits-batch-1" }) { created } }`,
    };
    const batch = await post([report, report]);
    expect(batch.status).toBe(400);
    expect(batch.errors?.[0]?.message).toMatch(/batch/i);

    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent(report.query)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(405);

    // A form on another site can post text/plain without a preflight: refused.
    const simple = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(report),
    });
    expect(simple.status).toBe(400);
    expect(await ticketCount()).toBe(before);
  });

  // Issue 12 (availability): each way one caller could hold the server for seconds is refused
  // or bounded before it runs, and nothing changes.
  describe('availability', () => {
    // the attacker's query, 12 levels deep: grids and their community, back and forth
    const nested = (levels: number) => {
      let inner = 'grids { code }';
      for (let i = 0; i < levels; i++) inner = `grids { community { ${inner} } }`;
      return `{ regions(first: 30, level: COMMUNITY) { nodes { ${inner} } } }`;
    };
    const audit = async (action: string) =>
      (
        await (
          await clientAs(server.url, 'admin')
        ).request<{ auditLog: { action: string; result: string }[] }>(
          'query($action: String) { auditLog(last: 20, action: $action) { action result } }',
          { action },
        )
      ).auditLog;

    it('refuses a bomb of plain lists (grids under communities under grids) by its cost, for a session and a token, audited for the token', async () => {
      const grid = await signIn(server.url, 'grid');
      const bomb = await post({ query: nested(4) }, { cookie: grid });
      expect(bomb.status).toBe(400);
      expect(bomb.errors?.[0]?.extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'COST_LIMIT',
      });
      expect(bomb.data).toBeUndefined();
      const token = await issueToken(server.url, { username: 'grid', scopes: ['read:places'] });
      const byToken = await post(
        { query: nested(4) },
        { cookie: '', authorization: `Bearer ${token}` },
      );
      expect(byToken.errors?.[0]?.extensions).toMatchObject({ reason: 'COST_LIMIT' });
      expect((await audit('query regions')).map((e) => e.result)).toContain(
        'GRAPHQL_VALIDATION_FAILED COST_LIMIT',
      );
      // one level of the same lists is an ordinary question
      expect((await post({ query: nested(0) }, { cookie: grid })).errors).toBeUndefined();
    });

    it('counts nodes(ids:) by its ids and takes at most 100', async () => {
      const ids = Array.from({ length: 12_000 }, (_, i) => `fake${i}`);
      const many = await post({
        query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
        variables: { ids },
      });
      expect(many.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'ids',
        reason: 'TOO_MANY',
      });
      const costly = await post({
        query:
          'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Ticket { matches(first: 3) { score } } } }',
        variables: { ids: ids.slice(0, 100) },
      });
      expect(costly.errors?.[0]?.extensions).toMatchObject({ reason: 'COST_LIMIT' });
    });

    it('refuses a within polygon of more than 2,000 vertices', async () => {
      const ring = Array.from({ length: 9_000 }, (_, i) => {
        const a = (2 * Math.PI * i) / 9_000;
        // 5 decimals (1 m): the body stays under its 256 kB limit, as the attacker's did
        return [118.99 + 0.01 * Math.cos(a), 32.69 + 0.01 * Math.sin(a)].map(
          (c) => Math.round(c * 1e5) / 1e5,
        );
      });
      ring.push(ring[0]!);
      const r = await post({
        query: 'query($p: GeoJSON) { compounds(filter: { within: $p }) { totalCount } }',
        variables: { p: { type: 'Polygon', coordinates: [ring] } },
      });
      expect(r.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'filter.within',
        reason: 'TOO_MANY_VERTICES',
      });
      expect(r.errors?.[0]?.message).toMatch(/2000/);
    });

    it('stops a request at its time budget with 503 TIMEOUT, changing nothing, audited', async () => {
      // a budget of 1 ms: the first statement spends it, every later one is refused
      const before = await startServer();
      const token = await issueToken(before.url, { username: 'command', scopes: ['read:places'] });
      const tight = await before.restart({ YITU_TIME_BUDGET_MS: '1' });
      const asked = fetch(`${tight.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query:
            '{ compounds(first: 5) { nodes { code grids { code } buildings { totalCount } } } }',
        }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as GraphQLBody }));
      await asked.catch(() => undefined);
      // the audit is read with the usual budget
      const after = await tight.restart({ YITU_TIME_BUDGET_MS: '5000' });
      try {
        const { status, body } = await asked;
        expect(status).toBe(503);
        expect(body.errors?.[0]?.extensions).toEqual({
          code: 'TIMEOUT',
          reason: 'TIME_BUDGET',
          limit: 1,
        });
        const admin = await clientAs(after.url, 'admin');
        const lines = await admin.request<{ auditLog: { result: string }[] }>(
          '{ auditLog(last: 20, action: "query compounds") { result } }',
        );
        expect(lines.auditLog.map((l) => l.result)).toContain('TIMEOUT TIME_BUDGET');
      } finally {
        await after.stop();
      }
    }, 240_000);
  });
});
