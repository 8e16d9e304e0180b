import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { signIn } from '../support/auth';

// What one request may ask (a first part of the security issue, before accounts): each bomb is
// refused with a code and its reason before anything reaches the database.

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
});
