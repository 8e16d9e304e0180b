import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alreadyApplied,
  MAX_SERVER_ERRORS,
  Outbox,
  newIdempotencyKey,
  type QueueItem,
  type QueuedWork,
  type Sender,
} from './queue';

// The outbox's rules without a browser (fake-indexeddb): oldest first, a network failure keeps
// an item and everything after it pending, a refusal keeps its code and reason, an applied item
// is never sent again, and a photo uploaded before a lost answer is not uploaded twice.

const report = (description: string, photo = false): QueuedWork => ({
  kind: 'report',
  idempotencyKey: newIdempotencyKey(),
  gridWorkerCode: 'W1',
  reporterName: '网格员',
  reporterPhone: '13900001111',
  categoryCode: null,
  description,
  lon: 119,
  lat: 32,
  photo: photo ? { bytes: new Uint8Array([1, 2, 3]).buffer, type: 'image/png' } : null,
  photoKey: null,
});
const verify = (version: number): QueuedWork => ({
  kind: 'action',
  ticketId: 'VGlja2V0OjE=',
  ticketCode: 'T1',
  action: 'VERIFY_PASS',
  expectedVersion: version,
  reason: null,
});
const describeWork = (w: QueuedWork) => (w.kind === 'report' ? w.description : w.action);

let outbox: Outbox;
let run = 0;
beforeEach(async () => {
  outbox = await Outbox.open(`outbox-test-${run++}`);
});
afterEach(() => outbox.close());

