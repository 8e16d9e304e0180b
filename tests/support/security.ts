import { sql } from 'drizzle-orm';
import type { Database } from '@yitu/api/testing';
import { signIn } from './auth';
import { insertFixture } from './fixture';

// Helpers for the security suites (tests/http/security.test.ts, graphql-cop.test.ts): raw HTTP
// posts that keep the status and headers, a fixture that gives every demo account tickets of its
// own, and the attacker's strings.

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown> & { code?: string; reason?: string };
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: GqlError[];
  extensions?: Record<string, unknown>;
  text: string;
  ms: number;
}

/** Sends one request to /graphql and keeps everything an attacker would see. */
export async function raw<T = Record<string, unknown>>(
  baseUrl: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer<T>> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}${init.path ?? '/graphql'}`, {
    method: init.method ?? 'POST',
    headers: init.headers,
    body: init.body,
  });
  const text = await res.text();
  let json: { data?: T | null; errors?: GqlError[]; extensions?: Record<string, unknown> } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // not JSON: the caller looks at status and text
  }
  return { status: res.status, headers: res.headers, text, ms: Date.now() - started, ...json };
}

export interface Caller {
  /** Extra headers: a session cookie or an Authorization header; none for anonymous. */
  headers: Record<string, string>;
  name: string;
}

export const anonymous: Caller = { headers: {}, name: 'anonymous' };

export async function sessionOf(baseUrl: string, username: string): Promise<Caller> {
  return { headers: { cookie: await signIn(baseUrl, username) }, name: username };
}

export const bearer = (token: string, name = 'token'): Caller => ({
  headers: { authorization: `Bearer ${token}` },
  name,
});

/** A JSON POST of one operation as `caller`. */
export const gql = <T = Record<string, unknown>>(
  baseUrl: string,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
) =>
  raw<T>(baseUrl, {
    headers: { 'content-type': 'application/json', ...caller.headers },
    body: JSON.stringify({ query, variables }),
  });

/** Like gql, but the operation must succeed: returns data, throws with the errors otherwise. */
export async function ok<T = Record<string, unknown>>(
  baseUrl: string,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const r = await gql<T>(baseUrl, caller, query, variables);
  if (r.errors?.length || !r.data)
    throw new Error(`${caller.name}: ${query.slice(0, 80)} failed (${r.status}): ${r.text}`);
  return r.data;
}

/** The first error's extensions of a request that must fail with a GraphQL error. */
export function firstError(r: Answer<unknown>): Record<string, unknown> {
  const error = r.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${r.status}: ${r.text.slice(0, 300)}`);
  return { ...error.extensions, message: error.message };
}

/** What SQL injection and stored XSS usually try, in every text argument. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE tickets; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(5)',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
] as const;

/** Codes a refused hostile input may carry; anything else (INTERNAL_SERVER_ERROR, none) fails. */
export const CODED_REFUSALS = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_TRANSITION',
  'CONFLICT',
] as const;

/** Compound code of the compound the fixture puts inside the grid account's grid. */
export const GRID_COMPOUND = 'SEC-G1';

/**
 * The FX fixture (a second district, outside the demo accounts' jurisdictions, worked by
 * fx-command) plus a small compound inside the grid account's own grid: the demo city has no
 * compound in 东园第1网格, so without it the grid worker could never hold a ticket.
 */
export async function securityFixture(database: Database): Promise<void> {
  await insertFixture(database);
  const inserted = await database.rows<{ id: number }>(sql`
    INSERT INTO compounds (code, name, community_id, boundary, households)
    SELECT ${GRID_COMPOUND}, '安全测试小区', g.community_id,
      ST_Buffer(ST_PointOnSurface(g.boundary)::geography, 25)::geometry, 10
    FROM accounts a JOIN grids g ON g.id = a.grid_id WHERE a.username = 'grid'
    RETURNING id`);
  if (inserted.length !== 1) throw new Error('the grid account has no grid');
}
