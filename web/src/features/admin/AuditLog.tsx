import { useState, type FormEvent } from 'react';
import { AUDIT_LOG_QUERY, type ResultOf } from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { formatTime } from '../tickets/labels';
import { tr } from '../../i18n';

type AuditEntry = ResultOf<typeof AUDIT_LOG_QUERY>['auditLog'][number];

const PAGE = 50;

interface Filter {
  actor: string;
  action: string;
}

/** The audit log (审计日志), newest first: exact actor and action filters, 更早 pages back. */
export function AuditLog() {
  const [draft, setDraft] = useState<Filter>({ actor: '', action: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const variables = {
    last: PAGE,
    actor: filter.actor.trim() || null,
    action: filter.action.trim() || null,
  };
  const newest = useQuery(AUDIT_LOG_QUERY, variables);
  // pages before the newest, fetched with 更早, for the filter they were fetched with
  const [olderPages, setOlder] = useState<{ filter: Filter; rows: AuditEntry[]; more: boolean }>();
  const older = olderPages?.filter === filter ? olderPages : undefined;
  const [busy, setBusy] = useState(false);
  const [olderError, setError] = useState<string | null>(null);
  const error = olderError ?? (newest.error === null ? null : describeError(newest.error));

  const rows = newest.data && [...newest.data.auditLog, ...(older?.rows ?? [])];
  const more = older ? older.more : newest.data?.auditLog.length === PAGE;

  const loadOlder = async (beforeSeq: number) => {
    setBusy(true);
    setError(null);
    try {
      const d = await request(AUDIT_LOG_QUERY, { ...variables, beforeSeq });
      setOlder({
        filter,
        rows: [...(older?.rows ?? []), ...d.auditLog],
        more: d.auditLog.length === PAGE,
      });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ ...draft });
  };
  const last = rows?.[rows.length - 1];

  return (
    <div data-testid="audit-log">
      <form className="admin-filters" onSubmit={apply}>
        <label>
          {tr('操作者')}
          <input
            value={draft.actor}
            placeholder="account:admin"
            data-testid="audit-actor"
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
        </label>
        <label>
          {tr('操作')}
          <input
            value={draft.action}
            placeholder="signIn"
            data-testid="audit-action"
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
        </label>
        <button type="submit" data-testid="audit-filter">
          {tr('筛选')}
        </button>
        <span className="hint">{tr('精确匹配')}</span>
      </form>
      {error && (
        <p className="error" data-testid="audit-error">
          {error}
        </p>
      )}
      {!rows && !error && <p className="status">{tr('正在加载…')}</p>}
      {rows && (
        <table className="admin-table">
          <thead>
            <tr>
              <th>{tr('时间')}</th>
              <th>{tr('操作者')}</th>
              <th>{tr('操作')}</th>
              <th>{tr('对象')}</th>
              <th>{tr('结果')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} className="hint">
                  {tr('没有记录')}
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <tr
                key={r.seq}
                className={r.result === 'OK' ? '' : 'refused'}
                title={r.details ?? undefined}
                data-testid="audit-row"
                data-seq={r.seq}
              >
                <td className="time">{formatTime(r.at)}</td>
                <td data-testid="audit-row-actor">{r.actor}</td>
                <td data-testid="audit-row-action">{r.action}</td>
                <td className="target">{r.target ?? '—'}</td>
                <td data-testid="audit-row-result">{r.result}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows && more && last && (
        <button
          type="button"
          className="admin-more"
          disabled={busy}
          data-testid="audit-older"
          onClick={() => void loadOlder(last.seq)}
        >
          {tr('更早')}
        </button>
      )}
    </div>
  );
}
