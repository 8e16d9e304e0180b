import { describe, expect, it } from 'vitest';
import { deliverAll, InAppNotifier, noticesOf, type Notice, type Notifier } from './notifier';

const at = new Date('2026-11-30T02:00:00Z');

describe('notices of ticket events', () => {
  it('tells a newly offered resource of the offer, and no one already on the ticket', () => {
    const notices = noticesOf({
      type: 'DISPATCH',
      at,
      ticketCode: 'T1',
      ticketStatus: 'DISPATCHED',
      assignments: [
        { resourcePk: 1, status: 'OFFERED', assignedAt: at.toISOString() },
        { resourcePk: 2, status: 'ACCEPTED', assignedAt: '2026-11-29T00:00:00Z' },
        { resourcePk: 3, status: 'DECLINED', assignedAt: at.toISOString() },
      ],
    });
    expect(notices.map((n) => [n.kind, n.resourcePk])).toEqual([['OFFER', 1]]);
  });

  it('tells the holders that their ticket moved, not the decliners', () => {
    const notices = noticesOf({
      type: 'VERIFY_PASS',
      at,
      ticketCode: 'T1',
      ticketStatus: 'VERIFIED',
      assignments: [
        { resourcePk: 2, status: 'ACCEPTED', assignedAt: at.toISOString() },
        { resourcePk: 3, status: 'DECLINED', assignedAt: at.toISOString() },
      ],
    });
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'TICKET_MOVED', resourcePk: 2, text: '工单 T1 已核查' }),
    ]);
  });

  it('delivers to every notifier even when one fails', async () => {
    const got: Notice[] = [];
    const failing: Notifier = { name: 'sms', deliver: () => Promise.reject(new Error('down')) };
    const logs: string[] = [];
    const notice = noticesOf({
      type: 'START',
      at,
      ticketCode: 'T2',
      ticketStatus: 'IN_PROGRESS',
      assignments: [{ resourcePk: 5, status: 'ACCEPTED', assignedAt: at.toISOString() }],
    });
    await deliverAll([failing, new InAppNotifier((n) => got.push(n))], notice, (m) => logs.push(m));
    expect(got).toHaveLength(1);
    expect(logs).toEqual(['sms: down']);
  });
});
