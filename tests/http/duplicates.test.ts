import type { GraphQLClient } from 'graphql-request';
import { sql } from 'drizzle-orm';
import type { Database } from '@yitu/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, clientAs } from '../support/auth';
import { testNow } from '../support/clock';
import { engineName } from '../support/db';
import { insertFixture } from '../support/fixture';
import { errorOf } from '../support/graphql';
import { startServer, type RunningServer } from '../support/server';

// 已有人反映: open tickets of the same category within the category's radius (FIRE_LANE 50 m,
// NOISE 250 m) of the resident's compound, from the last 30 days, are offered before filing; a
// resident may follow one (附议) instead; staff see likely duplicates and mark one.

/** Fixture tickets around compound FX-P's point (the QR page's point without a building). */
const AROUND: {
  code: string;
  category: string;
  metres: number;
  status?: string;
  daysAgo?: number;
}[] = [
  { code: 'DUP-FL49', category: 'FIRE_LANE', metres: 49 },
  { code: 'DUP-FL51', category: 'FIRE_LANE', metres: 51 },
  { code: 'DUP-FL-CLOSED', category: 'FIRE_LANE', metres: 20, status: 'CLOSED' },
  { code: 'DUP-FL-OLD', category: 'FIRE_LANE', metres: 20, daysAgo: 31 },
  { code: 'DUP-SAN10', category: 'SANITATION', metres: 10 },
  { code: 'DUP-NZ10', category: 'NOISE', metres: 10 },
  { code: 'DUP-NZ249', category: 'NOISE', metres: 249, status: 'ACCEPTED' },
  { code: 'DUP-NZ251', category: 'NOISE', metres: 251 },
];

async function aroundFxP(database: Database) {
  await insertFixture(database);
  const now = testNow().getTime();
  for (const [i, t] of AROUND.entries()) {
    const at = new Date(now - (t.daysAgo ?? 2) * 86_400_000).toISOString();
    // due east of the compound's point, by PostGIS on the spheroid
    await database.rows(sql`
      WITH c AS (SELECT id, community_id, ST_PointOnSurface(boundary) AS p FROM compounds WHERE code = 'FX-P')
      INSERT INTO tickets (code, category_code, status, level, location, compound_id, community_id,
        description, reporter_name, reporter_phone, channel, follow_token, reported_at, version, updated_at, closed_at)
      SELECT ${t.code}, ${t.category}, ${t.status ?? 'REPORTED'}::ticket_status, 'COMMUNITY',
        ST_Project(c.p::geography, ${t.metres}::float8, radians(90))::geometry, c.id, c.community_id,
        ${`fixture ${t.code}`}, '钱八', '13600005555', 'QR', ${`fixture-follow-token-${i}-xyz`}, ${at}, 1, ${at},
        ${t.status === 'CLOSED' ? at : null}
      FROM c`);
  }
}

const ADVICE = `query($t: String!, $k: String) {
  reportAdvice(compoundCode: "FX-P", text: $t, categoryCode: $k) {
    categoryCode existing { id code categoryCode status distanceM seconds }
  }
}`;
interface Existing {
  id: string;
  code: string;
  categoryCode: string;
  status: string;
  distanceM: number;
  seconds: number;
}
const FOLLOW = `mutation($input: FollowExistingInput!) {
  followExistingTicket(input: $input) { followToken ticket { code status } }
}`;

