import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, newIdempotencyKey, type QueueItem, type QueuedWork, type Sender } from './queue';

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
    await outbox.add(report('first'), t0);
    await outbox.add(verify(3), new Date(t0.getTime() + 1000));
    await outbox.add(report('second'), new Date(t0.getTime() + 2000));
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
    const items = await outbox.replay(send);
    expect(sent).toEqual(['first', 'VERIFY_PASS', 'second']);
    expect(items.map((i) => [i.state, i.code, i.outcome])).toEqual([
      ['applied', null, 'T-first'],
      ['refused', 'CONFLICT', 'ticket changed (version 4, you had 3)'],
      ['applied', null, 'T-second'],
    ]);
    // a second replay sends nothing: done items are never sent again
    sent.length = 0;
    await outbox.replay(send);
    expect(sent).toEqual([]);
    await outbox.clearDone();
    expect(await outbox.items()).toEqual([]);
  });

  it('stops at a network failure and keeps that item and the rest pending, in order', async () => {
    await outbox.add(report('a'), new Date('2026-11-30T02:00:00Z'));
    await outbox.add(report('b'), new Date('2026-11-30T02:00:01Z'));
    await outbox.add(report('c'), new Date('2026-11-30T02:00:02Z'));
    let online = false;
    const send: Sender = async () => {
      if (!online) throw new TypeError('Failed to fetch');
      return { ok: true, outcome: 'ok' };
    };
    let items = await outbox.replay(send);
    expect(items.map((i) => [i.state, i.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    online = true;
    items = await outbox.replay(send);
    expect(items.map((i) => i.state)).toEqual(['applied', 'applied', 'applied']);
  });

  it('keeps the uploaded photo key when the report’s answer is lost, so the retry matches', async () => {
    await outbox.add(report('with photo', true));
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
    await outbox.replay(send);
    const [waiting] = await outbox.items();
    expect((waiting as QueueItem).work).toMatchObject({ photoKey: 'photo-1', photo: null });
    await outbox.replay(send);
    expect(uploads).toBe(1);
    expect(keysSent).toEqual(['photo-1', 'photo-1']);
    expect((await outbox.items()).map((i) => i.state)).toEqual(['applied']);
  });

  it('sends each item once when two replays start together (start-up and the online event)', async () => {
    await outbox.add(verify(3));
    let sends = 0;
    const send: Sender = async () => {
      sends++;
      await new Promise((r) => setTimeout(r, 10));
      return { ok: true, outcome: 'T1 → VERIFIED' };
    };
    const [a, b] = await Promise.all([outbox.replay(send), outbox.replay(send)]);
    expect(sends).toBe(1);
    expect(a.map((i) => i.state)).toEqual(['applied']);
    expect(b).toEqual(a);
  });

  it('remembers the last data for opening offline', async () => {
    await outbox.remember('tickets', [{ code: 'T1' }]);
    expect(await outbox.recall('tickets')).toEqual([{ code: 'T1' }]);
    expect(await outbox.recall('nothing')).toBeUndefined();
  });

  it('makes idempotency keys the API accepts', () => {
    expect(newIdempotencyKey()).toMatch(/^[\w-]{8,100}$/);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});
