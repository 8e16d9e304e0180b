import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startApp, type Database } from '@yitu/api/testing';
import { issueToken, signIn } from '../support/auth';
import { engineName, testDb } from '../support/db';

// The reads of places answered by one statement written by PostgreSQL (http/sql-answers.ts,
// graphql/sql-answer.ts) must answer byte for byte what the general path (Apollo and the
// resolvers) answers. Two copies of the product on one database, one with the SQL answers off
// (YITU_SQL_ANSWERS=false): every request goes to both and the answers are compared whole:
// status, content type and body. The one with them on records the statements it sends, which
// shows which requests were answered in SQL and which it left to the general path.

interface Answer {
  status: number;
  type: string | null;
  encoding: string | null;
  body: string;
}

interface Running {
  url: string;
  cookie: string;
  stop(): Promise<void>;
}

let fast: Running;
let general: Running;
const statements: string[] = [];

async function running(database: Database, sqlAnswers: boolean): Promise<Running> {
  const app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      YITU_SQL_ANSWERS: String(sqlAnswers),
    }),
    database,
  );
  const cookie = await signIn(app.url, 'command');
  return { url: app.url, cookie, stop: () => app.stop() };
}

async function post(
  to: Running,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${to.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: to.cookie, ...headers },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    encoding: response.headers.get('content-encoding'),
    // decompressed by fetch (which asks for gzip, deflate and br)
    body: await response.text(),
  };
}

/** The same request to both; `inSql`: whether the first answered it with its own statement. */
async function ask(query: string, variables?: object, headers?: Record<string, string>) {
  return askRaw(JSON.stringify(variables ? { query, variables } : { query }), headers);
}

async function askRaw(body: string | Buffer, headers?: Record<string, string>) {
  const before = statements.length;
  const answer = await post(fast, body, headers);
  const sent = statements.slice(before);
  const inSql = sent.some((s) => s.startsWith(`SELECT '{"data":'`));
  const expected = await post(general, body, headers);
  return { answer, expected, inSql, prepared: sent.length };
}