describe('the phone outbox', () => {
  it('sends pending items oldest first and marks each applied or refused with its reason', async () => {
    const t0 = new Date('2026-11-30T02:00:00Z');
    await outbox.add(report('first'), 'grid', t0);
    await outbox.add(verify(3), 'grid', new Date(t0.getTime() + 1000));
    await outbox.add(report('second'), 'grid', new Date(t0.getTime() + 2000));
    const sent: string[] = [];
    const send: Sender = async (item) => {
      sent.push(describeWork(item.work));
      if (item.work.kind === 'action')
        return {
          ok: false,
          network: false,
          code: 'CONFLICT',
          reason: null,
          message: 'ticket changed (version 4, you had 3)',
        };
      return { ok: true, outcome: `T-${item.work.description}` };
    };
    const { items } = await outbox.replay(send, 'grid');
    expect(sent).toEqual(['first', 'VERIFY_PASS', 'second']);
    expect(items.map((i) => [i.state, i.code, i.outcome])).toEqual([
      ['applied', null, 'T-first'],
      ['refused', 'CONFLICT', 'ticket changed (version 4, you had 3)'],
      ['applied', null, 'T-second'],
    ]);
    // a second replay sends nothing: done items are never sent again
    sent.length = 0;
    await outbox.replay(send, 'grid');
    expect(sent).toEqual([]);
    await outbox.clearDone('grid');
    expect(await outbox.items()).toEqual([]);
  });

  it('stops at a network failure and keeps that item and the rest pending, in order', async () => {
    await outbox.add(report('a'), 'grid', new Date('2026-11-30T02:00:00Z'));
    await outbox.add(report('b'), 'grid', new Date('2026-11-30T02:00:01Z'));
    await outbox.add(report('c'), 'grid', new Date('2026-11-30T02:00:02Z'));
    let online = false;
    const send: Sender = async () => {
      if (!online) throw new TypeError('Failed to fetch');
      return { ok: true, outcome: 'ok' };
    };
    let { items } = await outbox.replay(send, 'grid');
    expect(items.map((i) => [i.state, i.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    online = true;
    ({ items } = await outbox.replay(send, 'grid'));
    expect(items.map((i) => i.state)).toEqual(['applied', 'applied', 'applied']);
  });

  it('keeps the uploaded photo key when the report’s answer is lost, so the retry matches', async () => {
    await outbox.add(report('with photo', true), 'grid');
    let uploads = 0;
    const keysSent: (string | null)[] = [];
    let answerLost = true;
    const send: Sender = async (item, save) => {
      let work = item.work as Extract<QueuedWork, { kind: 'report' }>;
      if (!work.photoKey) {
        uploads++;
        work = { ...work, photoKey: `photo-${uploads}`, photo: null };
        await save(work);
      }
      keysSent.push(work.photoKey);
      if (answerLost) {
        answerLost = false;
        return { ok: false, network: true };
      }
      return { ok: true, outcome: 'T1' };
    };
    await outbox.replay(send, 'grid');
    const [waiting] = await outbox.items();
    expect((waiting as QueueItem).work).toMatchObject({ photoKey: 'photo-1', photo: null });
    await outbox.replay(send, 'grid');
    expect(uploads).toBe(1);
    expect(keysSent).toEqual(['photo-1', 'photo-1']);
    expect((await outbox.items()).map((i) => i.state)).toEqual(['applied']);
  });

  it('sends each item once when two replays start together (start-up and the online event)', async () => {
    await outbox.add(verify(3), 'grid');
    let sends = 0;
    const send: Sender = async () => {
      sends++;
      await new Promise((r) => setTimeout(r, 10));
      return { ok: true, outcome: 'T1 → VERIFIED' };
    };
    const [a, b] = await Promise.all([outbox.replay(send, 'grid'), outbox.replay(send, 'grid')]);
    expect(sends).toBe(1);
    expect(a.items.map((i) => i.state)).toEqual(['applied']);
    expect(b).toEqual(a);
  });

  it('sends only the signed-in account’s items; nobody signed in sends nothing', async () => {
    await outbox.add(report('by grid'), 'grid', new Date('2026-11-30T02:00:00Z'));
    await outbox.add(report('by grid2'), 'grid2', new Date('2026-11-30T02:00:01Z'));
    const sent: string[] = [];
    const send: Sender = async (item) => {
      sent.push(describeWork(item.work));
      return { ok: true, outcome: 'T1' };
    };
    const nobody = await outbox.replay(send, null);
    expect(nobody.signInNeeded).toBe(true);
    expect(sent).toEqual([]);
    await outbox.replay(send, 'grid2');
    expect(sent).toEqual(['by grid2']);
    expect((await outbox.items()).map((i) => [i.queuedBy, i.state])).toEqual([
      ['grid', 'pending'],
      ['grid2', 'applied'],
    ]);
    // clearing grid2's results leaves grid's work alone
    await outbox.clearDone('grid2');
    expect((await outbox.items()).map((i) => i.queuedBy)).toEqual(['grid']);
  });

  it('stops at UNAUTHENTICATED and keeps the items pending for the next sign-in', async () => {
    await outbox.add(report('a'), 'grid', new Date('2026-11-30T02:00:00Z'));
    await outbox.add(verify(3), 'grid', new Date('2026-11-30T02:00:01Z'));
    let signedIn = false;
    const sent: string[] = [];
    const send: Sender = async (item) => {
      if (!signedIn) return { ok: false, network: false, signIn: true };
      sent.push(describeWork(item.work));
      return { ok: true, outcome: 'ok' };
    };
    const expired = await outbox.replay(send, 'grid');
    expect(expired.signInNeeded).toBe(true);
    expect(expired.items.map((i) => [i.state, i.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
    await outbox.clearDone('grid');
    expect(await outbox.items()).toHaveLength(2);
    signedIn = true;
    const back = await outbox.replay(send, 'grid');
    expect(back.signInNeeded).toBe(false);
    expect(sent).toEqual(['a', 'VERIFY_PASS']);
  });

  it('sends items queued while a replay runs, in the same replay', async () => {
    await outbox.add(report('first'), 'grid', new Date('2026-11-30T02:00:00Z'));
    const sent: string[] = [];
    const send: Sender = async (item) => {
      sent.push(describeWork(item.work));
      if (sent.length === 1)
        await outbox.add(report('meanwhile'), 'grid', new Date('2026-11-30T02:00:05Z'));
      return { ok: true, outcome: 'ok' };
    };
    const { items } = await outbox.replay(send, 'grid');
    expect(sent).toEqual(['first', 'meanwhile']);
    expect(items.map((i) => i.state)).toEqual(['applied', 'applied']);
  });

  it('refuses an item after repeated server errors instead of blocking the queue', async () => {
    await outbox.add(report('breaks the server'), 'grid', new Date('2026-11-30T02:00:00Z'));
    await outbox.add(report('fine'), 'grid', new Date('2026-11-30T02:00:01Z'));
    const send: Sender = async (item) =>
      describeWork(item.work) === 'fine'
        ? { ok: true, outcome: 'T2' }
        : {
            ok: false,
            network: true,
            serverError: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' },
          };
    for (let i = 1; i < MAX_SERVER_ERRORS; i++) {
      const { items } = await outbox.replay(send, 'grid');
      expect(items.map((x) => x.state)).toEqual(['pending', 'pending']);
    }
    const { items } = await outbox.replay(send, 'grid');
    expect(items.map((x) => [x.state, x.code, x.reason])).toEqual([
      ['refused', 'INTERNAL_SERVER_ERROR', 'TOO_MANY_SERVER_ERRORS'],
      ['applied', null, null],
    ]);
    // a plain network failure (offline) is not counted against the item
    await outbox.add(report('offline'), 'grid', new Date('2026-11-30T02:00:02Z'));
    for (let i = 0; i < MAX_SERVER_ERRORS + 1; i++)
      await outbox.replay(async () => ({ ok: false, network: true }), 'grid');
    expect((await outbox.items()).map((x) => x.state)).toEqual(['refused', 'applied', 'pending']);
  });

  it('replays under the yitu-outbox Web Lock when the browser has one', async () => {
    await outbox.add(verify(3), 'grid');
    const held: string[] = [];
    const locks = {
      request: async (name: string, callback: () => Promise<unknown>) => {
        held.push(name);
        return callback();
      },
    };
    const navigatorBefore = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
    try {
      const { items } = await outbox.replay(async () => ({ ok: true, outcome: 'ok' }), 'grid');
      expect(items.map((i) => i.state)).toEqual(['applied']);
    } finally {
      if (navigatorBefore) Object.defineProperty(globalThis, 'navigator', navigatorBefore);
      else Reflect.deleteProperty(globalThis, 'navigator');
    }
    expect(held).toEqual(['yitu-outbox']);
  });

  it('forgets the kept data but not the queue', async () => {
    await outbox.add(report('kept'), 'grid');
    await outbox.remember('viewer', { username: 'grid' });
    await outbox.remember('data', { tickets: [{ reporterName: '孙九' }] });
    await outbox.forgetKept();
    expect(await outbox.recall('viewer')).toBeUndefined();
    expect(await outbox.recall('data')).toBeUndefined();
    expect(await outbox.items()).toHaveLength(1);
  });

  it('remembers the last data for opening offline', async () => {
    await outbox.remember('tickets', [{ code: 'T1' }]);
    expect(await outbox.recall('tickets')).toEqual([{ code: 'T1' }]);
    expect(await outbox.recall('nothing')).toBeUndefined();
  });

  it('tells an action whose answer was lost (applied by this account) from a real conflict', () => {
    const work = verify(3) as Extract<QueuedWork, { kind: 'action' }>;
    const log = (...events: [string, string, string, string][]) => ({
      status: events.at(-1)![3],
      events: events.map(([type, actor, fromStatus, toStatus]) => ({
        type,
        actor,
        fromStatus,
        toStatus,
      })),
    });
    const resolved: [string, string, string, string] = [
      'RESOLVE',
      'resource:team',
      'IN_PROGRESS',
      'RESOLVED',
    ];
    const mine = log(resolved, ['VERIFY_PASS', 'account:grid', 'RESOLVED', 'VERIFIED']);
    expect(alreadyApplied(work, 'grid', mine)).toBe(true);
    // someone else verified it, or this account's step was undone since: a real conflict
    expect(alreadyApplied(work, 'grid2', mine)).toBe(false);
    const failed = log(resolved, ['VERIFY_FAIL', 'account:grid', 'RESOLVED', 'IN_PROGRESS']);
    expect(alreadyApplied(work, 'grid', failed)).toBe(false);
    const reopened = log(
      resolved,
      ['VERIFY_PASS', 'account:grid', 'RESOLVED', 'VERIFIED'],
      ['CLOSE', 'account:command', 'VERIFIED', 'CLOSED'],
    );
    expect(alreadyApplied(work, 'grid', reopened)).toBe(false);
  });

  it('makes idempotency keys the API accepts', () => {
    expect(newIdempotencyKey()).toMatch(/^[\w-]{8,100}$/);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});
