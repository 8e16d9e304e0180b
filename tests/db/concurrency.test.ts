import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { actOnTicket, createDb, migrate } from '@yitu/api/testing';
import { emptyDb, engineName } from '../support/db';
import { acceptedTicket, insertMatchFixture, MX_NOW } from '../support/match-fixture';

describe(`concurrency on ${engineName()}`, () => {
  it.runIf(engineName() === 'postgres')(
    'two processes migrating one empty server at once apply each migration once',
    async () => {
      const a = await emptyDb();
      // A second pool on the same database stands in for a second API process.
      const url = (await a.rows<{ db: string }>(sql`SELECT current_database() AS db`))[0]!.db;
      const b = await createDb({
        databaseUrl: process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${url}`),
      });
      try {
        await Promise.all([migrate(a), migrate(b)]);
        const [applied] = await a.rows<{ n: number; distinct: number }>(
          sql`SELECT count(*)::int AS n, count(DISTINCT hash)::int AS distinct FROM drizzle.__drizzle_migrations`,
        );
        expect(applied!.n).toBe(applied!.distinct);
        expect(applied!.n).toBe(
          fs.readdirSync(path.join(__dirname, '../../migrations')).filter((f) => f.endsWith('.sql'))
            .length,
        );
      } finally {
        await b.close();
        await a.close();
      }
    },
  );

  it.runIf(engineName() === 'pglite')(
    'a second process cannot open the same data directory',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-lock-'));
      const first = await createDb({ dataDir: dir });
      try {
        await expect(createDb({ dataDir: dir })).rejects.toThrow(
          /DATA_DIR .* is in use by process \d+/,
        );
      } finally {
        await first.close();
      }
      // Once closed, it opens again.
      const again = await createDb({ dataDir: dir });
      await again.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    180_000, // opens PGlite with PostGIS three times: a minute and more on a busy machine
  );

  it.runIf(engineName() === 'postgres')(
    'two dispatches racing for the last place of a resource: one wins, the other is refused',
    async () => {
      const a = await emptyDb();
      await migrate(a);
      const name = (await a.rows<{ db: string }>(sql`SELECT current_database() AS db`))[0]!.db;
      const b = await createDb({
        databaseUrl: process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${name}`),
      });
      try {
        const ids = await insertMatchFixture(a);
        // Several rounds, each racing two fresh tickets for MX-BUSY (capacity 1) from two pools.
        for (let round = 0; round < 5; round++) {
          const [one, two] = [await acceptedTicket(a), await acceptedTicket(a)];
          const send = (db: typeof a, t: typeof one) =>
            actOnTicket(db, {
              ticketId: t.id,
              expectedVersion: t.version,
              action: 'DISPATCH',
              actor: 'staff:race',
              resourceIds: [ids['MX-BUSY']!],
              now: MX_NOW,
            });
          const results = await Promise.allSettled([send(a, one), send(b, two)]);
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
          expect(refused.reason).toMatchObject({ reason: 'AT_CAPACITY' });
          const [held] = await a.rows<{ n: number }>(sql`
            SELECT count(*)::int AS n FROM ticket_assignments a JOIN tickets t ON t.id = a.ticket_id
            WHERE a.resource_id = ${ids['MX-BUSY']!} AND t.status = 'DISPATCHED'
              AND a.status IN ('OFFERED', 'ACCEPTED')`);
          expect(held!.n).toBe(1);
          // Free the place for the next round: the winner's ticket is sent back (its offer lapses).
          const winner = results[0]!.status === 'fulfilled' ? one : two;
          await a.db.execute(sql`
            UPDATE ticket_assignments SET status = 'RELEASED' WHERE ticket_id = ${winner.id}`);
        }
      } finally {
        await b.close();
        await a.close();
      }
    },
  );
});
