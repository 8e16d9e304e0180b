import { useEffect, useRef } from 'react';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { GeoJsonGeometry } from '@yitu/schema';

// The ticket's place on a small map: the grid's outline and the ticket's point, drawn from the
// data the phone already holds (no tiles, no basemap), so it shows in a basement too. Loaded
// only when a ticket is opened: MapLibre is most of the phone's bytes.
maplibregl.setWorkerUrl(workerUrl);

export function TicketMap({
  point,
  grid,
}: {
  point: GeoJsonGeometry | null;
  grid: GeoJsonGeometry | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || !point || point.type !== 'Point') return;
    const map = new maplibregl.Map({
      container: box.current,
      style: {
        version: 8,
        sources: {
          grid: {
            type: 'geojson',
            data: grid
              ? { type: 'Feature', geometry: grid, properties: {} }
              : { type: 'FeatureCollection', features: [] },
          },
          ticket: { type: 'geojson', data: { type: 'Feature', geometry: point, properties: {} } },
        },
        layers: [
          { id: 'bg', type: 'background', paint: { 'background-color': '#f4f1ea' } },
          {
            id: 'grid-fill',
            type: 'fill',
            source: 'grid',
            paint: { 'fill-color': '#2b6cb0', 'fill-opacity': 0.08 },
          },
          {
            id: 'grid-line',
            type: 'line',
            source: 'grid',
            paint: { 'line-color': '#2b6cb0', 'line-width': 2 },
          },
          {
            id: 'ticket',
            type: 'circle',
            source: 'ticket',
            paint: {
              'circle-radius': 8,
              'circle-color': '#d9480f',
              'circle-stroke-color': '#fff',
              'circle-stroke-width': 2,
            },
          },
        ],
      },
      center: point.coordinates,
      zoom: 16,
      attributionControl: false,
      interactive: true,
    });
    (globalThis as { __yituPhoneMap?: maplibregl.Map }).__yituPhoneMap = map;
    return () => map.remove();
  }, [point, grid]);
  return <div ref={box} className="phone-map" data-testid="phone-ticket-map" />;
}
