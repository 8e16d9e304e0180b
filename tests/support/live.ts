import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Subscribes over graphql-ws as the map app does (its session cookie on the upgrade request) and
 * collects what arrives; resolves once connected and the subscribe message has been sent.
 */
export async function liveSubscription<T>(
  url: string,
  query: string,
  variables: Record<string, string>,
  cookie: string,
) {
  class SignedInSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  }
  const client: Client = createClient({
    url: url.replace('http', 'ws') + '/graphql',
    webSocketImpl: SignedInSocket,
    lazy: false,
  });
  const received: T[] = [];
  const errors: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('error', reject);
    client.on('closed', (event) => reject(new Error(`closed ${(event as { code: number }).code}`)));
  });
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (message) => message.data && received.push(message.data),
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  await new Promise((r) => setTimeout(r, 300)); // let the subscribe message reach the server
  return {
    received,
    errors,
    close: async () => {
      stop();
      await client.dispose();
    },
  };
}

/** Polls until `check` holds or `ms` pass (the caller's expectation then says what failed). */
export const waitFor = async (check: () => boolean, ms = 8000) => {
  for (let waited = 0; !check() && waited < ms; waited += 100)
    await new Promise((r) => setTimeout(r, 100));
};
