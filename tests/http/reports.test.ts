import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAs } from '../support/auth';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import { insertReportFixture } from '../support/report-fixture';
import { startServer, type RunningServer } from '../support/server';

// The period figures against tickets/support/report-fixture.ts, every expected number worked out
// by hand from the fixture (comments show the sums), never by the code under test.

const FIGURES = `
  period { label from to }
  received accepted dispatched resolved verified closed due suspendedDue closedDue closedOnTime resolutionRate onTimeRate
  reworked reworkRate residentRatings residentSatisfied satisfactionRate returnVisits
  returnVisitsSatisfied returnVisitSatisfactionRate meanResponseHours medianResponseHours
  meanResolutionHours medianResolutionHours reopened duplicates
  resolutionHistogram { fromHours toHours count }
  escalations { level count } closedByLevel { level count share } byChannel { channel count }`;
const REPORT = `query($placeId: ID, $period: PeriodInput!, $categoryCode: String) {
  periodReport(placeId: $placeId, period: $period, categoryCode: $categoryCode) {
    subject current { ${FIGURES} } previous { ${FIGURES} } lastYear { ${FIGURES} } } }`;

type Figures = Record<string, unknown> & { period: { label: string; from: string; to: string } };
interface Report {
  subject: string;
  current: Figures;
  previous: Figures;
  lastYear: Figures;
}

const levels = (community: number, street: number, department: number) => [
  { level: 'COMMUNITY', count: community },
  { level: 'STREET', count: street },
  { level: 'DEPARTMENT', count: department },
];
// time to close in the buckets [0,24) [24,72) [72,120) [120,168) [168,240) [240,∞) hours
const histogram = (...counts: number[]) =>
  [0, 24, 72, 120, 168, 240].map((fromHours, i) => ({
    fromHours,
    toHours: [24, 72, 120, 168, 240, null][i],
    count: counts[i],
  }));
const channels = (qr: number, patrol: number, hotline: number, staff: number) => [
  { channel: 'QR', count: qr },
  { channel: 'PATROL', count: patrol },
  { channel: 'HOTLINE', count: hotline },
  { channel: 'STAFF', count: staff },
];

