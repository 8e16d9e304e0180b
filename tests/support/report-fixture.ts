import { sql } from 'drizzle-orm';
import { createAccount, DEMO_PASSWORD, type Database } from '@yitu/api/testing';
import { FX, insertFixture } from './fixture';

// Tickets with known figures for the period reports (tests/http/reports.test.ts), written
// straight into the tables with Beijing-time instants: October and November 2026 in community
// FX-C (compound FX-P, grid FX-GA), one ticket of October 2025 (同比), and one in a second
// community FX-C2 of the same street. The expected numbers are worked out by hand in the test.

const square = (x0: number, y0: number, x1: number, y1: number) =>
  sql`ST_SetSRID(ST_MakeEnvelope(${FX.lon(x0)}::float8, ${FX.lat(y0)}::float8, ${FX.lon(x1)}::float8, ${FX.lat(y1)}::float8), 4326)`;

interface FixtureTicket {
  code: string;
  channel: 'QR' | 'PATROL' | 'HOTLINE' | 'STAFF';
  status: string;
  level?: string;
  reported: string;
  accepted?: string;
  resolveBy?: string;
  resolved?: string;
  closed?: string;
  satisfaction?: number;
  duplicateOf?: string;
  owner?: string;
  compound?: string;
  category?: string | null;
  /** [type, at, data] in order; REPORTED is added. */
  events?: [string, string, Record<string, unknown>?][];
}

/** Beijing local time 'MM-DD HH:MM' of 2026 (or a full 'YYYY-MM-DD HH:MM'). */
const at = (local: string | undefined) =>
  local === undefined
    ? null
    : `${local.length === 11 ? `2026-${local}` : local}:00+08:00`.replace(' ', 'T');

