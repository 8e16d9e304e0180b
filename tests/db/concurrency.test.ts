import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  actOnTicket,
  applyImport,
  createDb,
  ensureCategories,
  migrate,
  previewImport,
} from '@yitu/api/testing';
import { emptyDb, engineName } from '../support/db';
import { collection, feature, polygon, square } from '../support/geojson';
import { acceptedTicket, insertMatchFixture, MX_NOW } from '../support/match-fixture';
import { testViewer } from '../support/viewer';

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

  it.runIf(engineName() === 'postgres')(
    'a compound created by someone else while an import applies is a conflict, not overwritten',
    async () => {
      const a = await emptyDb();
      await migrate(a);
      await ensureCategories(a);
      const name = (await a.rows<{ db: string }>(sql`SELECT current_database() AS db`))[0]!.db;
      const b = await createDb({
        databaseUrl: process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${name}`),
      });
      const viewer = testViewer(
        ['places:read', 'places:write'],
        { all: true },
        { via: 'token', tokenName: 'race' },
      );
      const box = polygon(square(117.1, 31.8, 117.12, 31.82));
      const apply = (db: typeof a, id: number) =>
        db.transaction((tx) =>
          applyImport(tx, viewer, id, { rederiveTickets: false, now: new Date() }),
        );
      try {
        const regions = await previewImport(
          a,
          viewer,
          {
            fileName: 'regions.geojson',
            bytes: collection(
              feature({ 编码: '349902', 名称: '试验区', 级别: '区' }, box),
              feature(
                { 编码: '349902001', 名称: '试验街道', 级别: '街道', 上级编码: '349902' },
                box,
              ),
              feature(
                { 编码: '349902001001', 名称: '第一社区', 级别: '社区', 上级编码: '349902001' },
                box,
              ),
            ),
          },
          { kind: 'REGION' },
        );
        await apply(a, regions);
        const compounds = await previewImport(
          a,
          viewer,
          {
            fileName: 'compounds.geojson',
            bytes: collection(
              feature(
                { 编码: 'RACE-1', 名称: '文件里的小区', 所属社区: '349902001001' },
                polygon(square(117.105, 31.805, 117.107, 31.807)),
              ),
            ),
          },
          { kind: 'COMPOUND' },
        );
        // someone else creates the same code and has not committed yet when the apply writes
        let commit!: () => void;
        const held = new Promise<void>((resolve) => (commit = resolve));
        let inserted!: () => void;
        const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
        const other = b.transaction(async (tx) => {
          await tx.rows(sql`
            INSERT INTO compounds (code, name, community_id, boundary)
            SELECT 'RACE-1', '别人画的小区', id, ST_GeomFromText('POLYGON((117.11 31.81, 117.112 31.81, 117.112 31.812, 117.11 31.81))', 4326)
            FROM regions WHERE code = '349902001001'`);
          inserted();
          await held;
        });
        await insertedYet;
        const applying = apply(a, compounds);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the apply waits on the code
        commit();
        await other;
        // the driver's unique violation (errors.ts answers it as CONFLICT UNIQUE_VIOLATION)
        await expect(applying).rejects.toMatchObject({
          cause: { code: '23505', constraint: 'compounds_code_unique' },
        });
        const kept = await a.rows<{ name: string; version: number }>(
          sql`SELECT name, version FROM compounds WHERE code = 'RACE-1'`,
        );
        expect(kept).toEqual([{ name: '别人画的小区', version: 1 }]);
        const [state] = await a.rows<{ status: string }>(
          sql`SELECT status FROM imports WHERE id = ${compounds}`,
        );
        expect(state!.status).toBe('PREVIEWED'); // nothing written: it can be checked again
      } finally {
        await b.close();
        await a.close();
      }
    },
  );
});
