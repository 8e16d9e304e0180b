// Live ticket events over graphql-ws (the API relays PostgreSQL NOTIFY), so every open browser
// sees a dispatch or a new report at once; and the notices of a resource's own account (/v/).
import { createClient } from 'graphql-ws';
import { MY_NOTICES_SUBSCRIPTION, TICKET_EVENTS_SUBSCRIPTION, type ResultOf } from '@yitu/schema';
import type { Crs } from './app-config';
import { sessionLost } from './graphql';

export type LiveTicketEvent = ResultOf<typeof TICKET_EVENTS_SUBSCRIPTION>['ticketEvents'];
export type LiveNotice = ResultOf<typeof MY_NOTICES_SUBSCRIPTION>['myNotices'];

const open = new Set<{ dispose(): void | Promise<void> }>();

/** Close every live socket first when signing out, so its closing is not taken for a lost session. */
export function closeLiveEvents(): void {
  for (const client of open) void client.dispose();
  open.clear();
}

/** Calls onEvent for every ticket event until the returned function is called. */
export function subscribeTicketEvents(
  crs: Crs,
  onEvent: (event: LiveTicketEvent) => void,
): () => void {
  return subscribeLive<ResultOf<typeof TICKET_EVENTS_SUBSCRIPTION>>(
    TICKET_EVENTS_SUBSCRIPTION,
    { crs },
    (data) => onEvent(data.ticketEvents),
  );
}

/** Calls onNotice for every notice to the signed-in resource's account (the /v/ pages). */
export function subscribeMyNotices(onNotice: (notice: LiveNotice) => void): () => void {
  return subscribeLive<ResultOf<typeof MY_NOTICES_SUBSCRIPTION>>(
    MY_NOTICES_SUBSCRIPTION,
    {},
    (data) => onNotice(data.myNotices),
  );
}

function subscribeLive<Data>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: Data) => void,
): () => void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  // The API closes the socket with 4401 when the session ends (expired, signed out elsewhere,
  // revoked) and refuses one without a session with 4403: say so at once instead of retrying.
  const ended = (event: unknown) => [4401, 4403].includes((event as { code?: number }).code ?? 0);
  const client = createClient({
    url,
    retryAttempts: Infinity,
    shouldRetry: (event) => !ended(event),
    on: {
      closed: (event) => {
        if (ended(event)) sessionLost('SESSION_EXPIRED');
      },
    },
  });
  const stop = client.subscribe<Data>(
    { query, variables },
    {
      next: (message) => {
        if (message.data) onData(message.data);
      },
      error: () => undefined, // the client retries on its own
      complete: () => undefined,
    },
  );
  open.add(client);
  return () => {
    stop();
    open.delete(client);
    void client.dispose();
  };
}