export const REPORT_TICKETS: FixtureTicket[] = [
  // October 2026
  {
    code: 'RP-T1',
    channel: 'QR',
    status: 'CLOSED',
    reported: '10-08 09:00',
    accepted: '10-08 11:00',
    resolveBy: '10-15 18:00',
    resolved: '10-12 09:00',
    closed: '10-13 10:00',
    satisfaction: 5,
    events: [
      ['DISPATCH', '10-08 12:00'],
      ['RESOLVE', '10-12 09:00'],
      ['VERIFY_PASS', '10-12 15:00'],
      ['FEEDBACK', '10-13 09:00', { rating: 5 }],
      ['CLOSE', '10-13 10:00'],
    ],
  },
  {
    code: 'RP-T2',
    channel: 'PATROL',
    status: 'CLOSED',
    reported: '10-09 08:00',
    accepted: '10-09 12:00',
    resolveBy: '10-15 18:00',
    resolved: '10-16 08:00',
    closed: '10-17 08:00',
    events: [
      ['DISPATCH', '10-09 13:00'],
      ['RESOLVE', '10-13 08:00'],
      ['VERIFY_FAIL', '10-14 10:00'],
      ['RESOLVE', '10-16 08:00'],
      ['VERIFY_PASS', '10-16 11:00'],
      ['CLOSE', '10-17 08:00'],
      ['RETURN_VISIT', '10-18 10:00', { rating: 3, channel: 'PHONE' }],
    ],
  },
  {
    code: 'RP-T3',
    channel: 'HOTLINE',
    status: 'SUSPENDED',
    reported: '10-10 09:00',
    accepted: '10-10 10:00',
    resolveBy: '10-20 18:00',
    events: [
      ['DISPATCH', '10-10 11:00'],
      ['SUSPEND', '10-12 09:00'],
    ],
  },
  {
    code: 'RP-T4',
    channel: 'QR',
    status: 'ACCEPTED',
    level: 'COMMUNITY',
    reported: '10-20 09:00',
    accepted: '10-20 15:00',
    resolveBy: '10-30 18:00',
    resolved: '10-29 09:00',
    satisfaction: 2,
    events: [
      ['DISPATCH', '10-20 16:00'],
      ['ESCALATE', '10-22 09:00', { fromLevel: 'COMPOUND', toLevel: 'COMMUNITY' }],
      ['DISPATCH', '10-22 10:00'],
      ['RESOLVE', '10-29 09:00'],
      ['VERIFY_PASS', '10-29 12:00'],
      ['CLOSE', '10-29 18:00'],
      ['FEEDBACK', '10-30 10:00', { rating: 2 }],
      ['RETURN_VISIT', '10-30 11:00', { rating: 5, channel: 'VISIT' }],
      ['REOPEN', '11-03 09:00'],
    ],
  },
  {
    code: 'RP-T5',
    channel: 'QR',
    status: 'REJECTED',
    reported: '10-21 09:00',
    resolveBy: '10-28 18:00',
    duplicateOf: 'RP-T4',
    events: [['REJECT_DUPLICATE', '10-21 10:00']],
  },
  {
    code: 'RP-T6',
    channel: 'STAFF',
    status: 'CLOSED',
    reported: '10-25 09:00',
    accepted: '10-25 09:30',
    resolveBy: '11-05 18:00',
    resolved: '11-04 09:00',
    closed: '11-04 12:00',
    // dispatched in October, resolved, verified and closed in November
    events: [
      ['DISPATCH', '10-25 10:00'],
      ['RESOLVE', '11-04 09:00'],
      ['VERIFY_PASS', '11-04 10:00'],
      ['CLOSE', '11-04 12:00'],
    ],
  },
  {
    code: 'RP-T7',
    channel: 'QR',
    status: 'IN_PROGRESS',
    reported: '10-26 09:00',
    accepted: '10-26 13:00',
    resolveBy: '10-31 18:00',
    owner: 'account:fx-command',
    events: [['DISPATCH', '10-26 14:00']],
  },
  // half an hour before November in Beijing (15:30 UTC): October's
  {
    code: 'RP-T12',
    channel: 'HOTLINE',
    status: 'REPORTED',
    reported: '10-31 23:30',
    category: null,
  },
  // November 2026; ten minutes into November in Beijing (still October in UTC)
  { code: 'RP-T9', channel: 'PATROL', status: 'REPORTED', reported: '11-01 00:10', category: null },
  {
    code: 'RP-T8',
    channel: 'QR',
    status: 'CLOSED',
    level: 'STREET',
    reported: '11-02 09:00',
    accepted: '11-02 10:00',
    resolveBy: '11-10 18:00',
    resolved: '11-09 09:00',
    closed: '11-09 17:00',
    satisfaction: 4,
    events: [
      ['DISPATCH', '11-02 11:00'],
      ['ESCALATE', '11-05 09:00', { fromLevel: 'COMPOUND', toLevel: 'COMMUNITY' }],
      ['ESCALATE', '11-08 09:00', { fromLevel: 'COMMUNITY', toLevel: 'STREET' }],
      ['RESOLVE', '11-09 09:00'],
      ['VERIFY_PASS', '11-09 10:00'],
      ['FEEDBACK', '11-09 12:00', { rating: 4 }],
      ['CLOSE', '11-09 17:00'],
    ],
  },
  {
    code: 'RP-T10',
    channel: 'HOTLINE',
    status: 'CLOSED',
    reported: '11-12 09:00',
    accepted: '11-12 17:00',
    resolveBy: '11-20 18:00',
    resolved: '11-18 09:00',
    closed: '11-19 09:00',
    events: [
      ['DISPATCH', '11-12 18:00'],
      ['SUSPEND', '11-13 09:00'],
      ['RESUME', '11-15 09:00'],
      ['RESOLVE', '11-18 09:00'],
      ['VERIFY_PASS', '11-18 15:00'],
      ['CLOSE', '11-19 09:00'],
      ['RETURN_VISIT', '11-20 10:00', { rating: 4, channel: 'PHONE' }],
    ],
  },
  // October 2025: the same month a year before
  {
    code: 'RP-T0',
    channel: 'QR',
    status: 'CLOSED',
    reported: '2025-10-10 09:00',
    accepted: '2025-10-10 12:00',
    resolveBy: '2025-10-15 18:00',
    resolved: '2025-10-14 09:00',
    closed: '2025-10-14 10:00',
    satisfaction: 5,
    events: [
      ['DISPATCH', '2025-10-10 13:00'],
      ['RESOLVE', '2025-10-14 09:00'],
      ['VERIFY_PASS', '2025-10-14 09:10'],
      ['FEEDBACK', '2025-10-14 09:30', { rating: 5 }],
      ['CLOSE', '2025-10-14 10:00'],
    ],
  },
  // the second community's
  { code: 'RP-T11', channel: 'QR', status: 'REPORTED', reported: '10-11 09:00', compound: 'FX-Z' },
];

