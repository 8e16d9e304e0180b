import { useState } from 'react';
import { COMMUNITY_LISTS_QUERY, DASHBOARD_QUERY } from '@yitu/schema';
import { describeError } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { pct } from '../tickets/labels';
import { tr } from '../../i18n';

/** The figures every report quotes (办结率, 按期办结率, 满意率 …) per street and community, and a
 * community's three lists (三清单) on click. All from the data the system holds. */
export function DashboardPanel({ refresh }: { refresh: number }) {
  const figures = useQuery(DASHBOARD_QUERY, {}, refresh);
  const regions = figures.data?.regions.nodes ?? null;
  const [community, setCommunity] = useState<string | null>(null);
  const three = useQuery(COMMUNITY_LISTS_QUERY, community ? { id: community } : null);
  const lists = three.data?.node?.__typename === 'Region' ? three.data.node : null;
  const failed = figures.error ?? three.error;
  const error = failed === null ? null : describeError(failed);

  const order = ['DISTRICT', 'STREET', 'COMMUNITY'];
  const rows = [...(regions ?? [])].sort(
    (a, b) => order.indexOf(a.level) - order.indexOf(b.level) || a.code.localeCompare(b.code),
  );
  return (
    <section className="dashboard" data-testid="dashboard">
      <h2>{tr('统计')}</h2>
      {error && <p className="error">{error}</p>}
      {!regions && !error && <p className="status">{tr('正在统计…')}</p>}
      {regions && (
        <table>
          <thead>
            <tr>
              <th>{tr('区域')}</th>
              <th>{tr('未办结')}</th>
              <th>{tr('超期')}</th>
              <th>{tr('已办结')}</th>
              <th>{tr('办结率')}</th>
              <th>{tr('按期办结率')}</th>
              <th>{tr('满意率')}</th>
              <th>{tr('平均办理（小时）')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className={`level--${r.level} ${community === r.id ? 'selected' : ''}`}
                onClick={() => r.level === 'COMMUNITY' && setCommunity(r.id)}
                data-testid="dashboard-row"
              >
                <td>{r.name}</td>
                <td>{r.stats.openTickets}</td>
                <td className={r.stats.overdueTickets > 0 ? 'late' : ''}>
                  {r.stats.overdueTickets}
                </td>
                <td>{r.stats.closedTickets}</td>
                <td>{pct(r.stats.resolutionRate)}</td>
                <td>{pct(r.stats.onTimeRate)}</td>
                <td>{pct(r.stats.satisfactionRate)}</td>
                <td>{r.stats.meanResolutionHours?.toFixed(1) ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {community && (
        <div className="lists" data-testid="community-lists">
          <h3>
            {lists?.name ?? '…'} · {tr('三清单')}
          </h3>
          {lists?.lists && (
            <>
              <p>{tr('缺口合计：{n}', { n: lists.lists.shortfall })}</p>
              <table>
                <thead>
                  <tr>
                    <th>{tr('类别')}</th>
                    <th>{tr('需求（未办结）')}</th>
                    <th>{tr('可用承接量')}</th>
                    <th>{tr('缺口')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lists.lists.gaps
                    .filter((g) => g.openTickets > 0 || g.freeCapacity > 0)
                    .map((g) => (
                      <tr key={g.category.nameZh}>
                        <td>{g.category.nameZh}</td>
                        <td>{g.openTickets}</td>
                        <td>{g.freeCapacity}</td>
                        <td className={g.gap > 0 ? 'late' : ''}>{g.gap}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
              <p className="hint">
                {tr('服务清单：')}
                {lists.lists.services
                  .slice(0, 12)
                  .map((s) => `${s.capability}（${s.resourceCount}）`)
                  .join('、')}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}
