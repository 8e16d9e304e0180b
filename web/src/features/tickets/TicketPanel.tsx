import { useEffect, useState } from 'react';
import {
  ACT_MUTATION,
  CATEGORIES_QUERY,
  CLASSIFY_MUTATION,
  DISPATCH_MUTATION,
  TICKET_PANEL_QUERY,
} from '@yitu/schema';
import { ApiError, describeError, request } from '../../data/graphql';
import { can } from '../../data/session';
import { useQuery } from '../../data/use-query';
import { useSession } from '../session/session';
import type { Category, TicketAction } from './ticket';
import { TicketActions } from './TicketActions';
import { TicketDuplicates } from './TicketDuplicates';
import { TicketFacts } from './TicketFacts';
import { TicketAssignments, TicketMatches } from './TicketMatches';
import { TicketTimeline } from './TicketTimeline';
import { tr } from '../../i18n';

// The taxonomy does not change while the page is open: fetched once, for every panel.
let categoriesOnce: Promise<Category[]> | undefined;
const allCategories = () =>
  (categoriesOnce ??= request(CATEGORIES_QUERY).then((d) => d.categories));

// Steps taken elsewhere: classifying in the facts, dispatching below the matches, feedback and
// reopening by the resident, marking a duplicate in the likely duplicates' list.
const NOT_HERE = new Set<TicketAction>([
  'CLASSIFY',
  'DISPATCH',
  'FEEDBACK',
  'REOPEN',
  'REJECT_DUPLICATE',
]);

const loadError = (e: unknown) =>
  e instanceof ApiError && e.extensions.reason === 'OUTSIDE_JURISDICTION'
    ? tr('这个工单不在您的管辖范围内')
    : describeError(e);

/**
 * Everything about one ticket, and what the viewer's role may do with it (the API's
 * allowedActions are already the role's), with clear errors. `refresh` changes when a live event
 * arrives: the panel reloads in place, keeping what staff typed.
 */
export function TicketPanel({ id, refresh }: { id: string; refresh: number }) {
  const viewer = useSession()?.viewer ?? null;
  const mayClassify = can(viewer, 'TICKETS_CLASSIFY');
  const mayDispatch = can(viewer, 'TICKETS_DISPATCH');
  const query = useQuery(
    TICKET_PANEL_QUERY,
    { id, classify: mayClassify, dispatch: mayDispatch },
    refresh,
  );
  const ticket = query.data?.node?.__typename === 'Ticket' ? query.data.node : null;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [categories, setCategories] = useState<Category[]>([]);

  useEffect(() => {
    allCategories().then(setCategories, () => (categoriesOnce = undefined));
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  /** Sends one change at the version shown; true when it went through. */
  const change = async (
    send: (at: { ticketId: string; expectedVersion: number }) => Promise<unknown>,
  ): Promise<boolean> => {
    if (!ticket) return false;
    setBusy(true);
    setError(null);
    try {
      await send({ ticketId: ticket.id, expectedVersion: ticket.version });
      await query.reload(); // the map follows through the live event the change sends
      return true;
    } catch (e) {
      setError(describeError(e));
      await query.reload(); // show the current version after a CONFLICT
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!ticket) {
    return (
      <section data-testid="ticket-panel">
        {query.error ? (
          <p className="error" data-testid="ticket-error">
            {loadError(query.error)}
          </p>
        ) : (
          <p className="status">{tr('正在加载工单…')}</p>
        )}
      </section>
    );
  }
  const canClassify = ticket.allowedActions.includes('CLASSIFY');
  return (
    <section data-testid="ticket-panel" className="ticket-panel">
      <TicketFacts
        ticket={ticket}
        now={now}
        categories={canClassify ? categories : null}
        onClassify={(categoryCode) =>
          void change((at) => request(CLASSIFY_MUTATION, { input: { ...at, categoryCode } }))
        }
        mayReveal={can(viewer, 'PERSONAL_REVEAL')}
        busy={busy}
        onError={setError}
      />
      {error && (
        <p className="error" role="alert" data-testid="ticket-error">
          {error}
        </p>
      )}
      <TicketActions
        actions={ticket.allowedActions.filter((a) => !NOT_HERE.has(a))}
        busy={busy}
        onAct={(action, reason) =>
          change((at) => request(ACT_MUTATION, { input: { ...at, action, reason } }))
        }
      />
      <TicketDuplicates
        ticket={ticket}
        mayMark={ticket.allowedActions.includes('REJECT_DUPLICATE')}
        busy={busy}
        onMark={(original, reason) =>
          void change((at) =>
            request(ACT_MUTATION, {
              input: { ...at, action: 'REJECT_DUPLICATE', duplicateOfId: original, reason },
            }),
          )
        }
      />
      <TicketAssignments assignments={ticket.assignments} />
      {mayDispatch && ticket.allowedActions.includes('DISPATCH') && (
        <TicketMatches
          matches={ticket.matches ?? []}
          busy={busy}
          onDispatch={(resourceId) =>
            void change((at) =>
              request(DISPATCH_MUTATION, { input: { ...at, resourceIds: [resourceId] } }),
            )
          }
        />
      )}
      <TicketTimeline events={ticket.events.nodes} />
    </section>
  );
}
