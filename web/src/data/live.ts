// Live ticket events over graphql-ws (the API relays PostgreSQL NOTIFY), so every open browser
// sees a dispatch or a new report at once.
import { createClient } from 'graphql-ws';
import { TICKET_EVENTS_SUBSCRIPTION } from '@yitu/schema';
import type { Crs } from './app-config';
import type { TicketPoint } from './map-data';

export interface LiveTicketEvent {
  type: string;
  ticket: TicketPoint;
}

/** Calls onEvent for every ticket event until the returned function is called. */
export function subscribeTicketEvents(
  crs: Crs,
  onEvent: (event: LiveTicketEvent) => void,
): () => void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const client = createClient({ url, retryAttempts: Infinity, shouldRetry: () => true });
  const stop = client.subscribe<{ ticketEvents: LiveTicketEvent }>(
    { query: TICKET_EVENTS_SUBSCRIPTION, variables: { crs } },
    {
      next: (message) => {
        if (message.data) onEvent(message.data.ticketEvents);
      },
      error: () => undefined, // the client retries on its own
      complete: () => undefined,
    },
  );
  return () => {
    stop();
    void client.dispose();
  };
}
