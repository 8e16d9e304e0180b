import { describe, expect, it, vi } from 'vitest';
import { isObjectType } from 'graphql';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from '../db';
import { createContext } from '../graphql/context';
import { toGlobalId } from '../graphql/ids';
import { buildYituSchema } from '../graphql/schema';
import { createCalendar } from '../modules/ticket/working-calendar';
import type { AuditEntry } from './audit';
import {
  authorize,
  mayReadTicket,
  mayReadWithoutObjects,
  ROOT_RULES,
  TYPE_RULES,
  type TicketPlace,
} from './policy';
import { ROLE_ACTIONS, ROLE_PERMISSIONS, tokenRights, type Role } from './roles';
import { anonymousViewer, type Jurisdiction, type Viewer } from './viewer';

// The policy refuses whatever has no rule; these checks keep the rules and the schema in step,
// so a new query or type cannot ship without a decision about who may see it.

describe('the authorization policy covers the whole schema', async () => {
  const schema = await buildYituSchema();
  const roots = ['Query', 'Mutation', 'Subscription'].flatMap((name) => {
    const type = schema.getType(name);
    return isObjectType(type) ? Object.keys(type.getFields()).map((f) => `${name}.${f}`) : [];
  });
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t) =>
      isObjectType(t) &&
      !t.name.startsWith('__') &&
      !['Query', 'Mutation', 'Subscription'].includes(t.name),
  );

  it('has a rule for every root field', () => {
    expect(roots.filter((f) => !ROOT_RULES[f])).toEqual([]);
  });

  it('has no rule for a root field that does not exist', () => {
    expect(Object.keys(ROOT_RULES).filter((f) => !roots.includes(f))).toEqual([]);
  });

  it('has a rule for every object type (connections and edges inherit)', () => {
    const missing = objectTypes
      .map((t) => t.name)
      .filter((name) => !TYPE_RULES[name] && !/(Connection|Edge)$/.test(name));
    expect(missing).toEqual([]);
  });

  it('keeps tickets, their events, dispatches and photos under the jurisdiction rule', () => {
    for (const name of ['Ticket', 'TicketEvent', 'TicketAssignment', 'Photo'])
      expect(TYPE_RULES[name]).toBe('ticket');
  });

  it('leaves public only what the resident pages, invitation links and 双报到 need', () => {
    const open = Object.entries(ROOT_RULES)
      .filter(([, rule]) => rule.need === 'public')
      .map(([field]) => field)
      .sort();
    expect(open).toEqual([
      'Mutation.acceptInvitation',
      'Mutation.followExistingTicket',
      'Mutation.rateTicket',
      'Mutation.registerPartyMember',
      'Mutation.reopenTicket',
      'Mutation.reportTicket',
      'Mutation.signIn',
      'Mutation.signOut',
      'Query.categories',
      'Query.followTicket',
      'Query.invitation',
      'Query.qrCompound',
      'Query.registrationCommunity',
      'Query.reportAdvice',
      'Query.viewer',
    ]);
  });
});

// The decisions that once lived in resolvers, the subscription and the photo route. Each case
// runs the policy's own middleware (or mayReadTicket) the way the API does, over a database
// that answers only the grid-worker lookup; the audit lines are those the guard is asked for.

const NOW = new Date('2026-03-02T10:00:00+08:00');
const HOUR = 3600_000;

function staff(role: Role, where: Partial<Jurisdiction>, over: Partial<Viewer> = {}): Viewer {
  return {
    ...anonymousViewer(),
    via: 'session',
    account: {
      pk: 1,
      username: role.toLowerCase(),
      displayName: role,
      role,
      regionPk: null,
      gridPk: null,
    },
    expiresAt: new Date(NOW.getTime() + HOUR),
    permissions: new Set(ROLE_PERMISSIONS[role]),
    actions: new Set(ROLE_ACTIONS[role]),
    introspection: true,
    jurisdiction: {
      all: false,
      communityPks: [],
      gridPks: [],
      departmentOnly: role === 'DEPARTMENT',
      ...where,
    },
    ...over,
  };
}

