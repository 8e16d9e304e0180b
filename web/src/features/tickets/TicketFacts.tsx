import { useState } from 'react';
import { REVEAL_PHONE_QUERY } from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { countdown, formatTime, LEVEL_LABEL, STATUS_LABEL } from './labels';
import type { Category, Ticket } from './ticket';
import { tr } from '../../i18n';

/** What a ticket is: status, level, description, category (and classifying), place, reporter,
 * deadlines and photos. */
export function TicketFacts({
  ticket,
  now,
  categories,
  onClassify,
  mayReveal,
  busy,
  onError,
}: {
  ticket: Ticket;
  now: number;
  /** Every category; set only while the viewer may classify this ticket. */
  categories: Category[] | null;
  onClassify: (categoryCode: string) => void;
  mayReveal: boolean;
  busy: boolean;
  onError: (message: string | null) => void;
}) {
  // The reporter's whole number, once asked for (each read is audited by the API).
  const [fullPhone, setFullPhone] = useState<string | null>(null);

  const reveal = async () => {
    onError(null);
    try {
      const d = await request(REVEAL_PHONE_QUERY, { id: ticket.id });
      setFullPhone(d.node?.__typename === 'Ticket' ? d.node.reporterPhone : null);
    } catch (e) {
      onError(describeError(e));
    }
  };

  const nameOf = (code: string) => categories?.find((c) => c.code === code)?.nameZh ?? code;
  const respond = countdown(ticket.respondBy, now);
  const resolve = countdown(ticket.resolveBy, now);
  return (
    <>
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
        {ticket.urgent && (
          <span className="badge badge--red" data-testid="ticket-urgent">
            {tr('紧急 · 已提示居民拨打 {n}', { n: ticket.emergencyNumber ?? '' })}
          </span>
        )}
        {ticket.seconds > 0 && (
          <span className="badge" data-testid="ticket-seconds">
            {tr('{n} 人附议', { n: ticket.seconds })}
          </span>
        )}
      </p>
      {/* plain text: React escapes it, so HTML in a report is shown, never run */}
      <p className="description" data-testid="ticket-description">
        {ticket.description}
      </p>
      <dl>
        <dt>{tr('类别')}</dt>
        <dd data-testid="ticket-category">
          {ticket.category?.nameZh ?? tr('待分类')}
          {categories && categories.length > 0 && (
            <select
              className="classify"
              value=""
              disabled={busy}
              data-testid="classify"
              aria-label={tr('分类')}
              onChange={(e) => e.target.value && onClassify(e.target.value)}
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
    </>
  );
}
