import { formatTime, STATUS_LABEL } from './labels';
import type { Ticket } from './ticket';
import { tr } from '../../i18n';

/**
 * Likely duplicates (疑似重复): open tickets of the same category near this one from the last 30
 * days, with distance and time; marking this ticket as a duplicate of one links the two and
 * tells its reporter, through their link, which ticket to follow.
 */
export function TicketDuplicates({
  ticket,
  mayMark,
  busy,
  onMark,
}: {
  ticket: Ticket;
  mayMark: boolean;
  busy: boolean;
  onMark: (originalId: string, reason: string) => void;
}) {
  if (ticket.duplicateOf)
    return (
      <p className="hint" data-testid="duplicate-of">
        {tr('已标为重复件，原工单：{code}', { code: ticket.duplicateOf.code })}
      </p>
    );
  if (ticket.likelyDuplicates.length === 0) return null;
  return (
    <>
      <h3>{tr('疑似重复（{n}）', { n: ticket.likelyDuplicates.length })}</h3>
      <ul className="duplicates" data-testid="likely-duplicates">
        {ticket.likelyDuplicates.map((d) => (
          <li key={d.ticket.id} data-testid="likely-duplicate">
            <strong>{d.ticket.code}</strong>{' '}
            {tr('相距 {m} 米 · {time} · {status}', {
              m: Math.round(d.distanceM),
              time: formatTime(d.ticket.reportedAt),
              status: STATUS_LABEL[d.ticket.status] ?? d.ticket.status,
            })}
            {d.ticket.seconds > 0 && ` · ${tr('{n} 人附议', { n: d.ticket.seconds })}`}
            <span className="excerpt">{d.ticket.description.slice(0, 40)}</span>
            {mayMark && (
              <button
                type="button"
                disabled={busy}
                data-testid="mark-duplicate"
                onClick={() =>
                  onMark(
                    d.ticket.id,
                    tr('与工单 {code} 重复（相距 {m} 米）', {
                      code: d.ticket.code,
                      m: Math.round(d.distanceM),
                    }),
                  )
                }
              >
                {tr('本单是它的重复件')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
