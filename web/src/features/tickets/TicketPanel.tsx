import { useCallback, useEffect, useState } from 'react';
import {
  ACT_MUTATION,
  CATEGORIES_QUERY,
  CLASSIFY_MUTATION,
  DISPATCH_MUTATION,
  REVEAL_PHONE_QUERY,
  TICKET_PANEL_QUERY,
} from '@yitu/schema';
import { ApiError, describeError, request } from '../../data/graphql';
import { can } from '../../data/session';
import { useSession } from '../session/session';
import {
  ACTION_LABEL,
  countdown,
  formatTime,
  KIND_LABEL,
  LEVEL_LABEL,
  NEEDS_REASON,
  STATUS_LABEL,
} from './labels';
import { tr } from '../../i18n';

interface Match {
  score: number;
  distanceMeters: number;
  availableNow: boolean;
  nextAvailableAt: string | null;
  load: number;
  capacity: number;
  inClaimedZone: boolean;
  inServiceArea: boolean;
  matchedCapabilities: string[];
  record: { sample: number; counts: boolean; onTimeRate: number | null };
  resource: { id: string; name: string; kind: string };
}

interface TicketDetails {
  id: string;
  code: string;
  status: string;
  level: string;
  overdue: boolean;
  version: number;
  allowedActions: string[];
  description: string;
  /** Masked (张**) for roles that do not contact residents. */
  reporterName: string | null;
  /** Masked (138****1234); the whole number only through REVEAL_PHONE_QUERY. */
  reporterPhone: string | null;
  reportedAt: string;
  respondBy: string | null;
  resolveBy: string | null;
  category: { code: string; nameZh: string } | null;
  /** Asked for only by roles that classify. */
  categorySuggestions?: { categoryCode: string; confidence: number }[];
  compound: { name: string } | null;
  grid: { id: string; code: string } | null;
  photos: { url: string; thumbnailUrl: string }[];
  assignments: {
    id: string;
    status: string;
    declineReason: string | null;
    resource: { name: string };
  }[];
  events: {
    nodes: {
      type: string;
      toStatus: string | null;
      actor: string;
      reason: string | null;
      at: string;
    }[];
  };
  /** Asked for only by roles that dispatch. */
  matches?: Match[];
}

const ASSIGNMENT_LABEL: Record<string, string> = {
  OFFERED: tr('待接单'),
  ACCEPTED: tr('已接单'),
  DECLINED: tr('已拒单'),
  RELEASED: tr('上一轮'),
};

type Category = { code: string; nameZh: string };
// The taxonomy does not change while the page is open: fetched once, for every panel.
let categoriesOnce: Promise<Category[]> | undefined;
const allCategories = () =>
  (categoriesOnce ??= request<{ categories: Category[] }>(CATEGORIES_QUERY).then(
    (d) => d.categories,
  ));

/**
 * Everything about one ticket, and what the viewer's role may do with it (the API's
 * allowedActions are already the role's), with clear errors. `refresh` changes when a live event
 * arrives: the panel reloads in place, keeping what staff typed.
 */
