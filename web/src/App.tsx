import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  BUILDINGS_IN_VIEW_QUERY,
  COMMUNITY_GAPS_QUERY,
  OPEN_TICKETS_QUERY,
  RESOURCES_IN_VIEW_QUERY,
  type GeoJsonGeometry,
} from '@yitu/schema';
import {
  displayCrs,
  fetchAppConfig,
  fetchBaseStyle,
  type AppConfig,
  type Crs,
} from './data/app-config';
import { request } from './data/graphql';
import { useQuery } from './data/use-query';
import { can } from './data/session';
import { subscribeTicketEvents } from './data/live';
import {
  fetchMapData,
  located,
  type Located,
  type MapData,
  type TicketPoint,
} from './data/map-data';
import {
  BUILDING_MIN_ZOOM,
  LAYER_GROUPS,
  RESOURCE_MIN_ZOOM,
  type CompoundMeasure,
  type LayerGroup,
} from './map/layers';
import type { Selection, Viewport, YituMap } from './map/map-adapter';
import type { Polygon } from './map/draw';
import { MapView } from './map/MapView';
import { readSelection, writeSelection } from './selection-url';
import { AdminPanel, canAdminister } from './features/admin/AdminPanel';
import { ImportPanel, type ImportPreview } from './features/import/ImportPanel';
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
  const [focus, setFocus] = useState<{ selection: Selection } | null>(null);
  // One overlay at a time over the map: the figures (统计), the administrator's panel (系统管理)
  // or bringing places in (数据管理).
  const [overlay, setOverlay] = useState<'dashboard' | 'admin' | 'import' | null>(null);
  const [importPreview, setImportPreview] = useState<ImportPreview | null>(null);
  const yituMap = useRef<YituMap | null>(null);
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

  // the places are fetched again after an import is applied (placesVersion)
  const [placesVersion, setPlacesVersion] = useState(0);
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
  }, [placesVersion]);

  // An empty start (no demo city, nothing imported yet) opens on the import panel for those
  // who may bring places in.
  const empty = data !== null && data.regions.length === 0;
  const mayImport = can(viewer, 'PLACES_WRITE');
  useEffect(() => {
    if (empty && mayImport) setOverlay('import');
  }, [empty, mayImport]);
  const district = data?.regions.find((r) => r.level === 'DISTRICT')?.name ?? null;

  const reloadTickets = useCallback(async () => {
    const d = await request(OPEN_TICKETS_QUERY, { crs });
    setTickets(located(d.tickets.nodes));
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

  // The gap layer's figures are fetched while it is on.
  const communityLists = useQuery(COMMUNITY_GAPS_QUERY, visible.gap ? {} : null).data;
  const gaps = useMemo(
    () =>
      communityLists &&
      new Map(communityLists.communityLists.map((l) => [l.community.code, l.shortfall])),
    [communityLists],
  );

  // Resources (thousands of party members) and buildings come for the view only, when zoomed in.
  const resourcesBox = viewBox(viewport, visible.resource ? RESOURCE_MIN_ZOOM : Infinity, crs);
  const resources = useLastRows(
    useQuery(RESOURCES_IN_VIEW_QUERY, resourcesBox && { bbox: resourcesBox, crs }).data?.resources,
  );
  const buildingsBox = viewBox(viewport, visible.building ? BUILDING_MIN_ZOOM : Infinity, crs);
  const buildings = useLastRows(
    useQuery(BUILDINGS_IN_VIEW_QUERY, buildingsBox && { bbox: buildingsBox, crs }).data?.buildings,
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
  // outlines drawn on the map snap to the corners and edges of regions, grids and compounds
  const neighbours = useMemo(
    () =>
      [...(data?.regions ?? []), ...(data?.grids ?? []), ...(data?.compounds ?? [])].flatMap(
        (p): Polygon[] =>
          p.boundary.type === 'Polygon'
            ? [p.boundary as Polygon]
            : p.boundary.type === 'MultiPolygon'
              ? (p.boundary.coordinates as number[][][][]).map((coordinates) => ({
                  type: 'Polygon' as const,
                  coordinates,
                }))
              : [],
      ),
    [data],
  );

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
        importing={overlay === 'import'}
        onImport={
          mayImport
            ? (open) => {
                setOverlay(open ? 'import' : null);
                if (!open) setImportPreview(null);
              }
            : undefined
        }
        district={district}
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
              // a click on the map closes the figures, not a panel being worked in
              setOverlay((o) => (o === 'dashboard' ? null : o));
            }}
            measure={measure}
            gaps={gaps}
            focus={focus}
            resources={resources}
            buildings={buildings}
            onViewport={setViewport}
            basemap={config?.basemap ?? null}
            baseStyle={baseStyle}
            importPreview={overlay === 'import' ? importPreview : null}
            onMap={(m) => (yituMap.current = m)}
          />
        )}
        {dashboard && <DashboardPanel refresh={refresh} />}
        {overlay === 'admin' && <AdminPanel viewer={viewer} />}
        {overlay === 'import' && (
          <ImportPanel
            crs={crs}
            empty={empty}
            onPreview={setImportPreview}
            onApplied={() => setPlacesVersion((v) => v + 1)}
            map={() => yituMap.current}
            neighbours={neighbours}
          />
        )}
        <SidePanel
          compound={
            selection?.kind === 'compound' ? byCode.compounds.get(selection.code) : undefined
          }
          grid={gridCode ? byCode.grids.get(gridCode) : undefined}
          ticketId={selection?.kind === 'ticket' ? selection.id : undefined}
          status={
            error
              ? tr('数据加载失败：{error}', { error })
              : !data
                ? tr('正在加载地图数据…')
                : empty && !mayImport
                  ? tr('地图上还没有数据：请街道或系统管理员在“数据管理”中导入。')
                  : undefined
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
 * The box to ask an "…InView" query for, once zoomed in to minZoom (Infinity: the layer is off).
 * The view is in the display CRS and the filter takes WGS84: GCJ-02 is at most ~0.007° off in
 * China, so a 0.01° margin covers the view either way.
 */
function viewBox(viewport: Viewport | null, minZoom: number, crs: Crs) {
  if (!viewport || viewport.zoom < minZoom) return null;
  const pad = crs === 'GCJ02' ? 0.01 : 0;
  const b = viewport.bbox;
  return { west: b.west - pad, south: b.south - pad, east: b.east + pad, north: b.north + pad };
}

/** The last rows that came, as points: kept while the next view's rows are on their way. */
function useLastRows<T extends { location: GeoJsonGeometry }>(rows: { nodes: T[] } | undefined) {
  const [last, setLast] = useState<Located<T>[]>([]);
  useEffect(() => {
    if (rows) setLast(located(rows.nodes));
  }, [rows]);
  return last;
}
