import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { COMMUNITY_GAPS_QUERY, TICKET_HEAT_QUERY } from '@yitu/schema';
import {
  displayCrs,
  fetchAppConfig,
  fetchBaseStyle,
  type AppConfig,
  type Crs,
} from './data/app-config';
import { useQuery } from './data/use-query';
import { can } from './data/session';
import { subscribeTicketEvents } from './data/live';
import {
  fetchMapFrame,
  fetchOutlines,
  fetchPlace,
  fetchTicketLocation,
  type Compound,
  type Grid,
  type MapFrame,
} from './data/map-data';
import {
  LAYER_GROUPS,
  RESOURCE_MIN_ZOOM,
  tilesUrl,
  type CompoundMeasure,
  type LayerGroup,
} from './map/layers';
import type { Selection, Viewport, YituMap } from './map/map-adapter';
import { MapView } from './map/MapView';
import { readSelection, writeSelection } from './selection-url';
import { AdminPanel, canAdminister } from './features/admin/AdminPanel';
import { ImportPanel, type ImportPreview } from './features/import/ImportPanel';
import { DashboardPanel } from './features/dashboard/DashboardPanel';
import { PeoplePanel } from './features/people/PeoplePanel';
import { ReportsPanel, type HeatAsk } from './features/reports/ReportsPanel';
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
  // where the map opens; what it draws comes from the vector tiles
  const [frame, setFrame] = useState<(MapFrame & { tilesUrl: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(INITIALLY_VISIBLE);
  const [measure, setMeasure] = useState<CompoundMeasure>('open');
  const [focus, setFocus] = useState<{ selection: Selection } | null>(null);
  // One overlay at a time over the map: the figures (统计), the administrator's panel (系统管理)
  // or bringing places in (数据管理).
  const [overlay, setOverlay] = useState<
    'dashboard' | 'reports' | 'admin' | 'import' | 'people' | null
  >(null);
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
  const [refresh, setRefresh] = useState(0);
  // the reports panel's heat map of a month's tickets: stays on the map when the panel closes
  const [heatAsk, setHeatAsk] = useState<HeatAsk | null>(null);

  const [config, setConfig] = useState<AppConfig | null>(null);
  const [baseStyle, setBaseStyle] = useState<unknown>(null);
  const crs = config ? displayCrs(config) : 'WGS84';
  const heatQuery = useQuery(TICKET_HEAT_QUERY, heatAsk ? { ...heatAsk, crs } : null);
  const heat = heatAsk ? (heatQuery.data?.ticketHeat ?? null) : null;

  // the places are fetched again after an import is applied (placesVersion)
  const [placesVersion, setPlacesVersion] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    fetchAppConfig(abort.signal)
      .then(async (c) => {
        setBaseStyle(await fetchBaseStyle(c.basemap));
        setConfig(c);
        const f = await fetchMapFrame(displayCrs(c), abort.signal);
        // absolute: MapLibre asks for tiles from its worker
        return { ...f, tilesUrl: tilesUrl(location.origin, displayCrs(c)) };
      })
      .then(
        (f) => setFrame(f),
        (e: unknown) => {
          if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
        },
      );
    return () => abort.abort();
  }, [placesVersion]);

  // An empty start (no demo city, nothing imported yet) opens on the import panel for those
  // who may bring places in.
  const empty = frame !== null && frame.bounds === null;
  const mayImport = can(viewer, 'PLACES_WRITE');
  useEffect(() => {
    if (empty && mayImport) setOverlay('import');
  }, [empty, mayImport]);
  const district = frame?.district ?? null;

  // Every ticket event (from any browser or API process) asks for the tiles again: the API has
  // dropped the tiles it touched (their figures, their points), and the browser revalidates the
  // rest by ETag (304s). A burst of events (accept + dispatch) becomes one refresh; a second one
  // a moment later covers an API process that dropped its tiles after the event reached us.
  const pending = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => {
    const stop = subscribeTicketEvents(crs, () => {
      for (const t of pending.current) clearTimeout(t);
      const again = () => yituMap.current?.refreshTiles();
      pending.current = [
        setTimeout(() => {
          again();
          setRefresh((n) => n + 1);
        }, 150),
        setTimeout(again, 1500),
      ];
    });
    return () => {
      stop();
      for (const t of pending.current) clearTimeout(t);
    };
  }, [crs]);

  // The gap layer's figures are fetched while it is on.
  const communityLists = useQuery(COMMUNITY_GAPS_QUERY, visible.gap ? {} : null).data;
  const gaps = useMemo(
    () =>
      communityLists &&
      new Map(communityLists.communityLists.map((l) => [l.community.code, l.shortfall])),
    [communityLists],
  );

  const select = useCallback((next: Selection) => {
    setSelection(next);
    if (next?.kind === 'grid') setGridCode(next.code);
    else if (next?.kind !== 'ticket') setGridCode(null);
    writeSelection(next);
  }, []);

  // The map hands back codes only; the panel's row comes by code (again after ticket events).
  const compoundCode = selection?.kind === 'compound' ? selection.code : null;
  const [compound, setCompound] = useState<Compound | undefined>();
  const [grid, setGrid] = useState<Grid | undefined>();
  useEffect(() => {
    if (!compoundCode) return setCompound(undefined);
    const abort = new AbortController();
    fetchPlace('compound', compoundCode, crs, abort.signal).then(
      (c) => setCompound((c as Compound | null) ?? undefined),
      () => undefined,
    );
    return () => abort.abort();
  }, [compoundCode, crs, refresh]);
  useEffect(() => {
    if (!gridCode) return setGrid(undefined);
    const abort = new AbortController();
    fetchPlace('grid', gridCode, crs, abort.signal).then(
      (g) => setGrid((g as Grid | null) ?? undefined),
      () => undefined,
    );
    return () => abort.abort();
  }, [gridCode, crs]);

  // A search pick moves the map to it, once its shape or point has come.
  useEffect(() => {
    const s = focus?.selection;
    if (!s) return;
    const abort = new AbortController();
    const shape =
      s.kind === 'ticket'
        ? fetchTicketLocation(s.id, crs)
        : fetchPlace(s.kind, s.code, crs, abort.signal).then((p) => p?.boundary ?? null);
    shape.then(
      (at) => {
        if (at && !abort.signal.aborted) yituMap.current?.focus(at);
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [focus, crs]);

  // outlines drawn on the map snap to the corners and edges of the regions, grids and compounds
  // of the view (every page of them)
  const neighbours = useCallback(
    (bbox: Viewport['bbox']) => fetchOutlines(padded(bbox, crs), crs),
    [crs],
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
        reports={overlay === 'reports'}
        onReports={
          can(viewer, 'TICKETS_READ') ? (open) => setOverlay(open ? 'reports' : null) : undefined
        }
        people={overlay === 'people'}
        onPeople={
          can(viewer, 'PEOPLE_MANAGE') ? (open) => setOverlay(open ? 'people' : null) : undefined
        }
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
        {frame && (
          <MapView
            frame={frame}
            visible={visible}
            selection={selection}
            onSelect={(s) => {
              select(s);
              // a click on the map closes the figures, not a panel being worked in
              setOverlay((o) => (o === 'dashboard' || o === 'reports' ? null : o));
            }}
            measure={measure}
            gaps={gaps}
            onViewport={setViewport}
            basemap={config?.basemap ?? null}
            baseStyle={baseStyle}
            importPreview={overlay === 'import' ? importPreview : null}
            ticketHeat={heat}
            onMap={(m) => (yituMap.current = m)}
          />
        )}
        {heat && overlay !== 'reports' && (
          <div className="heat-badge" data-testid="heat-badge">
            {tr('热力图 {month} · {n} 件', { month: heat.period.label, n: heat.total })}
            <button type="button" onClick={() => setHeatAsk(null)} aria-label={tr('关闭热力图')}>
              ×
            </button>
          </div>
        )}
        {dashboard && <DashboardPanel refresh={refresh} />}
        {overlay === 'reports' && viewer && (
          <ReportsPanel
            jurisdictionId={viewer.jurisdictionId ?? null}
            jurisdictionName={viewer.jurisdictionName}
            heat={heatAsk}
            heatTotal={heat?.total ?? null}
            onHeat={setHeatAsk}
            onShowMap={() => setOverlay(null)}
          />
        )}
        {overlay === 'admin' && <AdminPanel viewer={viewer} />}
        {overlay === 'people' && viewer && <PeoplePanel viewer={viewer} />}
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
          compound={compoundCode ? compound : undefined}
          grid={gridCode ? grid : undefined}
          ticketId={selection?.kind === 'ticket' ? selection.id : undefined}
          status={
            error
              ? tr('数据加载失败：{error}', { error })
              : !frame
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
 * A view box for a WGS84 filter. The view is in the display CRS: GCJ-02 is at most ~0.007° off
 * in China, so a 0.01° margin covers the view either way.
 */
function padded(b: Viewport['bbox'], crs: Crs): Viewport['bbox'] {
  const pad = crs === 'GCJ02' ? 0.01 : 0;
  return { west: b.west - pad, south: b.south - pad, east: b.east + pad, north: b.north + pad };
}
