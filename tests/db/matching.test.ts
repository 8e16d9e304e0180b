import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  actOnTicket,
  answerDispatch,
  applyDispatchPlan,
  communityLists,
  createCalendar,
  createContext,
  gridDispatchPlan,
  matchTickets,
  type Database,
} from '@yitu/api/testing';
import { engineName, rolledBack, testDb } from '../support/db';
import { acceptedTicket, insertMatchFixture, MX_NOW, MX_SAT_OPENS } from '../support/match-fixture';

// Rankings whose right answer is known from where the fixture puts each resource (see
// ../support/match-fixture.ts). Every test runs in a transaction that is rolled back.

const inFixture = (tx: Database) => withFixture(tx);
async function withFixture(tx: Database) {
  const ids = await insertMatchFixture(tx);
  const codeOf = new Map(Object.entries(ids).map(([code, id]) => [id, code]));
  const match = async (
    ticketId: number,
    options: Partial<Parameters<typeof matchTickets>[2]> = {},
  ) =>
    (await matchTickets(tx, [ticketId], { now: MX_NOW, first: 20, ...options })).map((m) => ({
      ...m,
      code: codeOf.get(m.resourcePk) ?? `other:${m.resourcePk}`,
    }));
  const dispatch = (ticket: { id: number; version: number }, ...codes: string[]) =>
    actOnTicket(tx, {
      ticketId: ticket.id,
      expectedVersion: ticket.version,
      action: 'DISPATCH',
      actor: 'staff:mx',
      resourceIds: codes.map((c) => ids[c]!),
      now: MX_NOW,
    });
  const assignment = async (ticketId: number, code: string) =>
    (
      await tx.rows<{ id: number; status: string }>(sql`
        SELECT id, status FROM ticket_assignments WHERE ticket_id = ${ticketId} AND resource_id = ${ids[code]!}`)
    )[0];
  const ticket = async (id: number) =>
    (
      await tx.rows<{ status: string; version: number }>(
        sql`SELECT status, version FROM tickets WHERE id = ${id}`,
      )
    )[0]!;
  return { ids, match, dispatch, assignment, ticket };
}