const gridWorker = staff('GRID_WORKER', { gridPks: [70, 71] });
const community7 = staff('COMMUNITY_STAFF', { communityPks: [7] });
const community8 = staff('COMMUNITY_STAFF', { communityPks: [8] });
const street = staff('STREET_STAFF', { communityPks: [7, 8] });
const department = staff('DEPARTMENT', { all: true });
const resident = anonymousViewer();

// grid workers by code: W70 works grid 70 (community 7), W80 grid 80 (community 8)
const WORKERS: Record<string, { pk: number; communityPk: number }> = {
  W70: { pk: 70, communityPk: 7 },
  W80: { pk: 80, communityPk: 8 },
};
const dialect = new PgDialect();
const fakeDatabase: Database = {
  db: undefined as never,
  engine: 'pglite',
  rows: async <T>(query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const grid = /FROM "?grid_workers"?/.test(text) ? WORKERS[String(params[0])] : undefined;
    return (grid ? [grid] : []) as T[];
  },
  preparedRows: (query) => fakeDatabase.rows(query),
  preparedText: () => Promise.reject(new Error('not in this test')),
  transaction: (fn) => fn(fakeDatabase),
  copyFrom: async () => {},
  listen: async () => async () => {},
  close: async () => {},
};

/** Runs one field through the policy: what it answered, whether the resolver ran, its audit lines. */
async function resolve(
  viewer: Viewer,
  field: string,
  root: unknown = {},
  args: Record<string, unknown> = {},
  /** A ticket the request opened by its private link. */
  granted?: number,
) {
  const [type, fieldName] = field.split('.');
  const context = createContext(fakeDatabase, () => NOW, createCalendar(), viewer);
  if (granted !== undefined) context.auth.grant(granted);
  const lines: AuditEntry[] = [];
  vi.spyOn(context.auth, 'audit').mockImplementation(async (entry) => {
    lines.push(entry);
  });
  let ran = false;
  const info = { parentType: { name: type }, fieldName };
  const answer = await authorize({ root, args, context, info } as never, async () => {
    ran = true;
  }).then(
    () => 'OK',
    (error: { code: string; reason?: string }) => `${error.code} ${error.reason}`,
  );
  return { answer, ran, lines };
}

const ticket = (over: Partial<TicketPlace & { reporterPhone: string | null }> = {}) => ({
  pk: 41,
  communityPk: 7,
  gridPk: 70,
  level: 'DEPARTMENT',
  reporterPhone: '13800005555',
  ...over,
});

describe('Ticket.reporterPhone(unmasked): the policy’s field rule', () => {
  const read = (viewer: Viewer, unmasked: boolean, over = {}, granted?: number) =>
    resolve(viewer, 'Ticket.reporterPhone', ticket(over), { unmasked }, granted);
  const line = (result: string) => ({
    action: 'read Ticket.reporterPhone',
    target: toGlobalId('Ticket', 41),
    result,
  });

  it('refuses the whole number to a role that does not call residents back, and audits it', async () => {
    expect(await read(department, true)).toEqual({
      answer: 'FORBIDDEN NO_PERMISSION',
      ran: false,
      lines: [line('FORBIDDEN NO_PERMISSION')],
    });
  });

  it('refuses it to the resident who opened the ticket by its private link, audited', async () => {
    expect(await read(resident, true, {}, 41)).toEqual({
      answer: 'FORBIDDEN NO_PERMISSION',
      ran: false,
      lines: [line('FORBIDDEN NO_PERMISSION')],
    });
  });

  it('shows it whole to a grid worker, writing the line before it is shown', async () => {
    expect(await read(gridWorker, true)).toEqual({ answer: 'OK', ran: true, lines: [line('OK')] });
  });

  it('leaves a masked read, or a ticket without a number, alone and unaudited', async () => {
    expect(await read(department, false)).toEqual({ answer: 'OK', ran: true, lines: [] });
    expect(await read(department, true, { reporterPhone: null })).toEqual({
      answer: 'OK',
      ran: true,
      lines: [],
    });
  });
});