export async function insertReportFixture(database: Database): Promise<void> {
  await insertFixture(database);
  await database.db.execute(sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT 'FX-C2', '测试二社区', 'COMMUNITY', id, ST_Multi(${square(20, 0, 30, 10)}), '{"synthetic":true}'
    FROM regions WHERE code = 'FX-S'`);
  await database.db.execute(sql`
    INSERT INTO compounds (code, name, community_id, boundary, households)
    SELECT 'FX-Z', '测试Z小区', id, ${square(22, 2, 28, 8)}, 80 FROM regions WHERE code = 'FX-C2'`);
  for (const [username, role, regionCode] of [
    ['fx-street', 'STREET_STAFF', 'FX-S'],
    ['fx-comm', 'COMMUNITY_STAFF', 'FX-C'],
    ['fx-comm2', 'COMMUNITY_STAFF', 'FX-C2'],
  ] as const)
    await createAccount(database, {
      username,
      displayName: username,
      role,
      regionCode,
      password: DEMO_PASSWORD,
    });
  for (const ticket of REPORT_TICKETS) {
    const compound = ticket.compound ?? 'FX-P';
    const [row] = await database.rows<{ id: number }>(sql`
      INSERT INTO tickets (code, category_code, status, level, location, compound_id, grid_id, community_id,
        description, reporter_name, reporter_phone, channel, reported_at, respond_by, resolve_by, accepted_at,
        resolved_at, closed_at, satisfaction, owner, duplicate_of_id, suspended_from, updated_at)
      SELECT ${ticket.code}, ${ticket.category === undefined ? 'PARKING' : ticket.category}, ${ticket.status},
        ${ticket.level ?? 'COMPOUND'}, ST_PointOnSurface(c.boundary), c.id,
        (SELECT g.id FROM grids g WHERE g.parent_id IS NULL AND ST_Covers(g.boundary, ST_PointOnSurface(c.boundary))),
        c.community_id, ${`报表测试 ${ticket.code}`}, '测试居民', '13900000000', ${ticket.channel},
        ${at(ticket.reported)}, ${at(ticket.reported)}, ${at(ticket.resolveBy)}, ${at(ticket.accepted)},
        ${at(ticket.resolved)}, ${at(ticket.closed)}, ${ticket.satisfaction ?? null},
        ${ticket.owner ?? (ticket.accepted ? 'account:fx-comm' : null)},
        (SELECT id FROM tickets WHERE code = ${ticket.duplicateOf ?? null}),
        ${ticket.status === 'SUSPENDED' ? 'IN_PROGRESS' : null}, ${at(ticket.reported)}
      FROM compounds c WHERE c.code = ${compound}
      RETURNING id`);
    const events: [string, string | undefined, Record<string, unknown>?][] = [
      ['REPORTED', ticket.reported, { channel: ticket.channel }],
      ...(ticket.accepted ? [['ACCEPT', ticket.accepted] as [string, string]] : []),
      ...(ticket.events ?? []),
    ];
    for (const [type, when, data] of events)
      await database.db.execute(sql`
        INSERT INTO ticket_events (ticket_id, type, actor, data, at)
        VALUES (${row!.id}, ${type}, 'account:fx-comm', ${JSON.stringify(data ?? {})}::jsonb, ${at(when)})`);
  }
}
