import { useState } from 'react';
import { HOUSEHOLDS_QUERY } from '@yitu/schema';
import { ApiError, describeError } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { tr } from '../../i18n';

/**
 * A compound's vulnerable households (重点人群), for its own community's staff. Personal data:
 * fetched only when asked for, since the API audits every read.
 */
export function Households({ compoundId }: { compoundId: string }) {
  // the compound asked for: another compound asks again
  const [asked, setAsked] = useState<string | null>(null);
  const {
    data,
    error: failed,
    reload,
  } = useQuery(HOUSEHOLDS_QUERY, asked === compoundId ? { id: compoundId } : null);
  const rows = data
    ? data.node?.__typename === 'Compound'
      ? data.node.vulnerableHouseholds
      : []
    : null;
  const busy = asked === compoundId && !data && !failed;
  const error =
    failed === null
      ? null
      : failed instanceof ApiError && failed.extensions.reason === 'OUTSIDE_JURISDICTION'
        ? tr('仅本社区工作人员可查看')
        : describeError(failed);
  // after a refusal the button asks again
  const load = () => (asked === compoundId ? void reload() : setAsked(compoundId));

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