// October 2026 in FX-C, by hand:
//   reported T1 T2 T3 T4 T5 T6 T7 T12 = 8 (QR T1 T4 T5 T7, PATROL T2, HOTLINE T3 T12, STAFF T6)
//   accepted T1 2h, T2 4h, T3 1h, T4 6h, T6 0.5h, T7 4h: mean 17.5/6, median (2+4)/2 = 3
//   dispatched T1 T2 T3 T4 (twice: again after its escalation) T6 T7 = 6
//   resolved T1 T2 (twice: before and after its rework) T4 = 3; verified T1 T2 T4 = 3
//   (the loop: 8 reported → 6 accepted → 6 dispatched → 3 resolved → 3 verified → 3 closed)
//   closed T1 T2 T4 = 3; reworked T2; at COMPOUND T1 T2, at COMMUNITY T4 (escalated)
//   resolution T1 96h, T2 168h, T4 216h: mean 160, median 168
//   histogram: T1 in [72,120), T2 (168 h exactly: its lower bound) and T4 in [168,240)
//   due T1 T2 T3 T4 T7 = 5 (T5 is a duplicate; T6 is due in November), suspended T3
//   closed of the due T1 T2 T4 = 3; on time T1 T4 (T2 resolved 10-16 08:00 after 10-15 18:00)
//   办结率 3 ÷ (5 − 1) = 0.75; 按期办结率 2 ÷ (5 − 1) = 0.5
//   residents' ratings T1 5, T4 2: 1 of 2; return visits T2 3, T4 5: 1 of 2
//   escalated T4 to COMMUNITY; duplicates T5; reopened none (T4's reopen is in November)
const OCTOBER = {
  period: { label: '2026-10', from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' },
  received: 8,
  accepted: 6,
  dispatched: 6,
  resolved: 3,
  verified: 3,
  closed: 3,
  due: 5,
  suspendedDue: 1,
  closedDue: 3,
  closedOnTime: 2,
  resolutionRate: 0.75,
  onTimeRate: 0.5,
  reworked: 1,
  reworkRate: expect.closeTo(0.3333, 4),
  residentRatings: 2,
  residentSatisfied: 1,
  satisfactionRate: 0.5,
  returnVisits: 2,
  returnVisitsSatisfied: 1,
  returnVisitSatisfactionRate: 0.5,
  meanResponseHours: expect.closeTo(2.9167, 4),
  medianResponseHours: 3,
  meanResolutionHours: 160,
  medianResolutionHours: 168,
  resolutionHistogram: histogram(0, 0, 1, 0, 2, 0),
  reopened: 0,
  duplicates: 1,
  escalations: levels(1, 0, 0),
  closedByLevel: [
    { level: 'COMPOUND', count: 2, share: expect.closeTo(0.6667, 4) },
    { level: 'COMMUNITY', count: 1, share: expect.closeTo(0.3333, 4) },
    { level: 'STREET', count: 0, share: 0 },
    { level: 'DEPARTMENT', count: 0, share: 0 },
  ],
  byChannel: channels(4, 1, 2, 1),
};

// November 2026 in FX-C, by hand:
//   reported T9 T8 T10 = 3 (QR T8, PATROL T9, HOTLINE T10); accepted T8 1h, T10 8h
//   dispatched T8 T10 = 2 (T6 was dispatched in October); resolved and verified T6 T8 T10 = 3
//   closed T6 T8 T10 = 3 (T4 reopened, not closed again); none reworked
//   at COMPOUND T6 T10, at STREET T8; resolution T6 240h, T8 168h, T10 144h: mean 184, median 168
//   histogram: T10 in [120,168), T8 in [168,240), T6 (240 h exactly) in [240,∞)
//   due T6 T8 T10 = 3, suspended T10 (缓办 13th–15th); closed and on time T6 T8
//   办结率 2 ÷ (3 − 1) = 1; 按期办结率 2 ÷ 2 = 1
//   ratings T8 4; return visits T10 4; escalated T8 to COMMUNITY then STREET; reopened T4
const NOVEMBER = {
  period: { label: '2026-11', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' },
  received: 3,
  accepted: 2,
  dispatched: 2,
  resolved: 3,
  verified: 3,
  closed: 3,
  due: 3,
  suspendedDue: 1,
  closedDue: 2,
  closedOnTime: 2,
  resolutionRate: 1,
  onTimeRate: 1,
  reworked: 0,
  reworkRate: 0,
  residentRatings: 1,
  residentSatisfied: 1,
  satisfactionRate: 1,
  returnVisits: 1,
  returnVisitsSatisfied: 1,
  returnVisitSatisfactionRate: 1,
  meanResponseHours: 4.5,
  medianResponseHours: 4.5,
  meanResolutionHours: 184,
  medianResolutionHours: 168,
  resolutionHistogram: histogram(0, 0, 0, 1, 1, 1),
  reopened: 1,
  duplicates: 0,
  escalations: levels(1, 1, 0),
  closedByLevel: [
    { level: 'COMPOUND', count: 2, share: expect.closeTo(0.6667, 4) },
    { level: 'COMMUNITY', count: 0, share: 0 },
    { level: 'STREET', count: 1, share: expect.closeTo(0.3333, 4) },
    { level: 'DEPARTMENT', count: 0, share: 0 },
  ],
  byChannel: channels(1, 1, 1, 0),
};

// September 2026: nothing; rates with nothing to divide by are null
const SEPTEMBER = {
  period: { label: '2026-09', from: '2026-08-31T16:00:00.000Z', to: '2026-09-30T16:00:00.000Z' },
  received: 0,
  accepted: 0,
  dispatched: 0,
  resolved: 0,
  verified: 0,
  closed: 0,
  due: 0,
  suspendedDue: 0,
  closedDue: 0,
  closedOnTime: 0,
  resolutionRate: null,
  onTimeRate: null,
  reworked: 0,
  reworkRate: null,
  residentRatings: 0,
  residentSatisfied: 0,
  satisfactionRate: null,
  returnVisits: 0,
  returnVisitsSatisfied: 0,
  returnVisitSatisfactionRate: null,
  meanResponseHours: null,
  medianResponseHours: null,
  meanResolutionHours: null,
  medianResolutionHours: null,
  resolutionHistogram: histogram(0, 0, 0, 0, 0, 0),
  reopened: 0,
  duplicates: 0,
  escalations: levels(0, 0, 0),
  closedByLevel: [
    { level: 'COMPOUND', count: 0, share: null },
    { level: 'COMMUNITY', count: 0, share: null },
    { level: 'STREET', count: 0, share: null },
    { level: 'DEPARTMENT', count: 0, share: null },
  ],
  byChannel: channels(0, 0, 0, 0),
};

// October 2025 (同比): T0 reported, accepted after 3h, dispatched, resolved after 96h, verified,
// closed on time, rated 5
const OCTOBER_2025 = {
  ...SEPTEMBER,
  period: { label: '2025-10', from: '2025-09-30T16:00:00.000Z', to: '2025-10-31T16:00:00.000Z' },
  received: 1,
  accepted: 1,
  dispatched: 1,
  resolved: 1,
  verified: 1,
  closed: 1,
  due: 1,
  closedDue: 1,
  closedOnTime: 1,
  resolutionRate: 1,
  onTimeRate: 1,
  reworkRate: 0,
  residentRatings: 1,
  residentSatisfied: 1,
  satisfactionRate: 1,
  meanResponseHours: 3,
  medianResponseHours: 3,
  meanResolutionHours: 96,
  medianResolutionHours: 96,
  resolutionHistogram: histogram(0, 0, 1, 0, 0, 0),
  closedByLevel: [
    { level: 'COMPOUND', count: 1, share: 1 },
    { level: 'COMMUNITY', count: 0, share: 0 },
    { level: 'STREET', count: 0, share: 0 },
    { level: 'DEPARTMENT', count: 0, share: 0 },
  ],
  byChannel: channels(1, 0, 0, 0),
};

describe(`period reports on ${engineName()}`, () => {
  let server: RunningServer;
  let street: GraphQLClient;
  let community: GraphQLClient;
  let community2: GraphQLClient;
  const ids: Record<string, string> = {};
  const report = (client: GraphQLClient, variables: Record<string, unknown>) =>
    client.request<{ periodReport: Report }>(REPORT, variables).then((d) => d.periodReport);

  beforeAll(async () => {
    server = await startServer({}, insertReportFixture);
    street = await clientAs(server.url, 'fx-street');
    community = await clientAs(server.url, 'fx-comm');
    community2 = await clientAs(server.url, 'fx-comm2');
    const places = await street.request<{
      regions: { nodes: { id: string; code: string }[] };
      compounds: { nodes: { id: string; code: string }[] };
      grids: { nodes: { id: string; code: string }[] };
    }>(`{ regions(first: 10, filter: { search: "FX-" }) { nodes { id code } }
          compounds(first: 10, filter: { search: "FX-" }) { nodes { id code } }
          grids(first: 10, filter: { search: "FX-" }) { nodes { id code } } }`);
    for (const node of [...places.regions.nodes, ...places.compounds.nodes, ...places.grids.nodes])
      ids[node.code] = node.id;
  }, 120_000);
  afterAll(() => server?.stop());

  it('counts a community’s October against September and October 2025', async () => {
    const r = await report(street, { placeId: ids['FX-C'], period: { month: '2026-10' } });
    expect(r.subject).toBe('测试社区');
    expect(r.current).toEqual(OCTOBER);
    expect(r.previous).toEqual(SEPTEMBER);
    expect(r.lastYear).toEqual(OCTOBER_2025);
  });

  it('counts November against October (reopened, 缓办 resumed, escalated twice)', async () => {
    const r = await report(community, { placeId: ids['FX-C'], period: { month: '2026-11' } });
    expect(r.current).toEqual(NOVEMBER);
    expect(r.previous).toEqual(OCTOBER);
  });

  it('breaks a month down by category, against the month before and a year before', async () => {
    const byCategory = (month: string) =>
      street
        .request<{ periodReport: { byCategory: unknown[] } }>(
          `query($placeId: ID, $month: String!) { periodReport(placeId: $placeId, period: { month: $month }) {
            byCategory { code name current previous lastYear } } }`,
          { placeId: ids['FX-C'], month },
        )
        .then((d) => d.periodReport.byCategory);
    // October: parking T1–T7 = 7 (T0 a year before), T12 not classified; September nothing
    expect(await byCategory('2026-10')).toEqual([
      { code: 'PARKING', name: '停车管理', current: 7, previous: 0, lastYear: 1 },
      { code: null, name: '未分类', current: 1, previous: 0, lastYear: 0 },
    ]);
    // November: parking T8 T10 = 2 against October's 7; T9 not classified against T12
    expect(await byCategory('2026-11')).toEqual([
      { code: 'PARKING', name: '停车管理', current: 2, previous: 7, lastYear: 0 },
      { code: null, name: '未分类', current: 1, previous: 1, lastYear: 0 },
    ]);
  });

  it('gathers a month’s tickets into heat-map cells in PostGIS, under the policy', async () => {
    const heat = (client: GraphQLClient, placeId: string, cellMeters?: number) =>
      client
        .request<{
          ticketHeat: {
            period: { label: string };
            cellMeters: number;
            total: number;
            max: number;
            cells: { lon: number; lat: number; count: number }[];
          };
        }>(
          `query($placeId: ID, $cellMeters: Int) { ticketHeat(placeId: $placeId, period: { month: "2026-10" }, cellMeters: $cellMeters) {
            period { label } cellMeters total max cells { lon lat count } } }`,
          { placeId, cellMeters },
        )
        .then((d) => d.ticketHeat);
    // every FX-P ticket stands on the same point of the compound: October's 8 in one cell
    const ofCommunity = await heat(street, ids['FX-C']!);
    expect(ofCommunity).toMatchObject({ period: { label: '2026-10' }, cellMeters: 150, total: 8 });
    expect(ofCommunity.cells.map((c) => c.count)).toEqual([8]);
    // the street: FX-C's cell and T11's in FX-Z, densest first
    const whole = await heat(street, ids['FX-S']!, 50);
    expect(whole).toMatchObject({ cellMeters: 50, total: 9, max: 8 });
    expect(whole.cells.map((c) => c.count)).toEqual([8, 1]);
    expect(whole.cells[0]!.lon).toBeCloseTo(ofCommunity.cells[0]!.lon, 6);
    expect(await errorOf(heat(street, ids['FX-C']!, 5))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'cellMeters',
      reason: 'OUT_OF_RANGE',
    });
    expect(await errorOf(heat(community2, ids['FX-C']!))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'OUTSIDE_JURISDICTION',
    });
  });

  it('gives a compound, a grid and a run of days the same tickets', async () => {
    for (const code of ['FX-P', 'FX-GA']) {
      const r = await report(street, { placeId: ids[code], period: { month: '2026-10' } });
      expect(r.current).toEqual(OCTOBER);
    }
    const days = await report(street, {
      placeId: ids['FX-C'],
      period: { fromDate: '2026-10-01', toDate: '2026-10-31' },
    });
    expect(days.current).toEqual({
      ...OCTOBER,
      period: { ...OCTOBER.period, label: '2026-10-01..2026-10-31' },
    });
    // the 31 days before: 30 August to 30 September, nothing
    expect(days.previous.received).toBe(0);
  });

  it('counts a street’s communities: FX-C2’s ticket too', async () => {
    const r = await report(street, { placeId: ids['FX-S'], period: { month: '2026-10' } });
    // October in FX-C (8) and T11 in FX-C2, a QR report
    expect(r.current.received).toBe(9);
    expect(r.current.byChannel).toEqual(channels(5, 1, 2, 1));
    expect(r.current.closed).toBe(3);
  });

  it('filters by category (none of the fixture’s tickets is a noise matter)', async () => {
    const r = await report(street, {
      placeId: ids['FX-C'],
      categoryCode: 'NOISE',
      period: { month: '2026-10' },
    });
    expect(r.current.received).toBe(0);
    const parking = await report(street, {
      placeId: ids['FX-C'],
      categoryCode: 'PARKING',
      period: { month: '2026-10' },
    });
    // T12 has no category yet
    expect(parking.current.received).toBe(7);
  });

  it('keeps a community to its own reports', async () => {
    for (const code of ['FX-C2', 'FX-S', 'FX-D']) {
      const e = await errorOf(
        report(community, { placeId: ids[code], period: { month: '2026-10' } }),
      );
      expect(e).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_JURISDICTION' });
    }
    // everywhere it may read: its own community only (T11 is the other community's)
    const own = await report(community, { period: { month: '2026-10' } });
    expect(own.current.received).toBe(8);
  });

  it('refuses a bad period or place with the field at fault', async () => {
    expect(
      await errorOf(report(street, { placeId: ids['FX-C'], period: { month: '2026-13' } })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.month', reason: 'FORMAT' });
    expect(
      await errorOf(
        report(street, { placeId: ids['FX-C'], period: { month: '2026-10', year: 2026 } }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period', reason: 'ONE_OF' });
    expect(
      await errorOf(
        report(street, { placeId: ids['FX-C'], categoryCode: 'NOPE', period: { year: 2026 } }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'categoryCode' });
  });

  const ASSESSMENT = `
    unit { code name level } period { label from to } minClosed tieBreak
    indicators { key name formula unit current previous lastYear }
    rankings { code name received closed onTimeRate satisfactionRate rank note }
    categoriesGrown { code name received previousReceived change }
    overdue { code category compound level owner resolveBy hoursOverdue }`;
  type Assessment = {
    unit: unknown;
    period: unknown;
    indicators: {
      key: string;
      current: number | null;
      previous: number | null;
      lastYear: number | null;
    }[];
    rankings: unknown[];
    categoriesGrown: unknown[];
    overdue: unknown[];
    minClosed: number;
    tieBreak: string;
  };

  it('assesses a street’s October: indicators, rankings with 样本不足, grown categories, overdue', async () => {
    const { monthlyAssessment: a } = await street.request<{ monthlyAssessment: Assessment }>(
      `query($id: ID!) { monthlyAssessment(regionId: $id, month: "2026-10", minClosed: 3) { ${ASSESSMENT} } }`,
      { id: ids['FX-S'] },
    );
    expect(a.unit).toEqual({ code: 'FX-S', name: '测试街道', level: 'STREET' });
    expect(a.period).toEqual({
      label: '2026-10',
      from: '2026-09-30T16:00:00.000Z',
      to: '2026-10-31T16:00:00.000Z',
    });
    expect(a.tieBreak).toContain('样本不足');
    const row = (key: string) => a.indicators.find((i) => i.key === key);
    // the street's October: FX-C's figures and T11 (reported, no deadline)
    expect(row('received')).toMatchObject({ current: 9, previous: 0, lastYear: 1 });
    expect(row('onTimeRate')).toMatchObject({ current: 0.5, previous: null, lastYear: 1 });
    expect(row('resolutionRate')).toMatchObject({ current: 0.75 });
    expect(row('compoundShare')!.current).toBeCloseTo(0.6667, 4);
    expect(row('escalations')).toMatchObject({ current: 1 });
    // FX-C closed 3 (the minimum asked): ranked; FX-C2 closed none
    expect(a.rankings).toEqual([
      {
        code: 'FX-C',
        name: '测试社区',
        received: 8,
        closed: 3,
        onTimeRate: 0.5,
        satisfactionRate: 0.5,
        rank: 1,
        note: null,
      },
      {
        code: 'FX-C2',
        name: '测试二社区',
        received: 1,
        closed: 0,
        onTimeRate: null,
        satisfactionRate: null,
        rank: null,
        note: '样本不足',
      },
    ]);
    // parking: 7 in FX-C (T12 has no category) and T11; none in September
    expect(a.categoriesGrown).toEqual([
      { code: 'PARKING', name: '停车管理', received: 8, previousReceived: 0, change: 8 },
    ]);
    // T7 was due 31 October 18:00, six hours before the month ended; T3 is suspended, T4 closed
    expect(a.overdue).toEqual([
      {
        code: 'RP-T7',
        category: '停车管理',
        compound: '测试P小区',
        level: 'COMPOUND',
        owner: 'account:fx-command',
        resolveBy: '2026-10-31 18:00',
        hoursOverdue: 6,
      },
    ]);
  });

  it('lists as overdue at November’s end the ticket reopened after its deadline', async () => {
    const { monthlyAssessment: a } = await community.request<{ monthlyAssessment: Assessment }>(
      `query($id: ID!) { monthlyAssessment(regionId: $id, month: "2026-11") { ${ASSESSMENT} } }`,
      { id: ids['FX-C'] },
    );
    // 30 October 18:00 → 1 December 00:00 is 750 h; 31 October 18:00 → 726 h
    expect(a.overdue).toMatchObject([
      { code: 'RP-T4', level: 'COMMUNITY', hoursOverdue: 750 },
      { code: 'RP-T7', hoursOverdue: 726 },
    ]);
    // a community ranks its grids; the default minimum is 5 closed
    expect(a.minClosed).toBe(5);
    expect(a.rankings).toMatchObject([
      { code: 'FX-GA', closed: 3, rank: null, note: '样本不足' },
      { code: 'FX-GB', closed: 0, rank: null, note: '样本不足' },
    ]);
  });

  it('keeps a closed month’s assessment as generated; regenerating shows what changed', async () => {
    const generate = `mutation($id: ID!) { generateMonthlyAssessment(regionId: $id, month: "2026-10", minClosed: 3) {
      version generatedBy changes { path before after } assessment { categoriesGrown { code received } } } }`;
    const first = await street.request<{
      generateMonthlyAssessment: { version: number; generatedBy: string; changes: unknown[] };
    }>(generate, { id: ids['FX-S'] });
    expect(first.generateMonthlyAssessment).toMatchObject({
      version: 1,
      generatedBy: 'account:fx-street',
      changes: [],
    });

    // a later edit: T12 is classified as noise today
    const compound = await street.request<{
      node: { tickets: { nodes: { id: string; code: string; version: number }[] } };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Compound { tickets(first: 50) { nodes { id code version } } } } }`,
      {
        id: ids['FX-P'],
      },
    );
    const t12 = compound.node.tickets.nodes.find((n) => n.code === 'RP-T12')!;
    await street.request(
      `mutation($input: ClassifyTicketInput!) { classifyTicket(input: $input) { id } }`,
      { input: { ticketId: t12.id, expectedVersion: t12.version, categoryCode: 'NOISE' } },
    );

    // what was sent upward has not moved; the live assessment has
    const kept = await street.request<{
      storedAssessments: { version: number; assessment: { categoriesGrown: { code: string }[] } }[];
    }>(
      `query($id: ID!) { storedAssessments(regionId: $id, month: "2026-10") { version assessment { categoriesGrown { code } } } }`,
      {
        id: ids['FX-S'],
      },
    );
    expect(kept.storedAssessments).toEqual([
      { version: 1, assessment: { categoriesGrown: [{ code: 'PARKING' }] } },
    ]);

    const second = await street.request<{
      generateMonthlyAssessment: { version: number; changes: unknown[] };
    }>(generate, { id: ids['FX-S'] });
    expect(second.generateMonthlyAssessment.version).toBe(2);
    expect(second.generateMonthlyAssessment.changes).toEqual([
      { path: 'categoriesGrown[NOISE].change', before: null, after: '1' },
      { path: 'categoriesGrown[NOISE].code', before: null, after: 'NOISE' },
      { path: 'categoriesGrown[NOISE].name', before: null, after: '噪音扰民' },
      { path: 'categoriesGrown[NOISE].previousReceived', before: null, after: '0' },
      { path: 'categoriesGrown[NOISE].received', before: null, after: '1' },
    ]);
  });

  it('keeps only ended months, and a community out of another’s assessments', async () => {
    const e = await errorOf(
      street.request(
        `mutation($id: ID!) { generateMonthlyAssessment(regionId: $id, month: "2099-01") { version } }`,
        {
          id: ids['FX-S'],
        },
      ),
    );
    expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month', reason: 'NOT_CLOSED' });
    const other = await errorOf(
      community.request(
        `query($id: ID!) { monthlyAssessment(regionId: $id, month: "2026-10") { minClosed } }`,
        {
          id: ids['FX-C2'],
        },
      ),
    );
    expect(other).toMatchObject({ code: 'FORBIDDEN', reason: 'OUTSIDE_JURISDICTION' });
  });
});
