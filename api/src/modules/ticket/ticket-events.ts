import { createPubSub } from '@graphql-yoga/subscription';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { toGlobalId } from '../../graphql/ids';
import {
  deliverAll,
  InAppNotifier,
  noticesOf,
  type Notice,
  type Notifier,
} from '../../notify/notifier';
import type { TicketEvent } from './ticket.type';

// Ticket events reach subscribers through PostgreSQL: a trigger NOTIFYs every new event
// (migration 0004); each API process LISTENs and republishes to its own subscribers, so a
// change made through any process reaches every process's subscribers.

export interface TicketEventMessage {
  event: TicketEvent;
  /** Places the ticket belongs to, for subscription filters. */
  regionPks: number[];
  gridPk: number | null;
  /** For the subscriber's jurisdiction (auth/policy.ts mayReadTicket). */
  communityPk: number | null;
  level: string;
}

export const createTicketPubSub = () =>
  createPubSub<{ TICKET_EVENT: [TicketEventMessage]; NOTICE: [Notice] }>();
export type TicketPubSub = ReturnType<typeof createTicketPubSub>;

export async function relayTicketEvents(
  database: Database,
  pubSub: TicketPubSub,
  log: (message: string) => void,
  /** Beyond the app's own live notices: the deployer's SMS or WeChat (notify/notifier.ts). */
  external: readonly Notifier[] = [],
): Promise<() => Promise<void>> {
  const notifiers = [new InAppNotifier((n) => pubSub.publish('NOTICE', n)), ...external];
  return database.listen('ticket_events', (payload) => {
    void (async () => {
      try {
        const { eventId } = JSON.parse(payload) as { eventId: number };
        const [row] = await database.rows<
          TicketEvent & {
            regionPks: number[];
            gridPk: number | null;
            communityPk: number | null;
            level: string;
            ticketCode: string;
            ticketStatus: string;
            assignments: { resourcePk: number; status: string; assignedAt: string }[];
          }
        >(sql`
          SELECT e.id::int AS pk, e.ticket_id AS "ticketPk", e.type, e.from_status AS "fromStatus",
            e.to_status AS "toStatus", e.actor, e.reason, e.data, e.at, t.grid_id AS "gridPk",
            t.community_id AS "communityPk", t.level, t.code AS "ticketCode",
            -- the status this event left it in (a later one may have moved it on since)
            coalesce(e.to_status, t.status) AS "ticketStatus",
            COALESCE((SELECT json_agg(json_build_object('resourcePk', a.resource_id, 'status', a.status,
              'assignedAt', a.assigned_at)) FROM ticket_assignments a WHERE a.ticket_id = t.id), '[]') AS assignments,
            array_remove(ARRAY[c.id, s.id, s.parent_id], NULL) AS "regionPks"
          FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
          LEFT JOIN regions c ON c.id = t.community_id LEFT JOIN regions s ON s.id = c.parent_id
          WHERE e.id = ${eventId}`);
        if (!row) return;
        const {
          regionPks,
          gridPk,
          communityPk,
          level,
          ticketCode,
          ticketStatus,
          assignments,
          ...event
        } = row;
        pubSub.publish('TICKET_EVENT', {
          event: { ...event, id: toGlobalId('TicketEvent', event.pk) },
          regionPks,
          gridPk,
          communityPk,
          level,
        });
        await deliverAll(
          notifiers,
          noticesOf({ type: event.type, at: event.at, ticketCode, ticketStatus, assignments }),
          log,
        );
      } catch (error) {
        log(`ticket event relay: ${(error as Error).message}`);
      }
    })();
  });
}
