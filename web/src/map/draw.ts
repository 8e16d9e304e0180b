import type * as maplibregl from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawPointMode,
  TerraDrawPolygonMode,
  TerraDrawRenderMode,
  TerraDrawSelectMode,
  type GeoJSONStoreFeatures,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

// Drawing and reshaping outlines on the map (grids, micro-grids, compounds) with terra-draw and
// its MapLibre adapter. The neighbours sit in a render-only mode that new vertices snap to, so a
// shared boundary is drawn once. What is drawn is only a proposal: the API judges it (editPlace).

export type Polygon = { type: 'Polygon'; coordinates: number[][][] };
export type Point = { type: 'Point'; coordinates: number[] };

export interface DrawSession {
  /** Draw a new outline (click the corners; click the first one, or double-click, to close). */
  drawNew(): void;
  /** Reshape an outline: drag its corners, drag a midpoint to add one. */
  reshape(outline: Polygon): void;
  /** Place a point (a building or resource moved): one click. */
  placePoint(): void;
  clear(): void;
  /** Replace the outlines new corners snap to (those of the view, after it moves). */
  setNeighbours(neighbours: Polygon[]): void;
  stop(): void;
}

const NEIGHBOURS = 'neighbours';

export function startDrawSession(
  map: maplibregl.Map,
  neighbours: Polygon[],
  onChange: (shape: Polygon | Point | null) => void,
): DrawSession {
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map }),
    modes: [
      new TerraDrawRenderMode({
        modeName: NEIGHBOURS,
        styles: {
          polygonFillOpacity: 0,
          polygonOutlineColor: '#5c6bc0',
          polygonOutlineWidth: 1,
        },
      }),
      new TerraDrawPolygonMode({
        snapping: {
          toCoordinate: true,
          toFeature: {
            filter: (f) => (f.properties as { mode?: string } | undefined)?.mode === NEIGHBOURS,
            toCoordinate: true,
            toLine: true,
          },
        },
        styles: {
          fillColor: '#1565c0',
          fillOpacity: 0.2,
          outlineColor: '#1565c0',
          outlineWidth: 2,
        },
      }),
      new TerraDrawPointMode({
        styles: {
          pointColor: '#1565c0',
          pointWidth: 7,
          pointOutlineColor: '#ffffff',
          pointOutlineWidth: 2,
        },
      }),
      new TerraDrawSelectMode({
        flags: {
          polygon: {
            feature: {
              draggable: false,
              coordinates: { midpoints: true, draggable: true, deletable: true },
            },
          },
        },
      }),
    ],
  });
  draw.start();
  const addNeighbours = (outlines: Polygon[]) =>
    draw.addFeatures(
      outlines.map((geometry): GeoJSONStoreFeatures => ({
        type: 'Feature',
        geometry,
        properties: { mode: NEIGHBOURS },
      })),
    );
  addNeighbours(neighbours);
  const drawn = () =>
    draw.getSnapshot().find((f) => {
      const mode = (f.properties as { mode?: string }).mode;
      return (
        (mode === 'polygon' && f.geometry.type === 'Polygon') ||
        (mode === 'point' && f.geometry.type === 'Point')
      );
    });
  const report = () => {
    const f = drawn();
    onChange(f ? (f.geometry as Polygon | Point) : null);
  };
  draw.on('finish', () => {
    // a point is placed with one click: then stop placing more
    if (draw.getMode() === 'point') draw.setMode('static');
    report();
  });
  draw.on('change', (_ids, type) => {
    // vertex drags of a selected outline arrive as changes
    if (type === 'update' && draw.getMode() === 'select') report();
  });
  const removeDrawn = () => {
    const ids = draw
      .getSnapshot()
      .filter((f) => (f.properties as { mode?: string }).mode !== NEIGHBOURS)
      .map((f) => f.id!);
    if (ids.length) draw.removeFeatures(ids);
  };
  return {
    drawNew() {
      removeDrawn();
      onChange(null);
      draw.setMode('polygon');
    },
    reshape(outline) {
      removeDrawn();
      const [added] = draw.addFeatures([
        { type: 'Feature', geometry: outline, properties: { mode: 'polygon' } },
      ]);
      draw.setMode('select');
      if (added?.id !== undefined) draw.selectFeature(added.id);
      report();
    },
    placePoint() {
      removeDrawn();
      onChange(null);
      draw.setMode('point');
    },
    clear() {
      removeDrawn();
      onChange(null);
    },
    setNeighbours(outlines) {
      const old = draw
        .getSnapshot()
        .filter((f) => (f.properties as { mode?: string }).mode === NEIGHBOURS)
        .map((f) => f.id!);
      if (old.length) draw.removeFeatures(old);
      addNeighbours(outlines);
    },
    stop() {
      draw.stop();
    },
  };
}