describe(`answers written in SQL on ${engineName()}`, () => {
  beforeAll(async () => {
    const database = await testDb();
    const recording: Database = {
      ...database,
      preparedText: (text, params) => {
        statements.push(text);
        return database.preparedText(text, params);
      },
    };
    fast = await running(recording, true);
    general = await running(database, false);
    // the first request of a session is the general path's: it remembers the session
    await post(fast, JSON.stringify({ query: '{ viewer { role } }' }));
  });
  afterAll(async () => {
    await fast?.stop();
    await general?.stop();
  });

  const sameAnswers: [string, string, object?][] = [
    ['one grid at a point', '{ gridAt(lon: 119.0, lat: 32.68) { id code name boundary } }'],
    [
      'a viewport with figures',
      `query($b: BBoxInput!) { compounds(filter: { bbox: $b }, first: 500) {
        totalCount nodes { id code name boundary(precision: 6) stats { openTickets } } } }`,
      { b: { west: 118.99, south: 32.67, east: 119.02, north: 32.7 } },
    ],
    [
      'compounds with their community, its street and the property company',
      `{ compounds(first: 200) { nodes { code name community { code name parent { code name } }
        propertyCompany { name hasPartyBranch phone } } } }`,
    ],
    [
      'every column, edges, cursors and the page',
      `{ compounds(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
        id code name retiredAt yearBuilt tags synthetic households version boundary(precision: 3)
        stats { openTickets overdueTickets totalTickets closedTickets suspendedTickets resolutionRate
          onTimeRate satisfactionRate returnVisits returnVisitSatisfactionRate reworkRate
          meanResponseHours meanResolutionHours } } } } }`,
    ],
    [
      'the next page, after a cursor',
      `query($after: String!) { compounds(first: 4, after: $after) { pageInfo { hasNextPage endCursor }
        nodes { code } } }`,
      { after: Buffer.from('cursor:7').toString('base64url') },
    ],
    [
      'aliases, fragments, __typename and a field asked twice',
      `query Q { __typename a: regions(level: STREET, first: 2) { __typename
        edges { __typename cursor n: node { ...R } } pageInfo { __typename endCursor } } }
        fragment R on Region { id ... on Node { id } x: name name stats { __typename t: totalTickets
          rr: resolutionRate } parent { parent { code } } level synthetic }`,
    ],
    [
      'micro-grids, simplified shapes, no grid at a point, a compound at one',
      `{ grids(micro: true, first: 3) { totalCount nodes { code micro kinds retiredAt version
          parent { code community { name } } boundary(simplifyMeters: 5, precision: 7) } }
        none: gridAt(lon: 0, lat: 0) { code } micro: gridAt(lon: 119.0, lat: 32.68, micro: true) { code micro }
        compoundAt(lon: 119.0, lat: 32.68) { code name community { code } } }`,
    ],
    [
      'filters: search, region, near, a polygon, retired',
      `query($region: ID!) { a: compounds(filter: { search: "花园", regionId: $region }, first: 5) {
          totalCount nodes { code } }
        b: grids(filter: { near: { lon: 119.0, lat: 32.68, radiusMeters: 800 } }, first: 50) { totalCount nodes { code } }
        c: compounds(filter: { within: { type: "Polygon", coordinates: [[[118.98, 32.66], [119.03, 32.66],
          [119.03, 32.71], [118.98, 32.66]]] } }, first: 50) { totalCount nodes { code } }
        d: compounds(filter: { retired: true }, first: 5) { totalCount nodes { code retiredAt } }
        e: regions(filter: { regionId: $region }, first: 50) { nodes { code stats { openTickets } } } }`,
      { region: Buffer.from('Region:1').toString('base64url') },
    ],
    [
      'an empty page',
      '{ compounds(filter: { search: "没有这个小区" }, first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } nodes { code } } }',
    ],
  ];

  for (const [name, query, variables] of sameAnswers)
    it(`answers ${name} in SQL, as the general path does`, async () => {
      const { answer, expected, inSql, prepared } = await ask(query, variables);
      expect(expected.status).toBe(200);
      expect(JSON.parse(expected.body).errors).toBeUndefined();
      expect(inSql).toBe(true);
      expect(prepared).toBe(1); // however many rows, roots and levels: one statement
      expect(answer).toEqual(expected);
    });

  const leftToTheGeneralPath: [string, string, object?][] = [
    // refused (the command centre may not write places): no change on either
    ['a mutation', 'mutation { discardImport(importId: "RGF0YUltcG9ydDox") { create } }'],
    ['tickets', '{ tickets(first: 2) { nodes { code } } }'],
    [
      'a field not described (buildings)',
      '{ compounds(first: 2) { nodes { code buildings { totalCount } } } }',
    ],
    [
      'personal data, audited',
      '{ compounds(first: 1) { nodes { code vulnerableHouseholds { unit } } } }',
    ],
    [
      'GCJ-02 shapes, converted in JavaScript',
      '{ compounds(first: 2) { nodes { boundary(crs: GCJ02) } } }',
    ],
    [
      'a directive',
      'query($s: Boolean!) { compounds(first: 2) { nodes { code @skip(if: $s) } } }',
      { s: true },
    ],
    ['a page too large (refused)', '{ compounds(first: 501) { totalCount } }'],
    [
      'a precision out of range (refused)',
      '{ compounds(first: 2) { nodes { boundary(precision: 12) } } }',
    ],
    ['a point off the earth (refused)', '{ gridAt(lon: 200, lat: 32) { code } }'],
    [
      'a cursor not from this API (refused)',
      '{ compounds(first: 2, after: "bm9wZQ") { totalCount } }',
    ],
    [
      'a variable of the wrong type (refused)',
      'query($n: Int!) { compounds(first: $n) { totalCount } }',
      { n: 'ten' },
    ],
    ['an unknown field (refused)', '{ compounds(first: 2) { nodes { nope } } }'],
    [
      'invalid text (refused)',
      'query($q: String!) { compounds(filter: { search: $q }, first: 2) { totalCount } }',
      { q: 'a\u0000b' },
    ],
    [
      'a query too costly (refused)',
      '{ regions(first: 500) { nodes { compounds(first: 500) { nodes { grids { code } } } } } }',
    ],
  ];

  for (const [name, query, variables] of leftToTheGeneralPath)
    it(`leaves ${name} to the general path, with the same answer`, async () => {
      const { answer, expected, inSql } = await ask(query, variables);
      expect(inSql).toBe(false);
      expect(answer).toEqual(expected);
    });

  it('leaves an API token’s requests to the general path (each one is audited)', async () => {
    const secret = await issueToken(general.url, { username: 'command', scopes: ['read:places'] });
    const query = JSON.stringify({ query: '{ gridAt(lon: 119.0, lat: 32.68) { code } }' });
    const before = statements.length;
    const answer = await post({ ...fast, cookie: '' }, query, {
      authorization: `Bearer ${secret}`,
    });
    expect(statements.slice(before).some((s) => s.startsWith(`SELECT '{"data":'`))).toBe(false);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.gridAt.code).toBeTruthy();
  });

  it('compresses a large answer as the general path does, and refuses a body that is not JSON', async () => {
    const query = '{ compounds(first: 200) { nodes { code name boundary } } }';
    const { answer, expected, inSql } = await ask(query, undefined, { 'accept-encoding': 'gzip' });
    expect(inSql).toBe(true);
    expect(answer.encoding).toBe('gzip');
    expect(answer).toEqual(expected);

    const broken = await post(fast, '{"query": "{ compounds');
    expect(broken).toEqual(await post(general, '{"query": "{ compounds'));
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  // What a red team found different (2026-12-01), each now the same on both
  describe('requests the general path reads in its own way', () => {
    const query = '{ compounds(first: 1) { totalCount } }';
    const cases: [string, Record<string, string>, (string | Buffer)?][] = [
      ['an answer in another media type', { accept: 'application/graphql-response+json' }],
      ['no media type Apollo answers in (406)', { accept: 'text/html' }],
      [
        'a gzip-compressed body',
        { 'content-encoding': 'gzip' },
        gzipSync(JSON.stringify({ query })),
      ],
      ['a body in an encoding no one reads', { 'content-encoding': 'compress' }],
      [
        'a body after a byte order mark',
        {},
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query }))]),
      ],
      ['an empty operation name', {}, JSON.stringify({ query, operationName: '' })],
    ];
    for (const [name, headers, body] of cases)
      it(`answers ${name} as the general path does`, async () => {
        const { answer, expected } = await askRaw(body ?? JSON.stringify({ query }), headers);
        expect(answer).toEqual(expected);
      });

    it('survives a session cookie that is not decodable (GraphQL and tiles)', async () => {
      const bad = { cookie: 'yitu_session=%E0%A4%A' };
      const answer = await post(fast, JSON.stringify({ query }), bad);
      expect(answer).toEqual(await post(general, JSON.stringify({ query }), bad));
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const tile = await fetch(`${fast.url}/tiles/compounds/14/13604/6620.mvt`, { headers: bad });
      expect(tile.status).toBe(401);
    });

    it('leaves a time JavaScript cannot hold to the general path', async () => {
      const database = await testDb();
      const [row] = await database.preparedText<{ pk: number }>(
        'SELECT max(id) AS pk FROM compounds WHERE retired_at IS NULL',
        [],
      );
      const asked =
        '{ compounds(filter: { retired: true }, first: 500) { nodes { code retiredAt } } }';
      try {
        for (const at of ['12345-01-01 00:00:00+00', '0050-01-01 00:00:00+00 BC', 'infinity']) {
          await database.preparedText('UPDATE compounds SET retired_at = $1 WHERE id = $2', [
            at,
            row!.pk,
          ]);
          // its statement fails (a cast that says why), and the general path answers
          const { answer, expected } = await ask(asked);
          expect(answer).toEqual(expected);
          expect(JSON.parse(answer.body).errors[0].path.at(-1)).toBe('retiredAt');
        }
      } finally {
        await database.preparedText('UPDATE compounds SET retired_at = NULL WHERE id = $1', [
          row!.pk,
        ]);
      }
    });

    it('answers a node asked under two names in edges, and figures asked for their type alone', async () => {
      const { answer, expected, inSql } = await ask(`{ compounds(first: 3) { edges {
        a: node { code community { name } } b: node { name propertyCompany { name } boundary }
        cursor } } regions(first: 2) { nodes { code stats { __typename } } } }`);
      expect(inSql).toBe(true);
      expect(answer).toEqual(expected);
    });
  });
});
