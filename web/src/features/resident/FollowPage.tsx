import { useState } from 'react';
import { FOLLOW_QUERY, RATE_MUTATION } from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { ACTION_LABEL, formatTime, STATUS_LABEL } from '../tickets/labels';
import { tr } from '../../i18n';

/** The resident's private link: progress of their ticket, and a rating once it is checked. */
export function FollowPage({ token }: { token: string }) {
  const followed = useQuery(FOLLOW_QUERY, { token });
  const ticket = followed.data?.followTicket ?? null;
  const [rateError, setError] = useState<string | null>(null);
  const error = rateError ?? (followed.error === null ? null : describeError(followed.error));

  const rate = async (rating: number) => {
    try {
      await request(RATE_MUTATION, { token, rating });
      await followed.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  if (error && !ticket)
    return (
      <main className="resident">
        <p className="error">{error}</p>
      </main>
    );
  if (!ticket)
    return (
      <main className="resident">
        <p className="status">{tr('正在加载…')}</p>
      </main>
    );
  return (
    <main className="resident" data-testid="follow-page">
      <h1>{tr('工单 {code}', { code: ticket.code })}</h1>
      <p>
        {tr('当前状态：')}
        <strong data-testid="follow-status">{STATUS_LABEL[ticket.status] ?? ticket.status}</strong>
      </p>
      {ticket.urgent && ticket.emergencyNumber && (
        <p className="error" data-testid="follow-urgent">
          {tr('紧急工单：如情况仍在，请立即拨打 {n}', { n: ticket.emergencyNumber })}
        </p>
      )}
      {ticket.duplicateOf && (
        <p className="existing" data-testid="follow-duplicate-of">
          {tr('同一问题已有人反映，已合并到工单 {code}（{status}），请关注它的进度。', {
            code: ticket.duplicateOf.code,
            status: STATUS_LABEL[ticket.duplicateOf.status] ?? ticket.duplicateOf.status,
          })}
        </p>
      )}
      {ticket.seconds > 0 && <p>{tr('{n} 人附议', { n: ticket.seconds })}</p>}
      <p className="description">{ticket.description}</p>
      <ol className="timeline">
        {ticket.events.nodes.map((e, i) => (
          <li key={i}>
            <time>{formatTime(e.at)}</time> {ACTION_LABEL[e.type] ?? e.type}
            {e.toStatus && ` → ${STATUS_LABEL[e.toStatus] ?? e.toStatus}`}
          </li>
        ))}
      </ol>
      {ticket.status === 'VERIFIED' && (
        <div className="rating">
          <p>{tr('对处理结果满意吗？')}</p>
          {[1, 2, 3, 4, 5].map((n) => (
            <button key={n} type="button" onClick={() => void rate(n)} data-testid={`rate-${n}`}>
              {'★'.repeat(n)}
            </button>
          ))}
        </div>
      )}
      {ticket.satisfaction !== null && (
        <p>{tr('您的评价：{stars}', { stars: '★'.repeat(ticket.satisfaction) })}</p>
      )}
      {error && <p className="error">{error}</p>}
    </main>
  );
}
