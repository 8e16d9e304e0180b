import { useEffect, useState } from 'react';
import { HOUSEHOLDS_QUERY } from '@yitu/schema';
import { ApiError, describeError, request } from '../../data/graphql';
import { tr } from '../../i18n';

interface Household {
  unit: string;
  tags: string[];
  contactName: string;
  contactPhone: string | null;
  note: string | null;
}

/**
 * A compound's vulnerable households (重点人群), for its own community's staff. Personal data:
 * fetched only when asked for, since the API audits every read.
 */
export function Households({ compoundId }: { compoundId: string }) {
  const [rows, setRows] = useState<Household[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // another compound: ask again
  useEffect(() => {
    setRows(null);
    setError(null);
  }, [compoundId]);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const d = await request<{ node: { vulnerableHouseholds: Household[] } | null }>(
        HOUSEHOLDS_QUERY,
        { id: compoundId },
      );
      setRows(d.node?.vulnerableHouseholds ?? []);
    } catch (e) {
      setError(
        e instanceof ApiError && e.extensions.reason === 'OUTSIDE_JURISDICTION'
          ? tr('仅本社区工作人员可查看')
          : describeError(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="households" data-testid="households">
      <h3>{tr('重点人群')}</h3>
      {rows === null ? (
        <p>
          <button type="button" disabled={busy} data-testid="households-load" onClick={load}>
            {tr('查看重点人群')}
          </button>{' '}
          <small className="hint">{tr('查看将被记录')}</small>
        </p>
      ) : rows.length === 0 ? (
        <p className="hint">{tr('没有登记的重点人群')}</p>
      ) : (
        <ul data-testid="households-list">
          {rows.map((h, i) => (
            <li key={i}>
              <strong>{h.unit}</strong> {h.tags.join(tr('、'))}
              <div>
                {h.contactName}
                {h.contactPhone && ` · ${h.contactPhone}`}
              </div>
              {h.note && <div className="hint">{h.note}</div>}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error" role="alert" data-testid="households-error">
          {error}
        </p>
      )}
    </div>
  );
}
