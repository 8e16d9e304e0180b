// How the outbox's items reach the API: a report uploads its photo first (once: the key is saved
// on the item before the report is sent), then reportTicket as a PATROL with its idempotency key;
// an action is actOnTicket at the version the phone saw. A coded refusal is final; a failed
// fetch or a server that did not answer (5xx, the proxy's 502 in a lift lobby) is a network
// failure and the item waits (INTERNAL_SERVER_ERROR only so many times, see queue.ts).
// UNAUTHENTICATED is neither: the session ended, so the replay stops and the item waits for its
// account to sign in again.
import { ACT_MUTATION, PHONE_REPORT_MUTATION, PHONE_TICKET_LOG_QUERY } from '@yitu/schema';
import { ApiError, request, uploadPhoto } from '../../data/graphql';
import { STATUS_LABEL } from '../tickets/labels';
import { alreadyApplied, type QueuedAction, type SendResult, type Sender } from './queue';

const isNetworkFailure = (e: unknown) =>
  !(e instanceof ApiError) ||
  e.code === 'HTTP' ||
  e.code === 'INTERNAL_SERVER_ERROR' ||
  e.code === 'TIMEOUT';

function refusal(e: unknown): SendResult {
  if (e instanceof ApiError && e.code === 'INTERNAL_SERVER_ERROR')
    return { ok: false, network: true, serverError: { code: e.code, message: e.message } };
  if (isNetworkFailure(e)) return { ok: false, network: true };
  const error = e as ApiError;
  if (error.code === 'UNAUTHENTICATED') return { ok: false, network: false, signIn: true };
  const reason = typeof error.extensions.reason === 'string' ? error.extensions.reason : null;
  return { ok: false, network: false, code: error.code, reason, message: error.message };
}

/** An action sent again after its answer was lost comes back CONFLICT (its own success moved
 * the version on): if the ticket's log says this account's action is what moved it last, it is
 * reported applied, not refused. */
async function conflictOrApplied(work: QueuedAction, queuedBy: string, e: unknown) {
  const { node } = await request(PHONE_TICKET_LOG_QUERY, { id: work.ticketId });
  if (node?.__typename !== 'Ticket') return refusal(e);
  const log = { status: node.status, events: node.events.nodes };
  if (!alreadyApplied(work, queuedBy, log)) return refusal(e);
  const status = STATUS_LABEL[node.status] ?? node.status;
  return { ok: true, outcome: `${work.ticketCode} → ${status}` } as const;
}

export const sendToApi: Sender = async (item, save) => {
  const work = item.work;
  try {
    if (work.kind === 'action') {
      try {
        const { actOnTicket } = await request(ACT_MUTATION, {
          input: {
            ticketId: work.ticketId,
            expectedVersion: work.expectedVersion,
            action: work.action as never,
            reason: work.reason,
          },
        });
        const status = STATUS_LABEL[actOnTicket.status] ?? actOnTicket.status;
        return { ok: true, outcome: `${work.ticketCode} → ${status}` };
      } catch (e) {
        if (e instanceof ApiError && e.code === 'CONFLICT')
          return await conflictOrApplied(work, item.queuedBy, e);
        throw e;
      }
    }
    let photoKey = work.photoKey;
    if (work.photo && !photoKey) {
      photoKey = (await uploadPhoto(new Blob([work.photo.bytes], { type: work.photo.type }))).key;
      await save({ ...work, photo: null, photoKey });
    }
    const { reportTicket } = await request(PHONE_REPORT_MUTATION, {
      input: {
        channel: 'PATROL',
        gridWorkerCode: work.gridWorkerCode,
        reporterName: work.reporterName,
        reporterPhone: work.reporterPhone,
        description: work.description,
        categoryCode: work.categoryCode,
        lon: work.lon,
        lat: work.lat,
        photoKeys: photoKey ? [photoKey] : [],
        idempotencyKey: work.idempotencyKey,
      },
    });
    const place = reportTicket.ticket.compound?.name ?? '';
    return { ok: true, outcome: `${reportTicket.ticket.code} ${place}`.trim() };
  } catch (e) {
    return refusal(e);
  }
};
