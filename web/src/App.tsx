import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  BUILDINGS_IN_VIEW_QUERY,
  COMMUNITY_GAPS_QUERY,
  OPEN_TICKETS_QUERY,
  RESOURCES_IN_VIEW_QUERY,
} from '@yitu/schema';
import { displayCrs, fetchAppConfig, fetchBaseStyle, type AppConfig } from './data/app-config';
import { request } from './data/graphql';
import { can } from './data/session';
import { subscribeTicketEvents } from './data/live';
import {
  fetchMapData,
  type BuildingPoint,
  type MapData,
  type ResourcePoint,
  type TicketPoint,
} from './data/map-data';
import {
  BUILDING_MIN_ZOOM,
  LAYER_GROUPS,
  RESOURCE_MIN_ZOOM,
  type CompoundMeasure,
  type LayerGroup,
} from './map/layers';
import type { Selection, Viewport } from './map/map-adapter';
import { MapView } from './map/MapView';
import { readSelection, writeSelection } from './selection-url';
import { AdminPanel, canAdminister } from './features/admin/AdminPanel';
import { DashboardPanel } from './features/dashboard/DashboardPanel';
import { useSession } from './features/session/session';
import { SidePanel } from './ui/SidePanel';
import { TopBar } from './ui/TopBar';
import { tr } from './i18n';

// Every layer shows at first but the 三清单 gap layer, which staff turn on when they plan.
const INITIALLY_VISIBLE = Object.fromEntries(LAYER_GROUPS.map((g) => [g, g !== 'gap'])) as Record<
  LayerGroup,
  boolean
>;