describe(`duplicates at intake and in the ticket panel on ${engineName()}`, () => {
  let server: RunningServer;
  let staff: GraphQLClient;
  let run = 0;
  const key = () => `dup-${Date.now()}-${++run}`;
  const advise = async (text: string, categoryCode?: string) =>
    (
      await anonymousClient(server.url).request<{
        reportAdvice: { categoryCode: string; existing: Existing[] };
      }>(ADVICE, { t: text, k: categoryCode })
    ).reportAdvice;
  const follow = (ticketId: string, categoryCode: string) =>
    anonymousClient(server.url).request<{
      followExistingTicket: { followToken: string; ticket: { code: string } };
    }>(FOLLOW, {
      input: {
        ticketId,
        compoundCode: 'FX-P',
        categoryCode,
        reporterName: '孙九',
        reporterPhone: '13500006666',
        idempotencyKey: key(),
      },
    });
  const staffTicket = async (code: string) =>
    (
      await staff.request<{
        tickets: { nodes: { id: string; code: string; seconds: number; version: number }[] };
      }>(
        `query($q: String!) { tickets(filter: { search: $q }, first: 1) { nodes { id code seconds version } } }`,
        {
          q: code,
        },
      )
    ).tickets.nodes[0]!;

  beforeAll(async () => {
    server = await startServer({}, aroundFxP);
    staff = await clientAs(server.url, 'fx-command');
  });
  afterAll(() => server?.stop());

  it('offers open tickets of the category within its radius from the last 30 days, nearest first', async () => {
    const fireLane = await advise('楼道里堆满杂物', 'FIRE_LANE');
    expect(fireLane.existing.map((e) => e.code)).toEqual(['DUP-FL49']);
    expect(fireLane.existing[0]!.distanceM).toBeCloseTo(49, 0);
    const noise = await advise('晚上广场舞太吵', 'NOISE');
    expect(noise.existing.map((e) => [e.code, Math.round(e.distanceM), e.status])).toEqual([
      ['DUP-NZ10', 10, 'REPORTED'],
      ['DUP-NZ249', 249, 'ACCEPTED'],
    ]);
    // the classifier's category, when the resident chose none
    const guessed = await advise('楼道堆物占用消防通道');
    expect(guessed.categoryCode).toBe('FIRE_LANE');
    expect(guessed.existing.map((e) => e.code)).toEqual(['DUP-FL49']);
  });

  it('lets a resident follow one instead of filing: their link shows it, staff see 附议', async () => {
    const [offered] = (await advise('楼道里堆满杂物', 'FIRE_LANE')).existing;
    const { followExistingTicket } = await follow(offered!.id, 'FIRE_LANE');
    expect(followExistingTicket.ticket.code).toBe('DUP-FL49');
    const anonymous = anonymousClient(server.url);
    const followed = await anonymous.request<{ followTicket: { code: string; seconds: number } }>(
      `query($t: String!) { followTicket(token: $t) { code seconds } }`,
      { t: followExistingTicket.followToken },
    );
    expect(followed.followTicket).toEqual({ code: 'DUP-FL49', seconds: 1 });
    expect((await staffTicket('DUP-FL49')).seconds).toBe(1);
    // a follower's link reads the ticket, not whoever reported it, and does not rate it
    expect(
      await errorOf(
        anonymous.request(`query($t: String!) { followTicket(token: $t) { reporterName } }`, {
          t: followExistingTicket.followToken,
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'PERSONAL_DATA' });
    expect(
      await errorOf(
        anonymous.request(`mutation($t: String!) { rateTicket(token: $t, rating: 5) { id } }`, {
          t: followExistingTicket.followToken,
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'FOLLOWER_LINK' });
  });

  it('refuses to follow a ticket the page would not have offered, and changes nothing', async () => {
    for (const code of ['DUP-FL51', 'DUP-FL-CLOSED', 'DUP-FL-OLD', 'DUP-SAN10']) {
      const far = await staffTicket(code);
      expect(await errorOf(follow(far.id, 'FIRE_LANE'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'ticketId',
        reason: 'NOT_NEARBY',
      });
      expect((await staffTicket(code)).seconds).toBe(0);
    }
  });

  it('lists likely duplicates for staff and links one marked as a duplicate to its original', async () => {
    const filed = await anonymousClient(server.url).request<{
      reportTicket: { followToken: string; ticket: { id: string } };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { followToken ticket { id } } }`,
      {
        input: {
          compoundCode: 'FX-P',
          reporterName: '周十',
          reporterPhone: '13400007777',
          description: '晚上有人在楼下用音响放歌',
          categoryCode: 'NOISE',
          idempotencyKey: key(),
        },
      },
    );
    const id = filed.reportTicket.ticket.id;
    const panel = await staff.request<{
      node: {
        version: number;
        likelyDuplicates: { distanceM: number; ticket: { id: string; code: string } }[];
      };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Ticket { version likelyDuplicates { distanceM ticket { id code } } } } }`,
      { id },
    );
    expect(
      panel.node.likelyDuplicates.map((d) => [d.ticket.code, Math.round(d.distanceM)]),
    ).toEqual([
      ['DUP-NZ10', 10],
      ['DUP-NZ249', 249],
    ]);
    const original = panel.node.likelyDuplicates[0]!.ticket;
    const before = (await staffTicket('DUP-NZ10')).seconds;
    await staff.request(
      `mutation($input: TicketActionInput!) { actOnTicket(input: $input) { status } }`,
      {
        input: {
          ticketId: id,
          expectedVersion: panel.node.version,
          action: 'REJECT_DUPLICATE',
          duplicateOfId: original.id,
          reason: '同一处噪音，已有工单',
        },
      },
    );
    expect((await staffTicket('DUP-NZ10')).seconds).toBe(before + 1);
    // the duplicate's reporter is told where to follow: their link names the original
    const told = await anonymousClient(server.url).request<{
      followTicket: { status: string; duplicateOf: { code: string; status: string } | null };
    }>(`query($t: String!) { followTicket(token: $t) { status duplicateOf { code status } } }`, {
      t: filed.reportTicket.followToken,
    });
    expect(told.followTicket).toEqual({
      status: 'REJECTED',
      duplicateOf: { code: 'DUP-NZ10', status: 'REPORTED' },
    });
  });
});
