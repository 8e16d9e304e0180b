import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { OPEN_TICKETS_QUERY } from '@yitu/schema';
import { request } from './data/graphql';
import { subscribeTicketEvents } from './data/live';
import { fetchMapData, type MapData, type TicketPoint } from './data/map-data';
import { LAYER_GROUPS, type LayerGroup } from './map/layers';
import type { Selection } from './map/map-adapter';
import { MapView } from './map/MapView';
import { readSelection, writeSelection } from './selection-url';
import { SidePanel } from './ui/SidePanel';
import { TopBar } from './ui/TopBar';

const ALL_VISIBLE = Object.fromEntries(LAYER_GROUPS.map((g) => [g, true])) as Record<
  LayerGroup,
  boolean
>;

export function App() {
  const [data, setData] = useState<MapData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(ALL_VISIBLE);
  // What is selected lives in the URL (?compound=, ?grid=, ?ticket=), so a link opens this view.
  const [selection, setSelection] = useState<Selection>(() => readSelection(location.search));
  // The grid a ticket was picked from, to go back to it.
  const [gridCode, setGridCode] = useState<string | null>(null);
  const [tickets, setTickets] = useState<TicketPoint[]>([]);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    fetchMapData(abort.signal).then(
      (d) => {
        setData(d);
        setTickets(d.tickets);
      },
      (e: unknown) => {
        if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => abort.abort();
  }, []);

  const reloadTickets = useCallback(async () => {
    const d = await request<{ tickets: { nodes: TicketPoint[] } }>(OPEN_TICKETS_QUERY);
    setTickets(d.tickets.nodes);
    setRefresh((n) => n + 1);
  }, []);

  // Every ticket event (from any browser or API process) reloads the open tickets.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () =>
      subscribeTicketEvents(() => {
        // a burst of events (accept + dispatch) becomes one reload
        if (pending.current) clearTimeout(pending.current);
        pending.current = setTimeout(() => void reloadTickets().catch(() => undefined), 150);
      }),
    [reloadTickets],
  );

  const select = useCallback((next: Selection) => {
    setSelection(next);
    if (next?.kind === 'grid') setGridCode(next.code);
    else if (next?.kind !== 'ticket') setGridCode(null);
    writeSelection(next);
  }, []);

  // The map hands back codes only; details come from the fetched rows.
  const byCode = useMemo(
    () => ({
      compounds: new Map(data?.compounds.map((c) => [c.code, c])),
      grids: new Map(data?.grids.map((g) => [g.code, g])),
    }),
    [data],
  );
  const mapData = useMemo(() => (data ? { ...data, tickets } : null), [data, tickets]);

  return (
    <div className="app">
      <TopBar visible={visible} onToggle={(g, on) => setVisible((v) => ({ ...v, [g]: on }))} />
      <main className="workspace">
        {mapData && (
          <MapView data={mapData} visible={visible} selection={selection} onSelect={select} />
        )}
        <SidePanel
          compound={
            selection?.kind === 'compound' ? byCode.compounds.get(selection.code) : undefined
          }
          grid={
            selection?.kind === 'grid'
              ? byCode.grids.get(selection.code)
              : gridCode
                ? byCode.grids.get(gridCode)
                : undefined
          }
          ticketId={selection?.kind === 'ticket' ? selection.id : undefined}
          status={error ? `数据加载失败：${error}` : data ? undefined : '正在加载地图数据…'}
          refresh={refresh}
          onPickTicket={(id) => {
            setSelection({ kind: 'ticket', id });
            writeSelection({ kind: 'ticket', id });
          }}
          onTicketChanged={() => void reloadTickets().catch(() => undefined)}
          onClose={() =>
            selection?.kind === 'ticket' && gridCode
              ? select({ kind: 'grid', code: gridCode })
              : select(null)
          }
        />
      </main>
    </div>
  );
}
