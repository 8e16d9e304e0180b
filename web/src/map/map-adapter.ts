import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Basemap } from '../data/app-config';
import { boundsOf, type MapFrame, type Position } from '../data/map-data';

/** The visible area after each move: west, south, east, north, and the zoom. */
export interface Viewport {
  bbox: { west: number; south: number; east: number; north: number };
  zoom: number;
}
import { startDrawSession, type DrawSession, type Point, type Polygon } from './draw';
import {
  buildImportPreviewLayers,
  buildTicketHeatLayer,
  heatFeatures,
  TICKET_HEAT_LAYER,
  TICKET_HEAT_SOURCE,
  buildStyle,
  compoundFillColour,
  IMPORT_PREVIEW_SOURCE,
  defaultTheme,
  type CompoundMeasure,
  GROUP_KEY,
  LAYER,
  selectionFilter,
  SOURCE,
  TICKET_CLUSTER_MAX_ZOOM,
  TILE_LAYER,
  type LayerGroup,
  type MapTheme,
  type StyleSpecification,
} from './layers';

// The only module that touches maplibre-gl at runtime. Without an explicit worker URL the
// built app 404s on the worker.
maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    __yituMap?: maplibregl.Map; // for end-to-end tests
  }
}

/** What the side panel shows: a compound or grid by code, a ticket by its global id. */
export type Selection =
  { kind: 'compound' | 'grid'; code: string } | { kind: 'ticket'; id: string } | null;

export interface YituMap {
  setGroupVisible(group: LayerGroup, visible: boolean): void;
  /**
   * Ask again for the tiles after ticket events: MapLibre drops its cached tiles and asks for
   * those in view; the browser revalidates each with its ETag, so unchanged ones are 304s.
   */
  refreshTiles(): void;
  /** Colour compounds by another measure. */
  setMeasure(measure: CompoundMeasure): void;
  /** Each community's 三清单 shortfall, for the gap layer. */
  setCommunityGaps(shortfalls: Map<string, number>): void;
  /** Move the map to show an outline or a point. */
  focus(shape: { coordinates: unknown } | Position): void;
  /**
   * Draw or reshape an outline, snapping to the outlines of the view (asked for again after each
   * move); null until the map has loaded.
   */
  startDrawing(
    neighbours: (bbox: Viewport['bbox']) => Promise<Polygon[]>,
    onChange: (shape: Polygon | Point | null) => void,
  ): DrawSession | null;
  /** An import's dry run drawn over the map (null: none), and the view moved to it. */
  setImportPreview(collection: { type: 'FeatureCollection'; features: unknown[] } | null): void;
  /** A period's tickets as a heat map over the places (null: none). */
  setTicketHeat(heat: TicketHeat | null): void;
  select(selection: Selection): void;
  destroy(): void;
}

/** Heat-map cells in the map's CRS and the count of the densest. */
export interface TicketHeat {
  cells: readonly { lon: number; lat: number; count: number }[];
  max: number;
}

const CLICKABLE = [
  LAYER.ticketCluster,
  LAYER.ticket,
  LAYER.compoundFill,
  LAYER.compoundDot,
  LAYER.gridHit,
];

