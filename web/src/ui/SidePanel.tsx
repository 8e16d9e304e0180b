import type { CSSProperties } from 'react';
import type { Compound, Grid } from '../data/map-data';
import { Households } from '../features/compound/Households';
import { GridPanel } from '../features/grid/GridPanel';
import { TicketPanel } from '../features/tickets/TicketPanel';
import {
  compoundRamp,
  defaultTheme,
  GAP_MANY,
  GAP_SOME,
  RESOURCE_KIND_COLOURS,
  TICKET_STATUS_COLOURS,
  type CompoundMeasure,
} from '../map/layers';
import { tr } from '../i18n';

interface Props {
  compound?: Compound | undefined;
  grid?: Grid | undefined;
  ticketId?: string | undefined;
  status?: string | undefined; // loading / error text
  /** Bumped when a live ticket event arrives, so open panels reload. */
  refresh: number;
  measure: CompoundMeasure;
  /** The viewer may read vulnerable households (community staff, of their own community). */
  showHouseholds: boolean;
  showGap: boolean;
  showResources: boolean;
  onPickTicket: (ticketId: string) => void;
  onClose: () => void;
}

export function SidePanel({
  compound,
  grid,
  ticketId,
  status,
  refresh,
  measure,
  showHouseholds,
  showGap,
  showResources,
  onPickTicket,
  onClose,
}: Props) {
  return (
    <aside className="side-panel" data-testid="side-panel">
      {status && (
        <p className="status" data-testid="map-status">
          {status}
        </p>
      )}
      {compound && (
        <section data-testid="compound-details">
          <Header title={compound.name} kind={tr('小区')} onClose={onClose} />
          <dl>
            <dt>{tr('编码')}</dt>
            <dd data-testid="compound-code">{compound.code}</dd>
            <dt>{tr('户数')}</dt>
            <dd data-testid="compound-households">{compound.households}</dd>
            <dt>{tr('物业')}</dt>
            <dd data-testid="compound-property">
              {compound.propertyCompanyName ?? tr('无物业')}
              {compound.redProperty && (
                <span className="badge badge--red" data-testid="red-property-badge">
                  {tr('红色物业')}
                </span>
              )}
            </dd>
            <dt>{tr('未办结工单')}</dt>
            <dd data-testid="compound-open-tickets">{compound.openTickets}</dd>
          </dl>
          {/* QR posters: the resident's way in, printed on the server with the Chinese font */}
          <p className="posters">
            <a
              href={`/posters/compounds/${encodeURIComponent(compound.code)}.pdf`}
              target="_blank"
              rel="noreferrer"
              data-testid="poster-compound"
            >
              {tr('打印二维码海报')}
            </a>{' '}
            <a
              href={`/posters/compounds/${encodeURIComponent(compound.code)}.png`}
              target="_blank"
              rel="noreferrer"
            >
              PNG
            </a>{' '}
            ·{' '}
            <a
              href={`/posters/regions/${encodeURIComponent(compound.community.code)}.pdf`}
              target="_blank"
              rel="noreferrer"
              data-testid="poster-community"
            >
              {tr('打印{name}全部海报', { name: compound.community.name })}
            </a>
          </p>
          {showHouseholds && <Households key={compound.id} compoundId={compound.id} />}
        </section>
      )}
      {grid && !ticketId && (
        <>
          <CloseButton onClose={onClose} />
          <GridPanel id={grid.id} refresh={refresh} onPickTicket={onPickTicket} />
        </>
      )}
      {ticketId && (
        <>
          <CloseButton onClose={onClose} />
          <TicketPanel key={ticketId} id={ticketId} refresh={refresh} />
        </>
      )}
      {!compound && !grid && !ticketId && !status && (
        <p className="hint">{tr('点击小区、网格或工单查看详情')}</p>
      )}
      <Legend measure={measure} showGap={showGap} showResources={showResources} />
    </aside>
  );
}

function Header({ title, kind, onClose }: { title: string; kind: string; onClose: () => void }) {
  return (
    <header className="panel-header">
      <span className="kind">{kind}</span>
      <h2 data-testid="panel-title">{title}</h2>
      <button type="button" aria-label={tr('关闭')} data-testid="panel-close" onClick={onClose}>
        ×
      </button>
    </header>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button
      type="button"
      className="panel-close"
      aria-label={tr('关闭')}
      data-testid="panel-close"
      onClick={onClose}
    >
      ×
    </button>
  );
}

function Legend({
  measure,
  showGap,
  showResources,
}: {
  measure: CompoundMeasure;
  showGap: boolean;
  showResources: boolean;
}) {
  const t = defaultTheme;
  const rows: [string, CSSProperties][] = [
    ...compoundRamp(measure, t).map(([, colour, label]): [string, CSSProperties] => [
      label,
      { background: colour },
    ]),
    ...(measure === 'satisfaction'
      ? [[tr('尚无评价'), { background: t.noData }] as [string, CSSProperties]]
      : []),
    ...(showGap
      ? ([
          [tr('社区缺口 {n}+', { n: GAP_SOME }), { background: t.tickets.few, opacity: 0.55 }],
          [tr('社区缺口 ≥{n}', { n: GAP_MANY }), { background: t.tickets.many, opacity: 0.55 }],
        ] as [string, CSSProperties][])
      : []),
    [tr('红色物业'), { border: `2px solid ${t.redProperty}` }],
    ...TICKET_STATUS_COLOURS.slice(0, 5).map(([, label, colour]): [string, CSSProperties] => [
      tr('工单：{label}', { label }),
      { background: colour, borderRadius: '50%' },
    ]),
    [tr('超期工单'), { border: `2px solid ${t.redProperty}`, borderRadius: '50%' }],
    ...(showResources
      ? RESOURCE_KIND_COLOURS.map(([, label, colour]): [string, CSSProperties] => [
          tr('资源：{label}', { label }),
          { background: colour, borderRadius: '50%', width: 8, height: 8 },
        ])
      : []),
  ];
  return (
    <ul className="legend" aria-label={tr('图例')}>
      {rows.map(([label, style]) => (
        <li key={label}>
          <i style={style} />
          {label}
        </li>
      ))}
    </ul>
  );
}
