import type { GraphQLClient } from 'graphql-request';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, clientAs, signIn } from '../support/auth';
import { engineName } from '../support/db';
import { liveSubscription, waitFor } from '../support/live';
import { startServer, type RunningServer } from '../support/server';

// Emergencies are not tickets: the resident is told the number to call, and the report is still
// filed, urgent, with an hour on the clock, first in staff lists and live to the command centre.

const REPORT = `mutation($input: ReportTicketInput!) {
  reportTicket(input: $input) { ticket { id code urgent emergencyKind emergencyNumber reportedAt respondBy } }
}`;
const ADVICE = `query($c: String!, $t: String!, $k: String) {
  reportAdvice(compoundCode: $c, text: $t, categoryCode: $k) { emergency { kind number } categoryCode }
}`;

interface Reported {
  reportTicket: {
    ticket: {
      id: string;
      code: string;
      urgent: boolean;
      emergencyKind: string | null;
      emergencyNumber: string | null;
      reportedAt: string;
      respondBy: string;
    };
  };
}

describe(`urgent reports on ${engineName()}`, () => {
  let server: RunningServer;
  let command: GraphQLClient;
  let cookie: string;
  let compound: { code: string; community: { id: string } };
  let run = 0;
  const report = (description: string, extra: Record<string, unknown> = {}) =>
    anonymousClient(server.url).request<Reported>(REPORT, {
      input: {
        compoundCode: compound.code,
        reporterName: '赵六',
        reporterPhone: '13900003333',
        description,
        idempotencyKey: `urgent-${Date.now()}-${++run}`,
        ...extra,
      },
    });

  beforeAll(async () => {
    // a category flagged as an emergency: every report of it is urgent, whatever its words
    server = await startServer({}, async (db) => {
      await db.rows(sql`UPDATE categories SET emergency_number = '119' WHERE code = 'UTILITIES'`);
    });
    cookie = await signIn(server.url, 'command');
    command = await clientAs(server.url, 'command');
    const data = await command.request<{ compounds: { nodes: (typeof compound)[] } }>(
      `{ compounds(first: 1) { nodes { code community { id } } } }`,
    );
    compound = data.compounds.nodes[0]!;
  });
  afterAll(() => server?.stop());

  it('tells the resident which number to call, by the words or the category', async () => {
    const advise = (t: string, k?: string) =>
      anonymousClient(server.url).request<{
        reportAdvice: { emergency: { kind: string; number: string } | null };
      }>(ADVICE, { c: compound.code, t, k });
    expect((await advise('2号楼楼道里一股煤气味')).reportAdvice.emergency).toEqual({
      kind: 'GAS',
      number: '119',
    });
    expect((await advise('有老人摔倒受伤了')).reportAdvice.emergency).toEqual({
      kind: 'INJURY',
      number: '120',
    });
    expect((await advise('楼下有人持刀')).reportAdvice.emergency?.number).toBe('110');
    expect((await advise('楼道路灯不亮')).reportAdvice.emergency).toBeNull();
    expect((await advise('家里没水了', 'UTILITIES')).reportAdvice.emergency).toEqual({
      kind: 'CATEGORY',
      number: '119',
    });
  });

  it('files it urgent with an hour to respond and delivers it live to the command centre', async () => {
    const live = await liveSubscription<{
      ticketEvents: {
        type: string;
        data: { urgent?: boolean; call?: string };
        ticket: { code: string; urgent: boolean; emergencyNumber: string | null };
      };
    }>(
      server.url,
      `subscription($regionId: ID) { ticketEvents(regionId: $regionId) { type data ticket { code urgent emergencyNumber } } }`,
      { regionId: compound.community.id },
      cookie,
    );
    try {
      const { ticket } = (await report('3号楼二单元着火了，楼道全是烟')).reportTicket;
      expect(ticket).toMatchObject({ urgent: true, emergencyKind: 'FIRE', emergencyNumber: '119' });
      // an hour on the clock, not in working hours
      expect(Date.parse(ticket.respondBy) - Date.parse(ticket.reportedAt)).toBe(3_600_000);
      await waitFor(() => live.received.some((r) => r.ticketEvents.ticket.code === ticket.code));
      expect(live.received.find((r) => r.ticketEvents.ticket.code === ticket.code)).toEqual({
        ticketEvents: {
          type: 'REPORTED',
          data: expect.objectContaining({ urgent: true, call: '119', emergencyKind: 'FIRE' }),
          ticket: { code: ticket.code, urgent: true, emergencyNumber: '119' },
        },
      });
    } finally {
      await live.close();
    }
  });

  it('leaves an ordinary report to working hours, and makes a flagged category urgent', async () => {
    const plain = (await report('楼道路灯不亮了')).reportTicket.ticket;
    expect(plain).toMatchObject({ urgent: false, emergencyKind: null, emergencyNumber: null });
    expect(Date.parse(plain.respondBy) - Date.parse(plain.reportedAt)).not.toBe(3_600_000);
    const flagged = (await report('家里没水了', { categoryCode: 'UTILITIES' })).reportTicket.ticket;
    expect(flagged).toMatchObject({
      urgent: true,
      emergencyKind: 'CATEGORY',
      emergencyNumber: '119',
    });
    expect(Date.parse(flagged.respondBy) - Date.parse(flagged.reportedAt)).toBe(3_600_000);
  });

  it('lists urgent open tickets first in every staff list, page after page', async () => {
    const gas = (await report('地下车库有燃气泄漏的味道')).reportTicket.ticket;
    const seen: { code: string; urgent: boolean }[] = [];
    let after: string | null = null;
    // pages of 2 through the compound's open tickets: every urgent one before any other
    for (let page = 0; page < 50; page++) {
      const data: {
        compounds: {
          nodes: {
            tickets: {
              nodes: { code: string; urgent: boolean }[];
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }[];
        };
      } = await command.request(
        `query($code: String!, $after: String) { compounds(first: 1, filter: { search: $code }) { nodes {
          tickets(openOnly: true, first: 2, after: $after) { nodes { code urgent } pageInfo { hasNextPage endCursor } } } } }`,
        { code: compound.code, after },
      );
      const tickets = data.compounds.nodes[0]!.tickets;
      seen.push(...tickets.nodes);
      if (!tickets.pageInfo.hasNextPage) break;
      after = tickets.pageInfo.endCursor;
    }
    const firstPlain = seen.findIndex((t) => !t.urgent);
    expect(seen.filter((t) => t.urgent).length).toBeGreaterThanOrEqual(3);
    expect(seen.slice(firstPlain).every((t) => !t.urgent)).toBe(true);
    expect(seen.map((t) => t.code)).toContain(gas.code);
    expect(new Set(seen.map((t) => t.code)).size).toBe(seen.length);
    // the top-level list too
    const top = await command.request<{ tickets: { nodes: { urgent: boolean }[] } }>(
      `{ tickets(openOnly: true, first: 3) { nodes { urgent } } }`,
    );
    expect(top.tickets.nodes.map((t) => t.urgent)).toEqual([true, true, true]);
  });
});
