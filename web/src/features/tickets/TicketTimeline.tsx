import { ACTION_LABEL, formatTime, STATUS_LABEL } from './labels';
import type { Ticket } from './ticket';
import { tr } from '../../i18n';

/** The ticket's event log (办理过程), oldest first. */
export function TicketTimeline({ events }: { events: Ticket['events']['nodes'] }) {
  return (
    <>
      <h3>{tr('办理过程')}</h3>
      <ol className="timeline" data-testid="timeline">
        {events.map((e, i) => (
          <li key={i}>
            <time>{formatTime(e.at)}</time> {ACTION_LABEL[e.type] ?? e.type}
            {e.toStatus && ` → ${STATUS_LABEL[e.toStatus] ?? e.toStatus}`} · {e.actor}
            {e.reason && <div className="reason">{e.reason}</div>}
          </li>
        ))}
      </ol>
    </>
  );
}
