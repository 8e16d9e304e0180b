import { AsyncLocalStorage } from 'node:async_hooks';

// Every request has a time budget in the database, and takes its turns fairly: statements run
// through a queue of connection slots (PGlite has one, the pool its size); the next free slot
// goes to the waiting request that has used the least database time, and a request may never
// hold the last slots of a pool, so a trivial request waits at most for one running statement.
// A request that has used its budget gets no more turns (TimeBudgetError); on PostgreSQL a single
// statement is also cancelled at the budget (statement_timeout). PGlite cannot cancel a running
// statement (statement_timeout has no effect there): the statement finishes, the request stops.

export class TimeBudgetError extends Error {
  constructor(readonly budgetMs: number) {
    super(`the request used its ${budgetMs} ms of database time and was stopped: ask for less`);
  }
}

/** PostgreSQL's "canceling statement due to statement timeout" (SQLSTATE 57014). */
export const QUERY_CANCELED = '57014';

interface Spend {
  budgetMs: number;
  usedMs: number;
  /** The answer is decided: what follows (its audit line) is bookkeeping, never refused. */
  settled: boolean;
}

const spent = (s: Spend) => !s.settled && s.usedMs >= s.budgetMs;

const spending = new AsyncLocalStorage<Spend>();

/** Runs fn as one request: every statement under it shares budgetMs of database time. */
export function withTimeBudget<T>(budgetMs: number, fn: () => T): T {
  return spending.run({ budgetMs, usedMs: 0, settled: false }, fn);
}

/** Runs fn outside the request's budget: knowing who asks is not the asker's work to pay for. */
export const outsideTimeBudget = <T>(fn: () => T): T => spending.exit(fn);

/** Called once the request's answer is decided: its audit line must still be written. */
export function settleTimeBudget(): void {
  const spend = spending.getStore();
  if (spend) spend.settled = true;
}

/** The budget of the request being served, if any (PostgreSQL's statement_timeout follows it). */
export function currentBudgetMs(): number | undefined {
  const spend = spending.getStore();
  return spend && !spend.settled ? spend.budgetMs : undefined;
}

/** The request's budget error if it is spent, following a cause chain (drizzle wraps errors). */
export function timeBudgetOf(error: unknown): TimeBudgetError | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TimeBudgetError) return e;
    if ((e as { code?: unknown }).code === QUERY_CANCELED)
      return new TimeBudgetError(currentBudgetMs() ?? 0);
  }
  return null;
}

interface Waiting {
  spend: Spend | undefined;
  order: number;
  start: (release: () => void) => void;
  refuse: (error: Error) => void;
}

export class StatementQueue {
  private running = 0;
  private order = 0;
  private readonly waiting: Waiting[] = [];
  private readonly held = new Map<Spend | undefined, number>();
  /** Slots one request may hold at once: all but two of a pool, the only one of PGlite. */
  private readonly perRequest: number;

  constructor(private readonly slots: number) {
    this.perRequest = Math.max(1, slots - 2);
  }

  /** Waits for a slot for the current request; call the returned release when done. */
  acquire(): Promise<() => void> {
    const spend = spending.getStore();
    if (spend && spent(spend)) return Promise.reject(new TimeBudgetError(spend.budgetMs));
    return new Promise((start, refuse) => {
      this.waiting.push({ spend, order: this.order++, start, refuse });
      this.next();
    });
  }

  async run<T>(statement: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await statement();
    } finally {
      release();
    }
  }

  private next() {
    while (this.running < this.slots) {
      let chosen = -1;
      for (let i = 0; i < this.waiting.length; i++) {
        const w = this.waiting[i]!;
        if ((this.held.get(w.spend) ?? 0) >= this.perRequest) continue;
        const best = chosen < 0 ? undefined : this.waiting[chosen]!;
        if (
          !best ||
          (w.spend?.usedMs ?? 0) < (best.spend?.usedMs ?? 0) ||
          ((w.spend?.usedMs ?? 0) === (best.spend?.usedMs ?? 0) && w.order < best.order)
        )
          chosen = i;
      }
      if (chosen < 0) return;
      const [w] = this.waiting.splice(chosen, 1) as [Waiting];
      if (w.spend && spent(w.spend)) {
        w.refuse(new TimeBudgetError(w.spend.budgetMs));
        continue;
      }
      this.running++;
      this.held.set(w.spend, (this.held.get(w.spend) ?? 0) + 1);
      const started = performance.now();
      let released = false;
      w.start(() => {
        if (released) return;
        released = true;
        this.running--;
        const held = this.held.get(w.spend)! - 1;
        if (held === 0) this.held.delete(w.spend);
        else this.held.set(w.spend, held);
        if (w.spend) w.spend.usedMs += performance.now() - started;
        this.next();
      });
    }
  }
}