export function createYituMap(
  container: HTMLElement,
  frame: MapFrame & { tilesUrl: string },
  onSelect: (selection: Selection) => void,
  onViewport: (viewport: Viewport) => void = () => undefined,
  basemap: Basemap | null = null,
  baseStyle: StyleSpecification | null = null,
  theme: MapTheme = defaultTheme,
): YituMap {
  const bounds = frame.bounds;
  const style = buildStyle(
    { url: frame.tilesUrl, synthetic: frame.synthetic },
    theme,
    basemap,
    baseStyle,
  );
  const map = new maplibregl.Map({
    container,
    style,
    ...(bounds
      ? { bounds, fitBoundsOptions: { padding: 40 } }
      : { center: [119.006, 32.684], zoom: 11 }), // no streets yet: 天长 town centre
    attributionControl: { compact: true },
    // the view in the URL (#map=zoom/lat/lon), so a link opens the same place
    hash: 'map',
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({}), 'bottom-left');
  window.__yituMap = map;

  // while an outline is being drawn, clicks place its corners: they select nothing
  let drawing = false;
  map.on('click', (e) => {
    if (drawing) return;
    const hits = map.queryRenderedFeatures(e.point, { layers: CLICKABLE });
    // a ticket point above all; compounds sit inside grids; within grids prefer the micro-grid
    const cluster = hits.find((f) => f.layer.id === LAYER.ticketCluster);
    if (cluster && cluster.geometry.type === 'Point') {
      // a cluster opens up: zoom in on it, at most to where every ticket is its own point
      const center = cluster.geometry.coordinates as [number, number];
      map.easeTo({ center, zoom: Math.min(map.getZoom() + 2, TICKET_CLUSTER_MAX_ZOOM + 1) });
      return;
    }
    const ticket = hits.find((f) => f.layer.id === LAYER.ticket);
    if (ticket && typeof ticket.properties.id === 'string') {
      onSelect({ kind: 'ticket', id: ticket.properties.id });
      return;
    }
    const isCompound = (id: string) => id === LAYER.compoundFill || id === LAYER.compoundDot;
    const hit =
      hits.find((f) => isCompound(f.layer.id)) ??
      hits.find((f) => f.properties.micro === true) ??
      hits.find((f) => f.layer.id === LAYER.gridHit);
    const code = hit?.properties.code;
    onSelect(
      hit && typeof code === 'string'
        ? { kind: isCompound(hit.layer.id) ? 'compound' : 'grid', code }
        : null,
    );
  });
  // Hover highlight: the top-level grid (or micro-grid) under the pointer.
  let hovered = '';
  map.on('mousemove', LAYER.gridHit, (e) => {
    const f = e.features?.find((x) => x.properties.micro === true) ?? e.features?.[0];
    const code = typeof f?.properties.code === 'string' ? f.properties.code : '';
    if (code !== hovered) map.setFilter(LAYER.gridHover, selectionFilter((hovered = code)));
  });
  map.on('mouseleave', LAYER.gridHit, () => {
    hovered = '';
    map.setFilter(LAYER.gridHover, selectionFilter(null));
  });
  for (const id of CLICKABLE) {
    map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
  }

  // The style loads asynchronously: keep the wanted state and apply it once it has.
  const hidden = new Set<LayerGroup>();
  let selected: Selection = null;
  let measure: CompoundMeasure = 'open';
  let gaps = new Map<string, number>();
  let preview: { type: 'FeatureCollection'; features: unknown[] } | null = null;
  let heat: TicketHeat | null = null;
  let loaded = false;
  const showHeat = () => {
    if (!loaded) return;
    if (map.getLayer(TICKET_HEAT_LAYER)) map.removeLayer(TICKET_HEAT_LAYER);
    const data = heatFeatures(heat?.cells ?? []);
    const source = map.getSource<maplibregl.GeoJSONSource>(TICKET_HEAT_SOURCE);
    if (source) source.setData(data);
    else map.addSource(TICKET_HEAT_SOURCE, { type: 'geojson', data });
    // under the ticket points and labels: the heat reads as ground, the tickets stay clickable
    const below = map.getLayer(LAYER.ticketCluster) ? LAYER.ticketCluster : undefined;
    if (heat) map.addLayer(buildTicketHeatLayer(heat.max) as never, below);
    // the view moves to where the period's tickets are
    const points = (heat?.cells ?? []).map((c) => ({
      type: 'Point' as const,
      coordinates: [c.lon, c.lat],
    }));
    const bounds = boundsOf(points);
    if (bounds) map.fitBounds(bounds, { padding: 80, maxZoom: 15, duration: 0 });
  };
  const showPreview = () => {
    if (!loaded) return;
    const data = preview ?? { type: 'FeatureCollection', features: [] };
    const source = map.getSource<maplibregl.GeoJSONSource>(IMPORT_PREVIEW_SOURCE);
    if (source) source.setData(data as never);
    else {
      map.addSource(IMPORT_PREVIEW_SOURCE, { type: 'geojson', data: data as never });
      for (const layer of buildImportPreviewLayers()) map.addLayer(layer as never);
    }
    const features = (preview?.features ?? []) as { geometry: { coordinates: unknown } | null }[];
    const bounds = boundsOf(features.flatMap((f) => (f.geometry ? [f.geometry] : [])));
    // the import panel covers the left of the map (up to 45%): keep the features right of it
    const left = Math.min(600, container.clientWidth * 0.47);
    if (bounds)
      map.fitBounds(bounds, {
        padding: { top: 60, bottom: 60, right: 60, left },
        maxZoom: 17,
        duration: 0,
      });
  };
  const apply = () => {
    if (!loaded) return;
    for (const layer of style.layers) {
      const group = (layer.metadata as Record<string, LayerGroup> | undefined)?.[GROUP_KEY];
      if (group)
        map.setLayoutProperty(layer.id, 'visibility', hidden.has(group) ? 'none' : 'visible');
    }
    const colour = compoundFillColour(measure, theme) as never;
    map.setPaintProperty(LAYER.compoundFill, 'fill-color', colour);
    map.setPaintProperty(LAYER.compoundDot, 'circle-color', colour);
    for (const [code, shortfall] of gaps)
      map.setFeatureState(
        { source: SOURCE.tiles, sourceLayer: TILE_LAYER.regions, id: code },
        { shortfall },
      );
    const code = (kind: 'compound' | 'grid') => (selected?.kind === kind ? selected.code : null);
    map.setFilter(LAYER.compoundSelected, selectionFilter(code('compound')));
    map.setFilter(LAYER.gridSelected, selectionFilter(code('grid')));
    map.setFilter(LAYER.ticketSelected, [
      '==',
      ['get', 'id'],
      selected?.kind === 'ticket' ? selected.id : '',
    ]);
  };
  const viewBox = (): Viewport['bbox'] => {
    const b = map.getBounds();
    return { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
  };
  const reportViewport = () => onViewport({ bbox: viewBox(), zoom: map.getZoom() });
  map.on('moveend', reportViewport);
  map.once('load', () => {
    loaded = true;
    apply();
    if (preview) showPreview();
    if (heat) showHeat();
    reportViewport();
  });

  return {
    setGroupVisible(group, visible) {
      if (visible) hidden.delete(group);
      else hidden.add(group);
      apply();
    },
    refreshTiles() {
      if (loaded) map.refreshTiles(SOURCE.tiles);
    },
    select(selection) {
      selected = selection;
      apply();
    },
    setMeasure(next) {
      measure = next;
      apply();
    },
    startDrawing(neighbours, onChange) {
      if (!loaded) return null;
      const session = startDrawSession(map, [], onChange);
      drawing = true;
      // the outlines of the view, again after each move (the last asked wins)
      let asked = 0;
      const load = () => {
        const n = ++asked;
        void neighbours(viewBox()).then(
          (outlines) => {
            if (drawing && n === asked) session.setNeighbours(outlines);
          },
          () => undefined, // drawing still works, only without snapping
        );
      };
      map.on('moveend', load);
      load();
      return {
        ...session,
        stop() {
          drawing = false;
          map.off('moveend', load);
          session.stop();
        },
      };
    },
    setImportPreview(collection) {
      preview = collection;
      showPreview();
    },
    setTicketHeat(next) {
      heat = next;
      showHeat();
    },
    setCommunityGaps(next) {
      gaps = next;
      apply();
    },
    focus(shape) {
      if (Array.isArray(shape)) {
        map.flyTo({ center: shape, zoom: Math.max(map.getZoom(), 16) });
        return;
      }
      const bounds = boundsOf([shape]);
      if (bounds) map.fitBounds(bounds, { padding: 80, maxZoom: 17 });
    },
    destroy() {
      map.remove();
      if (window.__yituMap === map) delete window.__yituMap;
    },
  };
}
