// The phone's outbox (离线队列): patrol reports and ticket actions taken without a network wait
// in IndexedDB (through idb) and are sent, oldest first, when the network is back. Each carries
// what makes a resend safe on the server: a report its idempotency key (a retry answers the first
// ticket), an action the ticket version it was taken at (a second try, or someone else's action
// first, is CONFLICT). Each item ends applied or refused with the API's code and reason; an item
// the network failed stays pending for the next replay. Nothing here knows React or GraphQL: the
// sender is passed in, so the rules are unit-tested with fake-indexeddb.
//
// An item belongs to the account that queued it (queuedBy) and only that account's replay sends
// it: a report or an action sent under someone else's session (or none) would be refused, or
// worse, done in their name. A replay that meets UNAUTHENTICATED stops and leaves the items
// pending until the same account signs in again.
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
  /** The username of the account that queued it: only its replay sends the item. */
  queuedBy: string;
  work: QueuedWork;
  state: ItemState;
  /** applied: what the server made of it (the ticket's code); refused: its message. */
  outcome: string | null;
  /** refused: the API's code and reason (CONFLICT, BAD_TRANSITION, …). */
  code: string | null;
  reason: string | null;
  attempts: number;
  /** Tries the server answered with its own failure (INTERNAL_SERVER_ERROR); capped. */
  serverErrors?: number;
}

/** After this many server failures an item is refused with the last one, not retried for ever. */
export const MAX_SERVER_ERRORS = 5;

/** What sending one item came to. A `network` failure leaves it pending (a `serverError` one
 * counts towards MAX_SERVER_ERRORS); `signIn` means the session is gone: stop, keep it pending. */
export type SendResult =
  | { ok: true; outcome: string }
  | { ok: false; network: true; serverError?: { code: string; message: string } }
  | { ok: false; network: false; signIn: true }
  | { ok: false; network: false; code: string; reason: string | null; message: string };

/** A replay's end: the items as they are now, and whether it stopped for want of a sign-in. */
export interface Replay {
  items: QueueItem[];
  signInNeeded: boolean;
}

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
  private running: Promise<Replay> | null = null;

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
  async add(work: QueuedWork, queuedBy: string, now = new Date()): Promise<QueueItem> {
    const item: QueueItem = {
      id: `${now.toISOString()}-${crypto.randomUUID()}`,
      createdAt: now.toISOString(),
      queuedBy,
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

  /** Forgets `who`'s items that are done (applied or refused), once their results were seen. */
  async clearDone(who: string): Promise<void> {
    for (const item of await this.items())
      if (item.state !== 'pending' && item.queuedBy === who)
        await this.db.delete('outbox', item.id);
  }

  /**
   * Sends `who`'s pending items oldest first, until none is left (items queued meanwhile are sent
   * too). Stops at the first network failure (the rest would fail too, and order matters: an
   * action may follow the report it is about) and at UNAUTHENTICATED; with nobody signed in
   * (`who` null) sends nothing and says a sign-in is needed. Across tabs, one replay at a time
   * (navigator.locks where the browser has it).
   */
  replay(send: Sender, who: string | null): Promise<Replay> {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    const exclusive = () =>
      new Promise<Replay>((resolve, reject) => {
        locks!
          .request('yitu-outbox', () => this.sendPending(send, who).then(resolve, reject))
          .catch(reject);
      });
    this.running ??= (locks ? exclusive() : this.sendPending(send, who)).finally(
      () => (this.running = null),
    );
    return this.running;
  }

  private async sendPending(send: Sender, who: string | null): Promise<Replay> {
    if (!who) return { items: await this.items(), signInNeeded: true };
    const tried = new Set<string>();
    for (;;) {
      const item = (await this.pending()).find((i) => i.queuedBy === who && !tried.has(i.id));
      if (!item) break;
      tried.add(item.id);
      let current = item;
      const save = async (work: QueuedWork) => {
        current = { ...current, work };
        await this.db.put('outbox', current);
      };
      const result = await send(current, save).catch((): SendResult => ({
        ok: false,
        network: true,
      }));
      if (!result.ok && 'signIn' in result)
        return { items: await this.items(), signInNeeded: true };
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
      } else if (result.serverError) {
        const serverErrors = (current.serverErrors ?? 0) + 1;
        current = { ...current, serverErrors };
        if (serverErrors >= MAX_SERVER_ERRORS)
          current = {
            ...current,
            state: 'refused',
            outcome: result.serverError.message,
            code: result.serverError.code,
            reason: 'TOO_MANY_SERVER_ERRORS',
          };
      }
      await this.db.put('outbox', current);
      if (current.state === 'pending') break;
    }
    return { items: await this.items(), signInNeeded: false };
  }

  /** Forgets what was kept for opening offline (the grid, its tickets, the viewer), as on
   * sign-out or another account signing in. The outbox's items stay: each waits for its own. */
  async forgetKept(): Promise<void> {
    await this.db.clear('cache');
  }

  /** The last data the phone had (its grid, its tickets), for opening without a network. */
  async remember(key: string, value: unknown): Promise<void> {
    await this.db.put('cache', value, key);
  }

  async recall<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('cache', key)) as T | undefined;
  }
}

/** A ticket as the server has it now: its status and its log, oldest first. */
export interface TicketLog {
  status: string;
  events: { type: string; actor: string; fromStatus: string | null; toStatus: string | null }[];
}

/**
 * Whether an action that came back CONFLICT had taken effect already: its first send reached the
 * server but the answer was lost. So when the ticket's last change of status was this very action
 * by this account, and the ticket is still where it put it.
 */
export function alreadyApplied(work: QueuedAction, username: string, ticket: TicketLog): boolean {
  const moves = ticket.events.filter((e) => e.toStatus !== null && e.toStatus !== e.fromStatus);
  const last = moves.at(-1);
  return (
    !!last &&
    last.type === work.action &&
    last.actor === `account:${username}` &&
    last.toStatus === ticket.status
  );
}

/** A fresh idempotency key (8–100 of [A-Za-z0-9_-], as reportTicket asks). */
export const newIdempotencyKey = (): string => `phone-${crypto.randomUUID()}`;