describe(`matching on ${engineName()}`, () => {
  it('ranks the hand-placed resources as their places and records say', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { match } = await inFixture(tx);
      const t = await acceptedTicket(tx);
      const ranked = await match(t.id);
      const codes = ranked.map((m) => m.code);
      const at = (code: string) => {
        expect(codes).toContain(code);
        return codes.indexOf(code);
      };
      // Only resources that can do the category: MX-OTHER never appears, nor anyone else's.
      expect(codes).not.toContain('MX-OTHER');
      expect(codes.every((c) => c.startsWith('MX-'))).toBe(true);
      // Nearer beats farther at equal fit.
      expect(at('MX-NEAR')).toBeLessThan(at('MX-FAR'));
      // A claimed zone beats a slightly nearer non-claimer.
      const claim = ranked[at('MX-CLAIM')]!;
      const near = ranked[at('MX-NEAR')]!;
      expect(claim.distanceMeters).toBeGreaterThan(near.distanceMeters);
      expect(claim.inClaimedZone).toBe(true);
      expect(at('MX-CLAIM')).toBeLessThan(at('MX-NEAR'));
      // Out of its hours (Saturdays only) it comes after every available one, though nearest.
      const sat = ranked[at('MX-SAT')]!;
      expect(sat.availableNow).toBe(false);
      expect(new Date(sat.nextAvailableAt!).toISOString()).toBe(MX_SAT_OPENS.toISOString());
      expect(at('MX-SAT')).toBe(codes.length - 1);
      expect(Math.min(...ranked.map((m) => m.distanceMeters))).toBe(sat.distanceMeters);
      // Components are returned and add up to the score; distances are metres on the sphere.
      expect(near.distanceMeters).toBeGreaterThan(100);
      expect(near.distanceMeters).toBeLessThan(108);
      for (const m of ranked) {
        const p = m.points;
        expect(p.availability + p.capability + p.distance + p.zone + p.load + p.record).toBeCloseTo(
          m.score,
          1,
        );
        expect(m.capabilityFit).toBe(1);
        expect(m.recordCounts).toBe(false); // no finished tickets yet: neutral record
      }
    });
  });

  it('applies the filters: kind, available now, max distance', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { match } = await inFixture(tx);
      const t = await acceptedTicket(tx);
      expect((await match(t.id, { kind: 'DEPARTMENT' as never })).map((m) => m.code)).toEqual([
        'MX-DEPT',
      ]);
      const now = await match(t.id, { availableNow: true });
      expect(now.map((m) => m.code)).not.toContain('MX-SAT');
      expect(now.every((m) => m.availableNow)).toBe(true);
      const within = await match(t.id, { maxDistanceMeters: 300 });
      expect(within.map((m) => m.code)).toContain('MX-CLAIM');
      expect(within.map((m) => m.code)).not.toContain('MX-FAR');
      expect(within.every((m) => m.distanceMeters <= 300)).toBe(true);
    });
  });

  it('excludes a resource at capacity, and refuses to dispatch to it', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { match, dispatch, ticket, assignment } = await inFixture(tx);
      const first = await acceptedTicket(tx);
      const second = await acceptedTicket(tx, { x: 6, y: 6 });
      expect((await match(first.id)).map((m) => m.code)).toContain('MX-BUSY');
      await dispatch(second, 'MX-BUSY'); // capacity 1: now full
      const ranked = await match(first.id);
      expect(ranked.map((m) => m.code)).not.toContain('MX-BUSY');
      const error = await dispatch(first, 'MX-BUSY').catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'AT_CAPACITY',
        details: { refusals: [{ reason: 'AT_CAPACITY' }] },
      });
      expect(await ticket(first.id)).toEqual({ status: 'ACCEPTED', version: first.version });
      expect(await assignment(first.id, 'MX-BUSY')).toBeUndefined();
      // Load counts only tickets still being handled: once the second is resolved, room again.
      for (const action of ['START', 'RESOLVE'] as const) {
        const { version } = await ticket(second.id);
        await actOnTicket(tx, {
          ticketId: second.id,
          expectedVersion: version,
          action,
          actor: 'resource:MX-BUSY',
          now: MX_NOW,
        });
      }
      expect((await match(first.id)).map((m) => m.code)).toContain('MX-BUSY');
    });
  });

  it('does not offer a ticket again to a resource that declined it', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { match, dispatch, ticket, assignment } = await inFixture(tx);
      const t = await acceptedTicket(tx);
      await dispatch(t, 'MX-DECL');
      const offer = await assignment(t.id, 'MX-DECL');
      expect(offer!.status).toBe('OFFERED');
      await expect(
        answerDispatch(tx, { assignmentId: offer!.id, answer: 'DECLINE', reason: '', now: MX_NOW }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
      await answerDispatch(tx, {
        assignmentId: offer!.id,
        answer: 'DECLINE',
        reason: '本周外出',
        now: MX_NOW,
      });
      // The only one sent declined: the ticket is back to be matched again, without it.
      const back = await ticket(t.id);
      expect(back.status).toBe('ACCEPTED');
      expect((await match(t.id)).map((m) => m.code)).not.toContain('MX-DECL');
      await expect(dispatch({ id: t.id, version: back.version }, 'MX-DECL')).rejects.toMatchObject({
        reason: 'DECLINED_BEFORE',
      });
      // A department takes what it is sent at once and may not decline.
      await dispatch({ id: t.id, version: back.version }, 'MX-DEPT');
      const dept = await assignment(t.id, 'MX-DEPT');
      expect(dept!.status).toBe('ACCEPTED');
      await expect(
        answerDispatch(tx, {
          assignmentId: dept!.id,
          answer: 'DECLINE',
          reason: '忙',
          now: MX_NOW,
        }),
      ).rejects.toMatchObject({ code: 'BAD_TRANSITION' });
    });
  });

  it('offers a reopened ticket again to the resource that handled it, as dispatch allows', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { match, dispatch, ticket, assignment } = await inFixture(tx);
      const t = await acceptedTicket(tx);
      await dispatch(t, 'MX-NEAR');
      await answerDispatch(tx, {
        assignmentId: (await assignment(t.id, 'MX-NEAR'))!.id,
        answer: 'TAKE',
        now: MX_NOW,
      });
      // While it holds the ticket it is not offered it again.
      expect((await match(t.id)).map((m) => m.code)).not.toContain('MX-NEAR');
      const steps = [
        ['START', 'resource:MX-NEAR'],
        ['RESOLVE', 'resource:MX-NEAR'],
        ['VERIFY_PASS', 'staff:mx'],
        ['CLOSE', 'staff:mx'],
        ['REOPEN', 'resident:测试居民'],
      ] as const;
      for (const [action, actor] of steps) {
        await actOnTicket(tx, {
          ticketId: t.id,
          expectedVersion: (await ticket(t.id)).version,
          action,
          actor,
          reason: '仍然漏水',
          now: MX_NOW,
        });
      }
      const reopened = await ticket(t.id);
      expect(reopened.status).toBe('ACCEPTED');
      // A new round: matching offers it again, and dispatch accepts it.
      expect((await match(t.id)).map((m) => m.code)).toContain('MX-NEAR');
      await dispatch({ id: t.id, version: reopened.version }, 'MX-NEAR');
      expect((await assignment(t.id, 'MX-NEAR'))!.status).toBe('OFFERED');
    });
  });

  it('plans a whole grid without putting any resource over its capacity, then applies it', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { ids } = await inFixture(tx);
      // 16 categorised tickets against 13 places in all (2 × 6 + MX-BUSY's 1), and one not classified.
      for (let i = 0; i < 16; i++) await acceptedTicket(tx, { x: 3 + (i % 5), y: 3 + (i % 4) });
      await acceptedTicket(tx, { x: 4, y: 4 }, null);
      const [grid] = await tx.rows<{ id: number }>(sql`SELECT id FROM grids WHERE code = 'MX-GA'`);
      const plan = await gridDispatchPlan(tx, grid!.id, MX_NOW);
      expect(plan.items).toHaveLength(13);
      expect(plan.unplanned.map((u) => u.reason).sort()).toEqual([
        'NEEDS_CATEGORY',
        'NO_CANDIDATE',
        'NO_CANDIDATE',
        'NO_CANDIDATE',
      ]);
      const perResource = new Map<number, number>();
      for (const item of plan.items) {
        perResource.set(item.match.resourcePk, (perResource.get(item.match.resourcePk) ?? 0) + 1);
      }
      for (const item of plan.items) {
        expect(perResource.get(item.match.resourcePk)! + item.match.load).toBeLessThanOrEqual(
          item.match.capacity,
        );
      }
      // All or nothing: a plan whose second item is wrong changes nothing, and says which item.
      const versions = sql`SELECT id, status, version FROM tickets ORDER BY id`;
      const before = await tx.rows(versions);
      const [a, b] = plan.items;
      const wrong = await applyDispatchPlan(tx, {
        actor: 'staff:mx',
        now: MX_NOW,
        items: [
          {
            ticketId: a!.ticketPk,
            expectedVersion: a!.expectedVersion,
            resourceIds: [a!.match.resourcePk],
          },
          {
            ticketId: b!.ticketPk,
            expectedVersion: b!.expectedVersion,
            resourceIds: [ids['MX-OTHER']!],
          },
        ],
      }).catch((e: unknown) => e);
      expect(wrong).toMatchObject({ reason: 'NOT_CAPABLE', field: 'items.1.resourceIds' });
      expect(await tx.rows(versions)).toEqual(before);
      await applyDispatchPlan(tx, {
        actor: 'staff:mx',
        now: MX_NOW,
        items: plan.items.map((i) => ({
          ticketId: i.ticketPk,
          expectedVersion: i.expectedVersion,
          resourceIds: [i.match.resourcePk],
        })),
      });
      const loads = await tx.rows<{ code: string; load: number; capacity: number }>(sql`
        SELECT s.code, s.capacity, count(a.id)::int AS load FROM resources s
        LEFT JOIN ticket_assignments a ON a.resource_id = s.id AND a.status IN ('OFFERED', 'ACCEPTED')
        WHERE s.code LIKE 'MX-%' GROUP BY s.code, s.capacity`);
      for (const l of loads) expect(l.load).toBeLessThanOrEqual(l.capacity);
      expect(loads.reduce((n, l) => n + l.load, 0)).toBe(13);
      // Every place is taken: one more ticket on a full resource is refused, naming the item.
      const extra = await acceptedTicket(tx);
      const error = await applyDispatchPlan(tx, {
        actor: 'staff:mx',
        now: MX_NOW,
        items: [
          { ticketId: extra.id, expectedVersion: extra.version, resourceIds: [ids['MX-NEAR']!] },
        ],
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'AT_CAPACITY', field: 'items.0.resourceIds' });
      expect((await gridDispatchPlan(tx, grid!.id, MX_NOW)).items).toEqual([]);
    });
  });

  it('keeps the three lists of a community from its tickets and resources', async () => {
    await rolledBack(await testDb(), async (tx) => {
      const { dispatch } = await inFixture(tx);
      const tickets = [
        await acceptedTicket(tx),
        await acceptedTicket(tx),
        await acceptedTicket(tx),
      ];
      await dispatch(tickets[0]!, 'MX-NEAR');
      const [community] = await tx.rows<{ id: number }>(
        sql`SELECT id FROM regions WHERE code = 'MX-C'`,
      );
      const [lists] = await communityLists(
        createContext(tx, () => MX_NOW, createCalendar()),
        {
          communityPks: [community!.id],
        },
      );
      const mx = lists!.balances.find((b) => b.categoryCode === 'MX_CAT');
      // Seven resources can do mx_cap: six with 2 places and MX-BUSY with 1; one place is taken.
      expect(mx).toEqual({
        categoryCode: 'MX_CAT',
        openTickets: 3,
        last90Days: 3,
        resourceCount: 7,
        capacity: 13,
        freeCapacity: 12,
        gap: -9,
      });
      expect(lists!.services).toEqual([
        { capability: 'mx_cap', resourceCount: 7, capacity: 13 },
        { capability: 'mx_other', resourceCount: 1, capacity: 2 },
      ]);
    });
  });

  it('tells "available now" and "next available" the same way, in Beijing time', async () => {
    const db = await testDb();
    const kinds = [
      { always: true },
      { weekly: [[2, '08:00', '18:00']] },
      {
        weekly: [
          [6, '09:00', '17:00'],
          [7, '09:00', '17:00'],
        ],
        monthlyDays: [8, 18, 28],
      },
      { monthlyDays: [24] },
      {},
    ];
    // Tuesday 24 November 2026 from 00:30 to 23:30 Beijing time, and Saturday the 28th at noon.
    const times = [
      ...Array.from({ length: 24 }, (_, h) => new Date(Date.UTC(2026, 10, 23, 16 + h, 30))),
      new Date('2026-11-28T04:00:00Z'),
    ];
    const rows = await db.rows<{ kind: number; at: string; now: boolean; next: string | null }>(sql`
      SELECT k.ord AS kind, t.at::text AS at, yitu_available_at(k.a, t.at) AS now,
        yitu_next_available(k.a, t.at)::text AS next
      FROM jsonb_array_elements(${JSON.stringify(kinds)}::jsonb) WITH ORDINALITY AS k(a, ord),
        unnest(${`{${times.map((t) => t.toISOString()).join(',')}}`}::timestamptz[]) AS t(at)`);
    expect(rows).toHaveLength(kinds.length * times.length);
    for (const r of rows)
      expect(r.now, `${JSON.stringify(kinds[r.kind - 1])} at ${r.at}`).toBe(r.next === r.at);
    // Spot checks: Tuesday 10:00 Beijing is inside Tuesday's hours; at 19:00 the next window
    // is the following Tuesday 08:00; the 24th is a monthly day until 18:00; {} never works.
    const at = (a: object, t: string) =>
      db.rows<{ now: boolean; next: string }>(sql`
        SELECT yitu_available_at(${JSON.stringify(a)}::jsonb, ${t}::timestamptz) AS now,
          yitu_next_available(${JSON.stringify(a)}::jsonb, ${t}::timestamptz) AS next`);
    expect((await at(kinds[1]!, '2026-11-24T02:00:00Z'))[0]!.now).toBe(true);
    expect(new Date((await at(kinds[1]!, '2026-11-24T11:00:00Z'))[0]!.next).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect((await at(kinds[3]!, '2026-11-24T09:59:00Z'))[0]!.now).toBe(true);
    expect((await at(kinds[3]!, '2026-11-24T10:00:00Z'))[0]!.now).toBe(false);
    expect((await at(kinds[4]!, '2026-11-24T10:00:00Z'))[0]!.next).toBeNull();
  });
});
