import { useEffect, useRef } from 'react';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Basemap } from '../data/app-config';
import type { MapFrame } from '../data/map-data';
import type { CompoundMeasure, LayerGroup, StyleSpecification } from './layers';
import {
  createYituMap,
  type Selection,
  type TicketHeat,
  type Viewport,
  type YituMap,
} from './map-adapter';

interface Props {
  /** Where the map opens and its tile URL: the map is built again when it changes. */
  frame: MapFrame & { tilesUrl: string };
  visible: Record<LayerGroup, boolean>;
  selection: Selection;
  onSelect: (selection: Selection) => void;
  measure: CompoundMeasure;
  /** Community code → 三清单 shortfall, once fetched. */
  gaps: Map<string, number> | null;
  onViewport: (viewport: Viewport) => void;
  basemap: Basemap | null;
  /** A vector basemap's style, already fetched. */
  baseStyle: unknown;
  /** An import's dry run to draw over the map. */
  importPreview: { type: 'FeatureCollection'; features: unknown[] } | null;
  /** A period's tickets as a heat map (the reports panel turns it on). */
  ticketHeat?: TicketHeat | null;
  /** The adapter, each time one is built (null when it goes): panels that draw on the map. */
  onMap?: (map: YituMap | null) => void;
}

// React owns the container; the adapter owns the map. Props are pushed into the adapter; what is
// drawn comes from the tiles.
export function MapView({
  frame,
  visible,
  selection,
  onSelect,
  measure,
  gaps,
  onViewport,
  basemap,
  baseStyle,
  importPreview,
  ticketHeat = null,
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

  useEffect(() => {
    if (!container.current) return;
    const m = createYituMap(
      container.current,
      frame,
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
  }, [frame]);

  useEffect(() => {
    for (const [group, on] of Object.entries(visible))
      map.current?.setGroupVisible(group as LayerGroup, on);
  }, [frame, visible]);

  useEffect(() => map.current?.select(selection), [frame, selection]);
  useEffect(() => map.current?.setMeasure(measure), [frame, measure]);
  useEffect(() => {
    if (gaps) map.current?.setCommunityGaps(gaps);
  }, [frame, gaps]);
  useEffect(() => map.current?.setImportPreview(importPreview), [frame, importPreview]);
  useEffect(() => map.current?.setTicketHeat(ticketHeat), [frame, ticketHeat]);

  return <div ref={container} className="map" data-testid="map" />;
}
