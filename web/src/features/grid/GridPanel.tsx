import { GRID_PANEL_QUERY, type ResultOf } from '@yitu/schema';
import { describeError } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { countdown, pct, STATUS_LABEL } from '../tickets/labels';
import { tr } from '../../i18n';

type Grid = Extract<ResultOf<typeof GRID_PANEL_QUERY>['node'], { __typename: 'Grid' }>;
type GridTicket = Grid['tickets']['nodes'][number];

const deadlineOf = (t: GridTicket) =>
  new Date(t.resolveBy ?? t.respondBy ?? '9999-12-31').getTime();

/** A grid: who works it, its party group, its compounds, and its open tickets by deadline. */
export function GridPanel({
  id,
  refresh,
  onPickTicket,
}: {
  id: string;
  /** Changes when tickets changed (live events), to reload the list. */
  refresh: number;
  onPickTicket: (ticketId: string) => void;
}) {
  const { data, error } = useQuery(GRID_PANEL_QUERY, { id }, refresh);
  const grid = data?.node?.__typename === 'Grid' ? data.node : null;

  if (error) return <p className="error">{describeError(error)}</p>;
  if (!grid) return <p className="status">{tr('正在加载网格…')}</p>;
  const now = Date.now();
  // urgent ones first (the API lists them first too), then by deadline
  const tickets = [...grid.tickets.nodes].sort(
    (a, b) => Number(b.urgent) - Number(a.urgent) || deadlineOf(a) - deadlineOf(b),
  );
  return (
    <section data-testid="grid-details">
      <header className="panel-header">
        <span className="kind">{grid.micro ? tr('微网格') : tr('网格')}</span>
        <h2 data-testid="panel-title">{grid.name}</h2>
      </header>
      <dl>
        <dt>{tr('编码')}</dt>
        <dd data-testid="grid-code">{grid.code}</dd>
        <dt>{tr('网格员')}</dt>
        <dd data-testid="grid-worker">{grid.worker?.name ?? '—'}</dd>
        <dt>{tr('党小组')}</dt>
        <dd>{grid.partyGroup?.name ?? '—'}</dd>
        <dt>{tr('办结率')}</dt>
        <dd data-testid="grid-figures">
          {pct(grid.stats.resolutionRate)} · {tr('按期办结率')} {pct(grid.stats.onTimeRate)} ·{' '}
          {tr('满意率')} {pct(grid.stats.satisfactionRate)}
        </dd>
        <dt>{tr('小区')}</dt>
        <dd>{grid.compounds.nodes.map((c) => c.name).join('、') || '—'}</dd>
      </dl>
      <h3>{tr('未办结工单（{n}）', { n: tickets.length })}</h3>
      {tickets.length === 0 && <p className="hint">{tr('暂无未办结工单')}</p>}
      <ul className="ticket-list" data-testid="grid-tickets">
        {tickets.map((t) => (
          <li key={t.id}>
            <button type="button" data-testid="grid-ticket" onClick={() => onPickTicket(t.id)}>
              {t.urgent && <span className="badge badge--red">{tr('紧急')}</span>}
              <span className={`badge status status--${t.status}`}>
                {STATUS_LABEL[t.status] ?? t.status}
              </span>
              <span className="code">{t.code}</span>
              <span className="category">{t.category?.nameZh ?? tr('待分类')}</span>
              <span className={t.overdue ? 'deadline deadline--late' : 'deadline'}>
                {countdown(t.resolveBy ?? t.respondBy, now) ?? ''}
              </span>
              <span className="excerpt">{t.description.slice(0, 40)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
