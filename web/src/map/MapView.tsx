import { useEffect, useRef } from 'react';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Basemap } from '../data/app-config';
import type { BuildingPoint, MapData, ResourcePoint } from '../data/map-data';
import type { CompoundMeasure, LayerGroup, StyleSpecification } from './layers';
import { createYituMap, type Selection, type Viewport, type YituMap } from './map-adapter';

interface Props {
  data: MapData;
  visible: Record<LayerGroup, boolean>;
  selection: Selection;
  onSelect: (selection: Selection) => void;
  measure: CompoundMeasure;
  /** Community code → 三清单 shortfall, once fetched. */
  gaps: Map<string, number> | null;
  /** Where to move the map (a new object each time it should move). */
  focus: { selection: Selection } | null;
  /** Resources in view (the App fetches them as the view changes). */
  resources: ResourcePoint[];
  buildings: BuildingPoint[];
  onViewport: (viewport: Viewport) => void;
  basemap: Basemap | null;
  /** A vector basemap's style, already fetched. */
  baseStyle: unknown;
  /** An import's dry run to draw over the map. */
  importPreview: { type: 'FeatureCollection'; features: unknown[] } | null;
  /** The adapter, each time one is built (null when it goes): panels that draw on the map. */
  onMap?: (map: YituMap | null) => void;
}

// React owns the container; the adapter owns the map. Props are pushed into the adapter.
export function MapView({
  data,
  visible,
  selection,
  onSelect,
  measure,
  gaps,
  focus,
  resources,
  buildings,
  onViewport,
  basemap,
  baseStyle,
  importPreview,
  onMap,
}: Props) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<YituMap | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const basemapRef = useRef(basemap);
  const baseStyleRef = useRef(baseStyle);
  const onViewportRef = useRef(onViewport);
  const onMapRef = useRef(onMap);
  onMapRef.current = onMap;
  onViewportRef.current = onViewport;

  // The map is built once per boundary set (again after an import); ticket points are pushed in
  // as they change.
  const initial = useRef(data);
  initial.current = data;
  const boundaries = data.regions;
  useEffect(() => {
    if (!container.current) return;
    const m = createYituMap(
      container.current,
      initial.current,
      (s) => onSelectRef.current(s),
      (v) => onViewportRef.current(v),
      basemapRef.current,
      baseStyleRef.current as StyleSpecification | null,
    );
    map.current = m;
    onMapRef.current?.(m);
    return () => {
      onMapRef.current?.(null);
      m.destroy();
      map.current = null;
    };
  }, [boundaries]);

  useEffect(() => map.current?.setTickets(data.tickets), [data.tickets]);

  useEffect(() => {
    for (const [group, on] of Object.entries(visible))
      map.current?.setGroupVisible(group as LayerGroup, on);
  }, [boundaries, visible]);

  useEffect(() => map.current?.select(selection), [boundaries, selection]);
  useEffect(() => map.current?.setMeasure(measure), [boundaries, measure]);
  useEffect(() => {
    if (gaps) map.current?.setCommunityGaps(gaps);
  }, [boundaries, gaps]);
  useEffect(() => {
    if (focus) map.current?.focus(focus.selection);
  }, [focus]);
  useEffect(() => map.current?.setResources(resources), [resources]);
  useEffect(() => map.current?.setBuildings(buildings), [buildings]);
  useEffect(() => map.current?.setImportPreview(importPreview), [boundaries, importPreview]);

  return <div ref={container} className="map" data-testid="map" />;
}
