import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import { engineName } from '../support/db';
import { issueToken } from '../support/auth';
import { startServer, type RunningServer } from '../support/server';
import {
  anonymous,
  bearer,
  firstError,
  gql,
  ok,
  raw,
  sessionOf,
  type Caller,
} from '../support/security';

// Nothing escapes the audit log (issue 12): text PostgreSQL cannot store is refused before
// anything runs, ids past any key are NOT_FOUND, a change and its audit line commit together,
// the line names what really ran, refused and third-party requests are all there, a line is
// bounded, and internals (SQL, stack traces) never reach a caller.

/** Reasons and descriptions of exactly this length make the fixture's trigger refuse the OK line. */
const FAILING_LENGTH = 77;
const RESIDENT = { reporterName: '周八', reporterPhone: '13900004444' };

interface Line {
  seq: number;
  actor: string;
  action: string;
  target: string | null;
  result: string;
  details: string | null;
}

const TICKET = `query($id: ID!) { node(id: $id) { ... on Ticket { status version events(first: 50) { totalCount } } } }`;
const ACT = `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { id status version } }`;
const REPORT = `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { created followToken ticket { id } } }`;

describe(`the audit log misses nothing, on ${engineName()}`, () => {
  let server: RunningServer;
  let url: string;
  let admin: Caller;
  let community: Caller;
  let compoundCode: string;
  let keys = 0;
  const key = () => `audit-${Date.now()}-${++keys}`;

  /** The log's newest lines, newest first. */
  const lines = async (filter: { actor?: string; action?: string } = {}, last = 50) =>
    (
      await ok<{ auditLog: Line[] }>(
        url,
        admin,
        'query($last: Int!, $actor: String, $action: String) { auditLog(last: $last, actor: $actor, action: $action) { seq actor action target result details } }',
        { last, ...filter },
      )
    ).auditLog;
  const lastSeq = async () => (await lines({}, 1))[0]!.seq;
  const since = async (seq: number) => (await lines({}, 200)).filter((l) => l.seq > seq);

  const ticketState = async (id: string) =>
    (
      await ok<{
        node: { status: string; version: number; events: { totalCount: number } };
      }>(url, admin, TICKET, { id })
    ).node;

  /** A fresh REPORTED ticket in the community account's jurisdiction. */
  const reported = async () =>
    (
      await ok<{ reportTicket: { followToken: string; ticket: { id: string } } }>(
        url,
        anonymous,
        REPORT,
        { input: { ...RESIDENT, compoundCode, description: '楼道灯坏了', idempotencyKey: key() } },
      )
    ).reportTicket;

  beforeAll(async () => {
    // An audit line that cannot be written: the trigger refuses an OK line about a text of
    // FAILING_LENGTH characters (the log keeps only the length of free text).
    server = await startServer({}, async (database) => {
      await database.rows(
        sql.raw(`
        CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.result = 'OK' AND NEW.details::text LIKE '%[${FAILING_LENGTH} characters]%' THEN
            RAISE EXCEPTION 'test trigger refused the audit line';
          END IF;
          RETURN NEW;
        END $$`),
      );
      await database.rows(
        sql.raw(`
        CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
          FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();`),
      );
    });
    url = server.url;
    admin = await sessionOf(url, 'admin');
    community = await sessionOf(url, 'community');
    const { viewer } = await ok<{ viewer: { jurisdictionId: string } }>(
      url,
      community,
      '{ viewer { jurisdictionId } }',
    );
    const own = await ok<{ node: { compounds: { nodes: { code: string }[] } } }>(
      url,
      community,
      'query($id: ID!) { node(id: $id) { ... on Region { compounds(first: 1) { nodes { code } } } } }',
      { id: viewer.jurisdictionId },
    );
    compoundCode = own.node.compounds.nodes[0]!.code;
  });
  afterAll(() => server?.stop());

  describe('given text PostgreSQL cannot store', () => {
    it('when a mutation carries U+0000 in an undeclared variable, then BAD_USER_INPUT, the ticket unchanged, and one audit line', async () => {
      const { ticket } = await reported();
      const before = await ticketState(ticket.id);
      const seq = await lastSeq();
      const r = await gql(url, community, ACT, {
        input: { ticketId: ticket.id, expectedVersion: before.version, action: 'ACCEPT' },
        pad: '\u0000',
      });
      expect(r.status).toBe(400);
      expect(firstError(r)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'pad',
        reason: 'INVALID_TEXT',
      });
      expect(await ticketState(ticket.id)).toEqual(before);
      const written = await since(seq);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        actor: 'account:community',
        action: 'mutation actOnTicket',
        result: 'BAD_USER_INPUT INVALID_TEXT',
      });
    });

    it('when U+0000 or a lone surrogate is in any text argument, then BAD_USER_INPUT naming it, nothing done, each refusal audited', async () => {
      const { ticket, followToken } = await reported();
      const before = await ticketState(ticket.id);
      const reportKey = key();
      const cases: [Caller, string, Record<string, unknown>, string][] = [
        [
          anonymous,
          'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { expiresAt } }',
          { u: 'community\u0000', p: 'x' },
          'u',
        ],
        [anonymous, 'query($c: String!) { qrCompound(code: $c) { name } }', { c: '\u0000' }, 'c'],
        [
          anonymous,
          REPORT,
          {
            input: {
              ...RESIDENT,
              compoundCode,
              description: 'lamp\u0000',
              idempotencyKey: reportKey,
            },
          },
          'input.description',
        ],
        [
          anonymous,
          REPORT,
          {
            input: {
              ...RESIDENT,
              compoundCode,
              description: 'lamp\ud800',
              idempotencyKey: reportKey,
            },
          },
          'input.description',
        ],
        [
          anonymous,
          `mutation { rateTicket(token: "${followToken}", rating: 5, comment: "ok\\u0000") { id } }`,
          {},
          'comment',
        ],
        [anonymous, 'query($t: String!) { followTicket(token: $t) { id } }', { t: '\u0000' }, 't'],
        [
          community,
          'query($t: String!) { suggestCategory(text: $t) { confidence } }',
          { t: 'x\udc00y' },
          't',
        ],
        [
          community,
          ACT,
          {
            input: {
              ticketId: ticket.id,
              expectedVersion: before.version,
              action: 'ACCEPT',
              reason: 'ok\u0000',
            },
          },
          'input.reason',
        ],
        [
          community,
          `mutation($v: Int!) { actOnTicket(input: { ticketId: "${ticket.id}", expectedVersion: $v, action: ACCEPT, reason: "a\\u0000" }) { id } }`,
          { v: before.version },
          'input.reason',
        ],
      ];
      const seq = await lastSeq();
      for (const [caller, query, variables, field] of cases) {
        const r = await gql(url, caller, query, variables);
        expect(firstError(r), query).toMatchObject({
          code: 'BAD_USER_INPUT',
          field,
          reason: 'INVALID_TEXT',
        });
      }
      expect(await ticketState(ticket.id)).toEqual(before);
      // the refused report was not filed: its key is still free
      const retried = await ok<{ reportTicket: { created: boolean } }>(url, anonymous, REPORT, {
        input: { ...RESIDENT, compoundCode, description: 'lamp', idempotencyKey: reportKey },
      });
      expect(retried.reportTicket.created).toBe(true);
      const refusals = (await since(seq)).filter((l) => l.result === 'BAD_USER_INPUT INVALID_TEXT');
      expect(refusals).toHaveLength(cases.length);
      // what was refused is kept, its invalid characters replaced
      expect(refusals.map((l) => l.details).join()).toContain('\ufffd');
    });
  });

  describe('given ids and cursors past any key', () => {
    const huge = (type: string, key = '999999999999999') =>
      Buffer.from(`${type}:${key}`).toString('base64url');

    it('when they are asked for or acted on, then NOT_FOUND or BAD_USER_INPUT, never an internal error, and the refused mutation is audited', async () => {
      const seq = await lastSeq();
      expect(
        firstError(
          await gql(url, community, 'query($id: ID!) { node(id: $id) { id } }', {
            id: huge('Ticket'),
          }),
        ),
      ).toMatchObject({ code: 'NOT_FOUND' });
      expect(
        (
          await ok<{ nodes: unknown[] }>(
            url,
            community,
            'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
            {
              ids: [huge('Ticket'), huge('Compound', '4294967296')],
            },
          )
        ).nodes,
      ).toEqual([null, null]);
      expect(
        firstError(
          await gql(url, community, ACT, {
            input: { ticketId: huge('Ticket'), expectedVersion: 1, action: 'ACCEPT' },
          }),
        ),
      ).toMatchObject({ code: 'NOT_FOUND' });
      expect(
        firstError(
          await gql(url, community, 'query($id: ID!) { matchResources(ticketId: $id) { score } }', {
            id: huge('Ticket'),
          }),
        ).code,
      ).toMatch(/^(NOT_FOUND|BAD_USER_INPUT)$/);
      const cursor = Buffer.from('cursor:99999999999999').toString('base64url');
      expect(
        firstError(
          await gql(
            url,
            community,
            'query($after: String) { tickets(first: 1, after: $after) { totalCount } }',
            {
              after: cursor,
            },
          ),
        ),
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', reason: 'INVALID_CURSOR' });
      const written = await since(seq);
      expect(written.map((l) => [l.action, l.result])).toContainEqual([
        'mutation actOnTicket',
        'NOT_FOUND',
      ]);
    });
  });

  describe('given a change whose audit line cannot be written', () => {
    it('when staff act on a ticket, then nothing changes, the failure is audited, and no SQL or stack trace is answered', async () => {
      const { ticket } = await reported();
      const before = await ticketState(ticket.id);
      const seq = await lastSeq();
      const r = await gql(url, community, ACT, {
        input: {
          ticketId: ticket.id,
          expectedVersion: before.version,
          action: 'ACCEPT',
          reason: 'x'.repeat(FAILING_LENGTH),
        },
      });
      expect(firstError(r)).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error',
      });
      expect(r.text).not.toMatch(/stacktrace|INSERT|audit_log|params|trigger|at .*\.ts/i);
      expect(await ticketState(ticket.id)).toEqual(before);
      const written = await since(seq);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        actor: 'account:community',
        action: 'mutation actOnTicket',
        target: ticket.id,
        result: 'INTERNAL_SERVER_ERROR',
      });
    });

    it('when an anonymous resident reports, then no ticket is filed and the answer holds no internals (development mode)', async () => {
      const reportKey = key();
      const input = { ...RESIDENT, compoundCode, idempotencyKey: reportKey };
      const r = await gql(url, anonymous, REPORT, {
        input: { ...input, description: 'y'.repeat(FAILING_LENGTH) },
      });
      expect(firstError(r)).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      expect(r.text).not.toMatch(/stacktrace|INSERT|audit_log|params|trigger|at .*\.ts/i);
      // the first report was rolled back with its line: the same key files a new one
      const again = await ok<{ reportTicket: { created: boolean } }>(url, anonymous, REPORT, {
        input: { ...input, description: 'y'.repeat(FAILING_LENGTH + 1) },
      });
      expect(again.reportTicket.created).toBe(true);
    });
  });

  describe('given what really ran', () => {
    it('when a mutation hides in a fragment of an operation named signIn, then the line names actOnTicket and its ticket', async () => {
      const { ticket } = await reported();
      const before = await ticketState(ticket.id);
      const seq = await lastSeq();
      const r = await gql(
        url,
        community,
        `mutation signIn($input: TicketActionInput!) { ...F }
         fragment F on Mutation { actOnTicket(input: $input) { id } }`,
        { input: { ticketId: ticket.id, expectedVersion: before.version, action: 'ACCEPT' } },
      );
      expect(r.errors).toBeUndefined();
      const written = await since(seq);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        action: 'mutation actOnTicket',
        target: ticket.id,
        result: 'OK',
      });
      expect(written.map((l) => l.target)).not.toContain('signIn');
    });

    it('when two mutations run in one request, then each has its own line with its ticket', async () => {
      const [a, b] = [await reported(), await reported()];
      const seq = await lastSeq();
      const r = await gql(
        url,
        community,
        `mutation($a: TicketActionInput!, $b: TicketActionInput!) {
           first: actOnTicket(input: $a) { id } second: actOnTicket(input: $b) { id } }`,
        {
          a: { ticketId: a.ticket.id, expectedVersion: 1, action: 'ACCEPT' },
          b: { ticketId: b.ticket.id, expectedVersion: 999, action: 'ACCEPT' },
        },
      );
      expect(firstError(r)).toMatchObject({ code: 'CONFLICT' });
      const written = await since(seq);
      expect(written.map((l) => [l.target, l.result]).reverse()).toEqual([
        [a.ticket.id, 'OK'],
        [b.ticket.id, 'CONFLICT'],
      ]);
    });

    it('when a request carries 3,000 undeclared variables, then its line keeps at most 3,000 characters', async () => {
      const pad = Object.fromEntries(
        Array.from({ length: 3000 }, (_, i) => [`v${i}`, 'x'.repeat(60)]),
      );
      const seq = await lastSeq();
      // a mutation refused before it ran, and a token's query
      await gql(url, community, ACT, pad);
      const token = await issueToken(url, { username: 'command', scopes: ['read:places'] });
      await gql(url, bearer(token), '{ compounds(first: 1) { totalCount } }', pad);
      const written = (await since(seq)).filter((l) => l.details !== null);
      expect(written.length).toBeGreaterThanOrEqual(2);
      for (const line of written)
        expect(line.details!.length, line.action).toBeLessThanOrEqual(3000);
    });
  });

  describe('given API tokens', () => {
    it('when a token is invalid (401) or over its rate (429), then each refusal is audited', async () => {
      const seq = await lastSeq();
      const invalid = await gql(
        url,
        bearer('yt_never-issued-0000000000000'),
        '{ viewer { role } }',
      );
      expect(invalid.status).toBe(401);
      const token = await issueToken(url, {
        username: 'command',
        scopes: ['read:places'],
        ratePerMinute: 1,
      });
      await gql(url, bearer(token), '{ compounds(first: 1) { totalCount } }');
      const limited = await gql(url, bearer(token), '{ compounds(first: 1) { totalCount } }');
      expect(limited.status).toBe(429);
      const written = (await since(seq)).map((l) => [l.actor, l.action, l.result]);
      expect(written).toContainEqual([
        'anonymous',
        'token request',
        'UNAUTHENTICATED TOKEN_INVALID',
      ]);
      expect(written).toContainEqual([
        'token:test token read:places',
        'token request',
        'RATE_LIMITED TOKEN_RATE',
      ]);
    });

    it('when a token subscribes, then the subscription is audited with its result', async () => {
      const token = await issueToken(url, { username: 'command', scopes: ['read:tickets'] });
      const seq = await lastSeq();
      const client = createClient({
        url: url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
      });
      const stop = client.subscribe(
        { query: 'subscription { ticketEvents { type } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      for (let waited = 0; waited < 5000; waited += 100) {
        if ((await since(seq)).some((l) => l.action.startsWith('subscription'))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      stop();
      await client.dispose();
      expect((await since(seq)).map((l) => [l.actor, l.action, l.result])).toContainEqual([
        'token:test token read:tickets',
        'subscription ticketEvents',
        'OK',
      ]);
    });

    it('when a token downloads a ticket photo, then the download is audited', async () => {
      const form = new FormData();
      form.append(
        'photo',
        new Blob(
          [
            Buffer.from(
              'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVR4nGN4amn61NKUAUIBACfiBU3O306nAAAAAElFTkSuQmCC',
              'base64',
            ),
          ],
          { type: 'image/png' },
        ),
        'photo.png',
      );
      const upload = (await (
        await fetch(`${url}/uploads/photos`, { method: 'POST', body: form })
      ).json()) as { key: string };
      const { reportTicket } = await ok<{ reportTicket: { ticket: { id: string } } }>(
        url,
        anonymous,
        REPORT,
        {
          input: {
            ...RESIDENT,
            compoundCode,
            description: 'photo',
            idempotencyKey: key(),
            photoKeys: [upload.key],
          },
        },
      );
      const token = await issueToken(url, { username: 'command', scopes: ['read:tickets'] });
      const seq = await lastSeq();
      const photo = await raw(url, {
        method: 'GET',
        path: `/photos/${upload.key}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(photo.status).toBe(200);
      expect((await since(seq)).map((l) => [l.actor, l.action, l.target, l.result])).toEqual([
        ['token:test token read:tickets', 'GET /photos', reportTicket.ticket.id, 'OK'],
      ]);
    });
  });
});