describe('Compound.vulnerableHouseholds: the policy’s field rule', () => {
  const read = (viewer: Viewer) =>
    resolve(viewer, 'Compound.vulnerableHouseholds', { pk: 3, communityPk: 7 });
  const line = (result: string) => ({
    action: 'read Compound.vulnerableHouseholds',
    target: toGlobalId('Compound', 3),
    result,
  });

  it('shows them to the staff of the compound’s own community, audited', async () => {
    expect(await read(community7)).toEqual({ answer: 'OK', ran: true, lines: [line('OK')] });
  });

  it('refuses another community’s staff, audited', async () => {
    expect(await read(community8)).toEqual({
      answer: 'FORBIDDEN OUTSIDE_JURISDICTION',
      ran: false,
      lines: [line('FORBIDDEN OUTSIDE_JURISDICTION')],
    });
  });

  it('refuses a street whose jurisdiction holds the community: households:read is the community’s', async () => {
    expect(await read(street)).toEqual({
      answer: 'FORBIDDEN NO_PERMISSION',
      ran: false,
      lines: [line('FORBIDDEN NO_PERMISSION')],
    });
  });
});

describe('Mutation.reportTicket: the policy judges who reports on which channel and patrol', () => {
  const report = (viewer: Viewer, input: Record<string, unknown>) =>
    resolve(viewer, 'Mutation.reportTicket', undefined, {
      input: { compoundCode: 'C1', channel: 'QR', ...input },
    });

  it('refuses a grid worker’s patrol for a grid worker outside their jurisdiction, with its line', async () => {
    const { answer, ran, lines } = await report(gridWorker, {
      channel: 'PATROL',
      gridWorkerCode: ' W80 ',
    });
    expect({ answer, ran }).toEqual({ answer: 'FORBIDDEN OUTSIDE_JURISDICTION', ran: false });
    expect(lines).toContainEqual(
      expect.objectContaining({
        action: 'mutation reportTicket',
        result: 'FORBIDDEN OUTSIDE_JURISDICTION',
      }),
    );
  });

  it('lets a patrol in their own grid through, and leaves an unknown worker to the resolver', async () => {
    expect(await report(gridWorker, { channel: 'PATROL', gridWorkerCode: 'W70' })).toMatchObject({
      answer: 'OK',
      ran: true,
    });
    expect(await report(gridWorker, { channel: 'PATROL', gridWorkerCode: 'NOPE' })).toMatchObject({
      answer: 'OK',
      ran: true,
    });
  });

  it('keeps patrols to signed-in accounts and other channels to those who may report', async () => {
    expect(await report(resident, { channel: 'PATROL', gridWorkerCode: 'W70' })).toMatchObject({
      answer: 'UNAUTHENTICATED SIGN_IN_REQUIRED',
      ran: false,
    });
    expect(await report(department, { channel: 'HOTLINE' })).toMatchObject({
      answer: 'FORBIDDEN NO_PERMISSION',
      ran: false,
    });
    // the resident's QR report needs nothing (the resolver makes any channel of theirs QR)
    expect(await report(resident, { channel: 'HOTLINE' })).toMatchObject({
      answer: 'OK',
      ran: true,
    });
  });
});

describe('mayReadTicket: the ticket events subscription and the photo route', () => {
  const place = (communityPk: number | null, gridPk: number | null, level = 'COMPOUND') => ({
    communityPk,
    gridPk,
    level,
  });

  it('lets staff read the tickets their jurisdiction holds, and no others', () => {
    expect(mayReadTicket(community7, place(7, 70), NOW)).toBe(true);
    expect(mayReadTicket(community7, place(8, 80), NOW)).toBe(false);
    expect(mayReadTicket(gridWorker, place(7, 71), NOW)).toBe(true);
    expect(mayReadTicket(gridWorker, place(7, 72), NOW)).toBe(false);
    expect(mayReadTicket(department, place(7, 70, 'STREET'), NOW)).toBe(false);
    expect(mayReadTicket(department, place(7, 70, 'DEPARTMENT'), NOW)).toBe(true);
  });

  it('stops when the credential expires: a subscription outlasts the request that opened it', () => {
    const expiring = { ...community7, expiresAt: new Date(NOW.getTime() + 1000) };
    expect(mayReadTicket(expiring, place(7, 70), NOW)).toBe(true);
    expect(mayReadTicket(expiring, place(7, 70), new Date(NOW.getTime() + 1000))).toBe(false);
  });

  it('needs tickets:read: a token with read:places only reads no ticket', () => {
    const places = {
      ...staff('STREET_STAFF', { all: true }, { via: 'token' }),
      permissions: new Set(tokenRights('STREET_STAFF', ['read:places']).permissions),
    };
    expect(mayReadTicket(places, place(7, 70), NOW)).toBe(false);
  });

  it('opens a ticket to whoever holds its private link, and to no anonymous caller without it', () => {
    expect(mayReadTicket(resident, place(7, 70), NOW, { byLink: true })).toBe(true);
    expect(mayReadTicket(resident, place(7, 70), NOW)).toBe(false);
  });
});

