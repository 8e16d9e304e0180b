// The phone's outbox (离线队列): patrol reports and ticket actions taken without a network wait
// in IndexedDB (through idb) and are sent, oldest first, when the network is back. Each carries
// what makes a resend safe on the server: a report its idempotency key (a retry answers the first
// ticket), an action the ticket version it was taken at (a second try, or someone else's action
// first, is CONFLICT). Each item ends applied or refused with the API's code and reason; an item
// the network failed stays pending for the next replay. Nothing here knows React or GraphQL: the
// sender is passed in, so the rules are unit-tested with fake-indexeddb.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** A patrol report (巡查上报), as reportTicket takes it, and its photo until uploaded. */
export interface QueuedReport {
  kind: 'report';
  idempotencyKey: string;
  /** The grid worker on patrol, fixed when queued: a replay must send the same report. */
  gridWorkerCode: string;
  reporterName: string;
  reporterPhone: string;
  categoryCode: string | null;
  description: string;
  lon: number | null;
  lat: number | null;
  /** The camera's picture, kept as bytes until the upload gives it a key. */
  photo: { bytes: ArrayBuffer; type: string } | null;
  /** Set once the photo is uploaded, so a replay sends the same key (the report's hash). */
  photoKey: string | null;
}

/** One step of the loop (受理, 核查 …) on a ticket at the version the phone saw. */
export interface QueuedAction {
  kind: 'action';
  ticketId: string;
  ticketCode: string;
  action: string;
  expectedVersion: number;
  reason: string | null;
}

export type QueuedWork = QueuedReport | QueuedAction;

export type ItemState = 'pending' | 'applied' | 'refused';

export interface QueueItem {
  id: string;
  createdAt: string;
  work: QueuedWork;
  state: ItemState;
  /** applied: what the server made of it (the ticket's code); refused: its message. */
  outcome: string | null;
  /** refused: the API's code and reason (CONFLICT, BAD_TRANSITION, …). */
  code: string | null;
  reason: string | null;
  attempts: number;
}

/** What sending one item came to. A `network` failure leaves it pending. */
export type SendResult =
  | { ok: true; outcome: string }
  | { ok: false; network: true }
  | { ok: false; network: false; code: string; reason: string | null; message: string };

/** Sends one item; may update the item's work first (the uploaded photo's key) through save. */
export type Sender = (
  item: QueueItem,
  save: (work: QueuedWork) => Promise<void>,
) => Promise<SendResult>;

interface OutboxDb extends DBSchema {
  outbox: { key: string; value: QueueItem; indexes: { byCreated: string } };
  cache: { key: string; value: unknown };
}

const DB_NAME = 'yitu-phone';

export class Outbox {
  /** The replay under way: a second call waits for it instead of sending the same items again
   * (an action sent twice would come back CONFLICT over its own success). */
  private running: Promise<QueueItem[]> | null = null;

  private constructor(private readonly db: IDBPDatabase<OutboxDb>) {}

  static async open(name = DB_NAME): Promise<Outbox> {
    const db = await openDB<OutboxDb>(name, 1, {
      upgrade(database) {
        const outbox = database.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('byCreated', 'createdAt');
        database.createObjectStore('cache');
      },
    });
    return new Outbox(db);
  }

  close(): void {
    this.db.close();
  }

  /** Queues work; the id orders items taken in the same millisecond. */
  async add(work: QueuedWork, now = new Date()): Promise<QueueItem> {
    const item: QueueItem = {
      id: `${now.toISOString()}-${crypto.randomUUID()}`,
      createdAt: now.toISOString(),
      work,
      state: 'pending',
      outcome: null,
      code: null,
      reason: null,
      attempts: 0,
    };
    await this.db.put('outbox', item);
    return item;
  }

  /** Every item, oldest first. */
  async items(): Promise<QueueItem[]> {
    return (await this.db.getAll('outbox')).sort((a, b) => a.id.localeCompare(b.id));
  }

  async pending(): Promise<QueueItem[]> {
    return (await this.items()).filter((i) => i.state === 'pending');
  }

  /** Forgets the items that are done (applied or refused), once their results were seen. */
  async clearDone(): Promise<void> {
    for (const item of await this.items())
      if (item.state !== 'pending') await this.db.delete('outbox', item.id);
  }

  /**
   * Sends the pending items oldest first. Stops at the first network failure (the rest would
   * fail too, and order matters: an action may follow the report it is about). Returns the
   * items as they are now.
   */
  replay(send: Sender): Promise<QueueItem[]> {
    this.running ??= this.sendPending(send).finally(() => (this.running = null));
    return this.running;
  }

  private async sendPending(send: Sender): Promise<QueueItem[]> {
    for (const item of await this.pending()) {
      let current = item;
      const save = async (work: QueuedWork) => {
        current = { ...current, work };
        await this.db.put('outbox', current);
      };
      const result = await send(current, save).catch((): SendResult => ({
        ok: false,
        network: true,
      }));
      current = { ...current, attempts: current.attempts + 1 };
      if (result.ok) {
        current = { ...current, state: 'applied', outcome: result.outcome };
      } else if (!result.network) {
        current = {
          ...current,
          state: 'refused',
          outcome: result.message,
          code: result.code,
          reason: result.reason,
        };
      }
      await this.db.put('outbox', current);
      if (!result.ok && result.network) break;
    }
    return this.items();
  }

  /** The last data the phone had (its grid, its tickets), for opening without a network. */
  async remember(key: string, value: unknown): Promise<void> {
    await this.db.put('cache', value, key);
  }

  async recall<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('cache', key)) as T | undefined;
  }
}

/** A fresh idempotency key (8–100 of [A-Za-z0-9_-], as reportTicket asks). */
export const newIdempotencyKey = (): string => `phone-${crypto.randomUUID()}`;
