import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { MapData } from '../data/map-data';
import type { TicketPoint } from '../data/map-data';
import { boundsOf, labelPoint, ticketCollection, toCollections } from './features';
import {
  buildStyle,
  defaultTheme,
  GROUP_KEY,
  LAYER,
  selectionFilter,
  SOURCE,
  type LayerGroup,
  type MapTheme,
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
  /** Replace the open-ticket points (after a live event). */
  setTickets(tickets: TicketPoint[]): void;
  select(selection: Selection): void;
  destroy(): void;
}

const CLICKABLE = [LAYER.ticket, LAYER.compoundFill, LAYER.gridHit];

export function createYituMap(
  container: HTMLElement,
  data: MapData,
  onSelect: (selection: Selection) => void,
  theme: MapTheme = defaultTheme,
): YituMap {
  const streets = data.regions.filter((r) => r.level === 'STREET');
  const bounds = boundsOf(streets.map((r) => r.boundary));
  const style = buildStyle(toCollections(data), theme);
  const map = new maplibregl.Map({
    container,
    style,
    ...(bounds
      ? { bounds, fitBoundsOptions: { padding: 40 } }
      : { center: [119.006, 32.684], zoom: 11 }), // no streets yet: 天长 town centre
    attributionControl: { compact: true },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({}), 'bottom-left');
  window.__yituMap = map;

  // No glyphs offline, so street and community names are HTML markers.
  const labels = new Map<LayerGroup, maplibregl.Marker[]>();
  for (const r of data.regions) {
    if (r.level === 'DISTRICT') continue;
    const at = labelPoint(r.boundary);
    if (!at) continue;
    const group: LayerGroup = r.level === 'STREET' ? 'street' : 'community';
    const el = document.createElement('div');
    el.className = `map-label map-label--${group}`;
    el.textContent = r.name;
    labels.set(group, [
      ...(labels.get(group) ?? []),
      new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map),
    ]);
  }

  map.on('click', (e) => {
    const hits = map.queryRenderedFeatures(e.point, { layers: CLICKABLE });
    // a ticket point above all; compounds sit inside grids; within grids prefer the micro-grid
    const ticket = hits.find((f) => f.layer.id === LAYER.ticket);
    if (ticket && typeof ticket.properties.id === 'string') {
      onSelect({ kind: 'ticket', id: ticket.properties.id });
      return;
    }
    const hit =
      hits.find((f) => f.layer.id === LAYER.compoundFill) ??
      hits.find((f) => f.properties.micro === true) ??
      hits.find((f) => f.layer.id === LAYER.gridHit);
    const code = hit?.properties.code;
    onSelect(
      hit && typeof code === 'string'
        ? { kind: hit.layer.id === LAYER.compoundFill ? 'compound' : 'grid', code }
        : null,
    );
  });
  for (const id of CLICKABLE) {
    map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
  }

  // The style loads asynchronously: keep the wanted state and apply it once it has.
  const hidden = new Set<LayerGroup>();
  let selected: Selection = null;
  let pendingTickets: TicketPoint[] | null = null;
  let loaded = false;
  const apply = () => {
    if (!loaded) return;
    if (pendingTickets) {
      map
        .getSource<maplibregl.GeoJSONSource>(SOURCE.tickets)
        ?.setData(ticketCollection(pendingTickets) as never);
      pendingTickets = null;
    }
    for (const layer of style.layers) {
      const group = (layer.metadata as Record<string, LayerGroup> | undefined)?.[GROUP_KEY];
      if (group)
        map.setLayoutProperty(layer.id, 'visibility', hidden.has(group) ? 'none' : 'visible');
    }
    const code = (kind: 'compound' | 'grid') => (selected?.kind === kind ? selected.code : null);
    map.setFilter(LAYER.compoundSelected, selectionFilter(code('compound')));
    map.setFilter(LAYER.gridSelected, selectionFilter(code('grid')));
    map.setFilter(LAYER.ticketSelected, [
      '==',
      ['get', 'id'],
      selected?.kind === 'ticket' ? selected.id : '',
    ]);
  };
  map.once('load', () => {
    loaded = true;
    apply();
  });

  return {
    setGroupVisible(group, visible) {
      if (visible) hidden.delete(group);
      else hidden.add(group);
      for (const m of labels.get(group) ?? []) m.getElement().hidden = !visible;
      apply();
    },
    setTickets(tickets) {
      pendingTickets = tickets;
      apply();
    },
    select(selection) {
      selected = selection;
      apply();
    },
    destroy() {
      map.remove(); // also removes the markers
      if (window.__yituMap === map) delete window.__yituMap;
    },
  };
}