export function App() {
  const session = useSession();
  const [data, setData] = useState<MapData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(INITIALLY_VISIBLE);
  const [measure, setMeasure] = useState<CompoundMeasure>('open');
  const [gaps, setGaps] = useState<Map<string, number> | null>(null);
  const [focus, setFocus] = useState<{ selection: Selection } | null>(null);
  // One overlay at a time over the map: the figures (统计) or the administrator's panel (系统管理).
  const [overlay, setOverlay] = useState<'dashboard' | 'admin' | null>(null);
  const dashboard = overlay === 'dashboard';
  const setDashboard = useCallback((open: boolean) => setOverlay(open ? 'dashboard' : null), []);
  const viewer = session?.viewer ?? null;
  const [viewport, setViewport] = useState<Viewport | null>(null);
  // What is selected lives in the URL (?compound=, ?grid=, ?ticket=), so a link opens this view.
  const [selection, setSelection] = useState<Selection>(() => readSelection(location.search));
  // The grid a ticket was picked from, to go back to it.
  const [gridCode, setGridCode] = useState<string | null>(() => {
    const first = readSelection(location.search);
    return first?.kind === 'grid' ? first.code : null;
  });
  const [tickets, setTickets] = useState<TicketPoint[]>([]);
  const [refresh, setRefresh] = useState(0);

  const [config, setConfig] = useState<AppConfig | null>(null);
  const [baseStyle, setBaseStyle] = useState<unknown>(null);
  const crs = config ? displayCrs(config) : 'WGS84';

  useEffect(() => {
    const abort = new AbortController();
    fetchAppConfig(abort.signal)
      .then(async (c) => {
        setBaseStyle(await fetchBaseStyle(c.basemap));
        setConfig(c);
        return fetchMapData(displayCrs(c), abort.signal);
      })
      .then(
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
    const d = await request<{ tickets: { nodes: TicketPoint[] } }>(OPEN_TICKETS_QUERY, { crs });
    setTickets(d.tickets.nodes);
    setRefresh((n) => n + 1);
  }, [crs]);

  // Every ticket event (from any browser or API process) reloads the open tickets.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () =>
      subscribeTicketEvents(crs, () => {
        // a burst of events (accept + dispatch) becomes one reload
        if (pending.current) clearTimeout(pending.current);
        pending.current = setTimeout(() => void reloadTickets().catch(() => undefined), 150);
      }),
    [reloadTickets, crs],
  );

  // The gap layer's figures are fetched the first time it is turned on.
  useEffect(() => {
    if (!visible.gap || gaps) return;
    request<{ communityLists: { shortfall: number; community: { code: string } }[] }>(
      COMMUNITY_GAPS_QUERY,
    ).then(
      (d) => setGaps(new Map(d.communityLists.map((l) => [l.community.code, l.shortfall]))),
      () => undefined,
    );
  }, [visible.gap, gaps]);

  // Resources (thousands of party members) and buildings come for the view only, when zoomed in.
  const resources = useInView<ResourcePoint>(
    RESOURCES_IN_VIEW_QUERY,
    'resources',
    viewport,
    visible.resource ? RESOURCE_MIN_ZOOM : Infinity,
    crs,
  );
  const buildings = useInView<BuildingPoint>(
    BUILDINGS_IN_VIEW_QUERY,
    'buildings',
    viewport,
    visible.building ? BUILDING_MIN_ZOOM : Infinity,
    crs,
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
      <TopBar
        visible={visible}
        onToggle={(g, on) => setVisible((v) => ({ ...v, [g]: on }))}
        measure={measure}
        onMeasure={setMeasure}
        onPick={(s) => {
          select(s);
          setDashboard(false);
          setFocus({ selection: s });
        }}
        dashboard={dashboard}
        onDashboard={setDashboard}
        admin={overlay === 'admin'}
        onAdmin={canAdminister(viewer) ? (open) => setOverlay(open ? 'admin' : null) : undefined}
        viewer={viewer}
        onSignOut={() => session?.signOut()}
      />
      <main className="workspace">
        {mapData && (
          <MapView
            data={mapData}
            visible={visible}
            selection={selection}
            onSelect={(s) => {
              select(s);
              setDashboard(false);
            }}
            measure={measure}
            gaps={gaps}
            focus={focus}
            resources={resources}
            buildings={buildings}
            onViewport={setViewport}
            basemap={config?.basemap ?? null}
            baseStyle={baseStyle}
          />
        )}
        {dashboard && <DashboardPanel refresh={refresh} />}
        {overlay === 'admin' && <AdminPanel viewer={viewer} />}
        <SidePanel
          compound={
            selection?.kind === 'compound' ? byCode.compounds.get(selection.code) : undefined
          }
          grid={gridCode ? byCode.grids.get(gridCode) : undefined}
          ticketId={selection?.kind === 'ticket' ? selection.id : undefined}
          status={
            error
              ? tr('数据加载失败：{error}', { error })
              : data
                ? undefined
                : tr('正在加载地图数据…')
          }
          refresh={refresh}
          measure={measure}
          showHouseholds={can(viewer, 'HOUSEHOLDS_READ')}
          showGap={visible.gap}
          showResources={visible.resource && (viewport?.zoom ?? 0) >= RESOURCE_MIN_ZOOM}
          onPickTicket={(id) => select({ kind: 'ticket', id })}
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

/**
 * The rows of a "…InView" query for the current view, once zoomed in to minZoom (Infinity: the
 * layer is off). The view is in the display CRS and the filter takes WGS84: GCJ-02 is at most
 * ~0.007° off in China, so a 0.01° margin covers the view either way.
 */
function useInView<T>(
  query: string,
  field: string,
  viewport: Viewport | null,
  minZoom: number,
  crs: string,
): T[] {
  const [rows, setRows] = useState<T[]>([]);
  useEffect(() => {
    if (!viewport || viewport.zoom < minZoom) return;
    const abort = new AbortController();
    const pad = crs === 'GCJ02' ? 0.01 : 0;
    const b = viewport.bbox;
    const bbox = {
      west: b.west - pad,
      south: b.south - pad,
      east: b.east + pad,
      north: b.north + pad,
    };
    request<Record<string, { nodes: T[] }>>(query, { bbox, crs }, abort.signal).then(
      (d) => setRows(d[field]?.nodes ?? []),
      () => undefined,
    );
    return () => abort.abort();
  }, [query, field, viewport, minZoom, crs]);
  return rows;
}
