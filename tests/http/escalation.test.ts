import { clientAs } from '../support/auth';
import { afterAll, describe, expect, it } from 'vitest';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

const DAY = 86_400_000;

describe(`automatic escalation on ${engineName()}`, () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  const ticketLog = async (s: RunningServer, id: string) =>
    (
      await (
        await clientAs(s.url, 'command')
      ).request<{
        node: {
          level: string;
          version: number;
          events: { nodes: { type: string; actor: string }[] };
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Ticket { level version events(first: 100) { nodes { type actor } } } } }`,
        { id },
      )
    ).node;

  it('escalates a ticket once when its deadline passes, across restarts', async () => {
    // Report a compound-level matter (PARKING: 40 working hours) with the job off.
    server = await startServer();
    const client = await clientAs(server.url, 'command');
    const compound = await client.request<{ compounds: { nodes: { code: string }[] } }>(
      `{ compounds(first: 1) { nodes { code } } }`,
    );
    const { reportTicket } = await client.request<{
      reportTicket: { ticket: { id: string; level: string } };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { id level } } }`,
      {
        input: {
          compoundCode: compound.compounds.nodes[0]!.code,
          reporterName: '李四',
          reporterPhone: '13900001111',
          description: '车位长期被占',
          categoryCode: 'PARKING',
          idempotencyKey: `esc-${Date.now()}`,
        },
      },
    );
    const id = reportTicket.ticket.id;
    expect(reportTicket.ticket.level).toBe('COMPOUND');

    // Restart 30 days later (the clock moved past the deadline) with the job on.
    const later = { YITU_CLOCK_OFFSET_MS: String(30 * DAY), YITU_ESCALATION_INTERVAL_MS: '200' };
    server = await server.restart(later);
    let log = await ticketLog(server, id);
    for (let i = 0; i < 50 && log.level === 'COMPOUND'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      log = await ticketLog(server, id);
    }
    expect(log.level).toBe('COMMUNITY');

    // Restart again at the same time: the breach was handled, nothing escalates twice.
    server = await server.restart(later);
    await new Promise((r) => setTimeout(r, 1500)); // several job ticks
    log = await ticketLog(server, id);
    const escalations = log.events.nodes.filter((e) => e.type === 'ESCALATE');
    expect(escalations).toEqual([{ type: 'ESCALATE', actor: 'system:deadline' }]);
    expect(log.level).toBe('COMMUNITY');
    expect(log.version).toBe(2);
  }, 180_000); // three starts, the second escalating every seeded ticket 30 days late
});