describe('jurisdiction', () => {
  // mayReadTicket for a reader whose credential lasts: the jurisdiction part of the rule
  const coversTicket = (jurisdiction: Jurisdiction, t: TicketPlace) =>
    mayReadTicket({ ...street, jurisdiction }, t, NOW);
  const community = { all: false, communityPks: [7], gridPks: [], departmentOnly: false };
  it('covers its own community’s tickets only', () => {
    expect(coversTicket(community, { communityPk: 7, gridPk: 70, level: 'COMPOUND' })).toBe(true);
    expect(coversTicket(community, { communityPk: 8, gridPk: 80, level: 'COMPOUND' })).toBe(false);
    expect(coversTicket(community, { communityPk: null, gridPk: null, level: 'COMPOUND' })).toBe(
      false,
    );
  });
  it('covers a grid worker’s grid, and a department only what was sent to departments', () => {
    const grid = { all: false, communityPks: [], gridPks: [70, 71], departmentOnly: false };
    expect(coversTicket(grid, { communityPk: 7, gridPk: 71, level: 'COMPOUND' })).toBe(true);
    expect(coversTicket(grid, { communityPk: 7, gridPk: 72, level: 'COMPOUND' })).toBe(false);
    const department = { all: true, communityPks: [], gridPks: [], departmentOnly: true };
    expect(coversTicket(department, { communityPk: 7, gridPk: 70, level: 'STREET' })).toBe(false);
    expect(coversTicket(department, { communityPk: 7, gridPk: 70, level: 'DEPARTMENT' })).toBe(
      true,
    );
  });
});

// Answers written in SQL (graphql/sql-answer.ts) run no resolver: the policy says beforehand
// whether a viewer may read every field an answer touches, whatever objects they are read on.
describe('what may be read without looking at objects', () => {
  const map = ['Query.compounds', 'CompoundConnection.nodes', 'Compound.code', 'Compound.boundary'];
  const figures = [...map, 'Compound.stats', 'PlaceStats.openTickets'];

  it('allows a session with places:read the fields of places, their connections and figures', () => {
    expect(mayReadWithoutObjects(street, figures)).toBe(true);
    expect(mayReadWithoutObjects(gridWorker, [...map, 'Query.gridAt', 'Grid.parent'])).toBe(true);
  });

  it('refuses a viewer without the permission, a token and an anonymous caller', () => {
    const resource = staff('RESOURCE', {});
    expect(resource.permissions.has('places:read')).toBe(false);
    expect(mayReadWithoutObjects(resource, map)).toBe(false);
    expect(mayReadWithoutObjects({ ...street, via: 'token' }, map)).toBe(false);
    expect(mayReadWithoutObjects(resident, ['Query.compounds', 'Compound.code'])).toBe(false);
  });

  it('refuses a field judged by its object, personal data, and a root field with checks', () => {
    expect(mayReadWithoutObjects(community7, [...map, 'Compound.vulnerableHouseholds'])).toBe(
      false,
    );
    expect(
      mayReadWithoutObjects(street, ['Query.tickets', 'TicketConnection.nodes', 'Ticket.code']),
    ).toBe(false);
    expect(mayReadWithoutObjects(street, ['Query.matchResources'])).toBe(false);
    expect(mayReadWithoutObjects(street, ['Mutation.signOut'])).toBe(false);
    expect(mayReadWithoutObjects(street, ['Query.nope'])).toBe(false);
  });
});