export function TicketPanel({ id, refresh }: { id: string; refresh: number }) {
  const viewer = useSession()?.viewer ?? null;
  const mayClassify = can(viewer, 'TICKETS_CLASSIFY');
  const mayDispatch = can(viewer, 'TICKETS_DISPATCH');
  const mayReveal = can(viewer, 'PERSONAL_REVEAL');
  const [ticket, setTicket] = useState<TicketDetails | null>(null);
  // The reporter's whole number, once asked for (each read is audited by the API).
  const [fullPhone, setFullPhone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [now, setNow] = useState(Date.now());
  const [categories, setCategories] = useState<Category[]>([]);

  useEffect(() => {
    allCategories().then(setCategories, () => (categoriesOnce = undefined));
  }, []);

  const load = useCallback(async () => {
    const data = await request<{ node: TicketDetails | null }>(TICKET_PANEL_QUERY, {
      id,
      classify: mayClassify,
      dispatch: mayDispatch,
    });
    setTicket(data.node);
  }, [id, mayClassify, mayDispatch]);

  useEffect(() => {
    setTicket(null);
    setError(null);
    load().catch((e: unknown) =>
      setError(
        e instanceof ApiError && e.extensions.reason === 'OUTSIDE_JURISDICTION'
          ? tr('这个工单不在您的管辖范围内')
          : describeError(e),
      ),
    );
  }, [load]);

  // A live event (maybe this panel's own action): reload in place.
  useEffect(() => {
    if (refresh > 0) load().catch(() => undefined);
  }, [load, refresh]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const run = async (mutation: string, input: Record<string, unknown>) => {
    if (!ticket) return;
    setBusy(true);
    setError(null);
    try {
      await request(mutation, {
        input: {
          ticketId: ticket.id,
          expectedVersion: ticket.version,
          ...input,
        },
      });
      setReason('');
      await load(); // the map follows through the live event the change sends
    } catch (e) {
      setError(describeError(e));
      await load().catch(() => undefined); // show the current version after a CONFLICT
    } finally {
      setBusy(false);
    }
  };

  const reveal = async () => {
    setError(null);
    try {
      const d = await request<{ node: { reporterPhone: string | null } | null }>(
        REVEAL_PHONE_QUERY,
        { id },
      );
      setFullPhone(d.node?.reporterPhone ?? null);
    } catch (e) {
      setError(describeError(e));
    }
  };

  if (!ticket) {
    return (
      <section data-testid="ticket-panel">
        {error ? (
          <p className="error" data-testid="ticket-error">
            {error}
          </p>
        ) : (
          <p className="status">{tr('正在加载工单…')}</p>
        )}
      </section>
    );
  }
  const nameOf = (code: string) => categories.find((c) => c.code === code)?.nameZh ?? code;
  const respond = countdown(ticket.respondBy, now);
  const resolve = countdown(ticket.resolveBy, now);
  const canDispatch = mayDispatch && ticket.allowedActions.includes('DISPATCH');
  const canClassify = mayClassify && ['REPORTED', 'ACCEPTED'].includes(ticket.status);
  const actions = ticket.allowedActions.filter(
    (a) => a !== 'DISPATCH' && a !== 'FEEDBACK' && a !== 'REOPEN',
  );
  return (
    <section data-testid="ticket-panel" className="ticket-panel">
      <header className="panel-header">
        <span className="kind">{tr('工单')}</span>
        <h2 data-testid="ticket-code">{ticket.code}</h2>
      </header>
      <p>
        <span className={`badge status status--${ticket.status}`} data-testid="ticket-status">
          {STATUS_LABEL[ticket.status] ?? ticket.status}
        </span>
        <span className="badge">
          {tr('{level}级', { level: LEVEL_LABEL[ticket.level] ?? ticket.level })}
        </span>
        {ticket.overdue && <span className="badge badge--red">{tr('超期')}</span>}
      </p>
      {/* plain text: React escapes it, so HTML in a report is shown, never run */}
      <p className="description" data-testid="ticket-description">
        {ticket.description}
      </p>
      <dl>
        <dt>{tr('类别')}</dt>
        <dd data-testid="ticket-category">
          {ticket.category?.nameZh ?? tr('待分类')}
          {canClassify && categories.length > 0 && (
            <select
              className="classify"
              value=""
              disabled={busy}
              data-testid="classify"
              aria-label={tr('分类')}
              onChange={(e) =>
                e.target.value && void run(CLASSIFY_MUTATION, { categoryCode: e.target.value })
              }
            >
              <option value="">{ticket.category ? tr('改分类…') : tr('分类…')}</option>
              {(ticket.categorySuggestions ?? []).map((s) => (
                <option key={`s:${s.categoryCode}`} value={s.categoryCode}>
                  {tr('推荐：{name}（{p}%）', {
                    name: nameOf(s.categoryCode),
                    p: Math.round(s.confidence * 100),
                  })}
                </option>
              ))}
              {categories.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.nameZh}
                </option>
              ))}
            </select>
          )}
        </dd>
        <dt>{tr('小区')}</dt>
        <dd>{ticket.compound?.name ?? '—'}</dd>
        <dt>{tr('上报')}</dt>
        <dd>{formatTime(ticket.reportedAt)}</dd>
        <dt>{tr('报告人')}</dt>
        <dd data-testid="ticket-reporter">
          <span data-testid="reporter-name">{ticket.reporterName ?? '—'}</span>
          {ticket.reporterPhone && (
            <>
              {' · '}
              <span data-testid="reporter-phone">{fullPhone ?? ticket.reporterPhone}</span>
              {mayReveal && !fullPhone && (
                <span className="reveal">
                  <button
                    type="button"
                    data-testid="reveal-phone"
                    disabled={busy}
                    onClick={() => void reveal()}
                  >
                    {tr('显示完整号码')}
                  </button>
                  <small className="hint">{tr('查看将被记录')}</small>
                </span>
              )}
            </>
          )}
        </dd>
        {respond && (
          <>
            <dt>{tr('响应时限')}</dt>
            <dd>{respond}</dd>
          </>
        )}
        {resolve && (
          <>
            <dt>{tr('办结时限')}</dt>
            <dd data-testid="ticket-resolve-countdown">{resolve}</dd>
          </>
        )}
      </dl>
      {ticket.photos.length > 0 && (
        <div className="photos">
          {ticket.photos.map((p) => (
            <a key={p.url} href={p.url} target="_blank" rel="noreferrer">
              <img src={p.thumbnailUrl} alt={tr('现场照片')} />
            </a>
          ))}
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="ticket-error">
          {error}
        </p>
      )}
      {actions.length > 0 && (
        <div className="actions">
          <input
            placeholder={tr('说明（上报、转办、缓办、核查不通过时必填）')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="action-reason"
          />
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              disabled={busy || (NEEDS_REASON.has(a) && !reason.trim())}
              data-testid={`action-${a}`}
              onClick={() => void run(ACT_MUTATION, { action: a, reason: reason.trim() || null })}
            >
              {ACTION_LABEL[a] ?? a}
            </button>
          ))}
        </div>
      )}
      {ticket.assignments.length > 0 && (
        <>
          <h3>{tr('已派')}</h3>
          <ul className="assignments" data-testid="assignments">
            {ticket.assignments.map((a) => (
              <li key={a.id}>
                {a.resource.name} · {ASSIGNMENT_LABEL[a.status] ?? a.status}
                {a.declineReason && `（${a.declineReason}）`}
              </li>
            ))}
          </ul>
        </>
      )}
      {canDispatch && (
        <>
          <h3>{tr('推荐资源')}</h3>
          {(ticket.matches ?? []).length === 0 && (
            <p className="hint">{tr('没有可派的资源（能力、负荷或已拒单）')}</p>
          )}
          <ol className="matches" data-testid="matches">
            {(ticket.matches ?? []).map((m) => (
              <li key={m.resource.id} data-testid="match">
                <div className="match-head">
                  <strong>{m.resource.name}</strong>
                  <span className="score">{tr('{n} 分', { n: m.score.toFixed(1) })}</span>
                </div>
                <div className="reasons">
                  <span>{KIND_LABEL[m.resource.kind] ?? m.resource.kind}</span>
                  <span>
                    {m.distanceMeters < 1000
                      ? tr('{n} 米', { n: Math.round(m.distanceMeters) })
                      : tr('{n} 公里', { n: (m.distanceMeters / 1000).toFixed(1) })}
                  </span>
                  {m.inClaimedZone && <span className="good">{tr('认领责任区')}</span>}
                  {!m.inClaimedZone && m.inServiceArea && (
                    <span className="good">{tr('服务范围内')}</span>
                  )}
                  <span className={m.availableNow ? 'good' : 'warn'}>
                    {m.availableNow
                      ? tr('现可服务')
                      : m.nextAvailableAt
                        ? tr('{time} 可服务', { time: formatTime(m.nextAvailableAt) })
                        : tr('近期无服务时间')}
                  </span>
                  <span>
                    {tr('负荷 {load}/{capacity}', { load: m.load, capacity: m.capacity })}
                  </span>
                  {m.record.counts && m.record.onTimeRate !== null && (
                    <span>
                      {tr('按期 {p}%（{n} 件）', {
                        p: Math.round(m.record.onTimeRate * 100),
                        n: m.record.sample,
                      })}
                    </span>
                  )}
                  {m.matchedCapabilities.length > 0 && (
                    <span>
                      {tr('能力：{list}', { list: m.matchedCapabilities.join(tr('、')) })}
                    </span>
                  )}
                </div>
                <button
                  type="button"
                  disabled={busy}
                  data-testid="dispatch-button"
                  onClick={() => void run(DISPATCH_MUTATION, { resourceIds: [m.resource.id] })}
                >
                  {tr('派单')}
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>{tr('办理过程')}</h3>
      <ol className="timeline" data-testid="timeline">
        {ticket.events.nodes.map((e, i) => (
          <li key={i}>
            <time>{formatTime(e.at)}</time> {ACTION_LABEL[e.type] ?? e.type}
            {e.toStatus && ` → ${STATUS_LABEL[e.toStatus] ?? e.toStatus}`} · {e.actor}
            {e.reason && <div className="reason">{e.reason}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
