import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Basemap } from '../data/app-config';
import { tr } from '../i18n';

// Pure style builders: no map instance, so unit tests check them without a browser.
// maplibre-gl does not re-export the style-spec types; derive them from its API instead.
export type StyleSpecification = ReturnType<MapLibreMap['getStyle']>;
export type LayerSpecification = StyleSpecification['layers'][number];

export type LayerGroup =
  'street' | 'community' | 'gap' | 'grid' | 'compound' | 'building' | 'resource' | 'ticket';
export const LAYER_GROUPS: readonly LayerGroup[] = [
  'street',
  'community',
  'gap',
  'grid',
  'compound',
  'building',
  'resource',
  'ticket',
];

/** Compounds are their shapes from this zoom on; further out (a district, a city of thousands
 * of compounds) the tiles hold each as a point, drawn as a dot of the same colour. */
export const COMPOUND_AREA_MIN_ZOOM = 10;

/** Buildings show from this zoom on (the tiles hold them from there). */
export const BUILDING_MIN_ZOOM = 16;

/** Up to this zoom open tickets are counted per cell by the tile server (ticketClusters); above
 * it every ticket is its own point: the whole city view (about 13.5) shows each ticket by
 * status, further out (the county) they merge. */
export const TICKET_CLUSTER_MAX_ZOOM = 12;

/** Resources show from this zoom on (the tiles hold them from there: thousands of party members). */
export const RESOURCE_MIN_ZOOM = 14;

/** Below this zoom community names are hidden (street names stay). */
export const COMMUNITY_LABEL_MIN_ZOOM = 12.5;

/** Text is drawn in the browser from its own fonts (no glyphs URL): nothing to fetch. */
export const TEXT_FONT = ['Noto Sans CJK SC', 'Noto Sans SC', 'sans-serif'];

/** Resource point colours by kind, with the staff's names (the legend reads this table). */
export const RESOURCE_KIND_COLOURS: [string, string, string][] = [
  ['PARTY_MEMBER', tr('党员'), '#c62828'],
  ['VOLUNTEER_TEAM', tr('志愿服务队'), '#ef6c00'],
  ['SOCIAL_ORG', tr('社会组织'), '#6a1b9a'],
  ['COMMUNITY_PARTNER', tr('社区合伙人'), '#2e7d32'],
  ['PROPERTY_COMPANY', tr('物业'), '#1565c0'],
  ['LAW_ENFORCEMENT', tr('综合执法'), '#37474f'],
  ['DEPARTMENT', tr('职能部门'), '#00838f'],
];
export const GROUP_KEY = 'yitu:group'; // layer metadata key the adapter toggles by

/** The map's one vector source (GET /tiles/{z}/{x}/{y}.mvt) and the basemap's. */
export const SOURCE = {
  tiles: 'yitu',
  basemap: 'basemap',
} as const;

/** The layers of a tile (api/src/modules/tile/tiles.ts holds the contract). */
export const TILE_LAYER = {
  regions: 'regions',
  labels: 'labels',
  grids: 'grids',
  compounds: 'compounds',
  buildings: 'buildings',
  resources: 'resources',
  tickets: 'tickets',
  ticketClusters: 'ticketClusters',
} as const;

/** The tile server's zoom range (MapLibre overzooms past its maxzoom). */
export const TILE_MAX_ZOOM = 18;

/** Where the tiles are: an absolute URL (MapLibre fetches from its worker), in the map's CRS. */
export const tilesUrl = (origin: string, crs: 'WGS84' | 'GCJ02' = 'WGS84') =>
  `${origin}/tiles/{z}/{x}/{y}.mvt${crs === 'GCJ02' ? '?crs=GCJ02' : ''}`;

const from = (layer: keyof typeof TILE_LAYER) => ({
  source: SOURCE.tiles,
  'source-layer': TILE_LAYER[layer],
});

export const LAYER = {
  background: 'background',
  basemap: 'basemap',
  district: 'district-outline',
  street: 'street-outline',
  communityFill: 'community-fill',
  communityOutline: 'community-outline',
  communityGap: 'community-gap',
  gridHit: 'grid-hit',
  grid: 'grid-outline',
  microGrid: 'microgrid-outline',
  gridSelected: 'grid-selected',
  gridHover: 'grid-hover',
  compoundFill: 'compound-fill',
  compoundDot: 'compound-dot',
  compoundRedProperty: 'compound-red-property',
  compoundSelected: 'compound-selected',
  building: 'building-point',
  resource: 'resource-point',
  streetLabel: 'street-label',
  communityLabel: 'community-label',
  ticketCluster: 'ticket-cluster',
  ticketClusterCount: 'ticket-cluster-count',
  ticket: 'ticket-point',
  ticketSelected: 'ticket-selected',
} as const;

/** Ticket point colours by status (the legend reads the same table). */
export const TICKET_STATUS_COLOURS: [string, string, string][] = [
  ['REPORTED', tr('待受理'), '#8e24aa'],
  ['ACCEPTED', tr('已受理'), '#fb8c00'],
  ['DISPATCHED', tr('已派单'), '#1e88e5'],
  ['IN_PROGRESS', tr('处理中'), '#00897b'],
  ['SUSPENDED', tr('已缓办'), '#757575'],
  ['RESOLVED', tr('已办结'), '#43a047'],
  ['VERIFIED', tr('已核查'), '#43a047'],
  ['FEEDBACK', tr('已评价'), '#43a047'],
];

// 三清单 shortfall (open tickets beyond free capacity) shown amber, then red.
export const GAP_SOME = 1;
export const GAP_MANY = 5;

// Open-ticket thresholds shared by the fill ramp and the legend.
export const TICKETS_FEW = 2;
export const TICKETS_MANY = 5;

/** What colours the compounds (the top bar's choice). */
export type CompoundMeasure = 'open' | 'overdue' | 'satisfaction';
export const COMPOUND_MEASURES: [CompoundMeasure, string][] = [
  ['open', tr('未办结工单')],
  ['overdue', tr('超期工单')],
  ['satisfaction', tr('满意率')],
];

/** The compound fill for a measure, and its legend rows (label, colour): one table for both. */
export function compoundRamp(
  measure: CompoundMeasure,
  theme: MapTheme,
): [number, string, string][] {
  const t = theme.tickets;
  switch (measure) {
    case 'open':
      return [
        [0, t.none, tr('无未办结工单')],
        [TICKETS_FEW, t.few, tr('{n} 件未办结', { n: TICKETS_FEW })],
        [TICKETS_MANY, t.many, tr('≥{n} 件未办结', { n: TICKETS_MANY })],
      ];
    case 'overdue':
      return [
        [0, t.none, tr('无超期')],
        [1, t.few, tr('1 件超期')],
        [3, t.many, tr('≥3 件超期')],
      ];
    case 'satisfaction':
      return [
        [0.6, t.many, tr('满意率 ≤60%')],
        [0.8, t.few, tr('满意率 80%')],
        [0.95, t.none, tr('满意率 ≥95%')],
      ];
  }
}

const MEASURE_PROPERTY: Record<CompoundMeasure, string> = {
  open: 'openTickets',
  overdue: 'overdueTickets',
  satisfaction: 'satisfaction',
};

export function compoundFillColour(measure: CompoundMeasure, theme: MapTheme): unknown[] {
  const ramp: unknown[] = ['interpolate', ['linear'], ['get', MEASURE_PROPERTY[measure]]];
  for (const [value, colour] of compoundRamp(measure, theme)) ramp.push(value, colour);
  // satisfaction is -1 before any rating: grey, not red
  return measure === 'satisfaction'
    ? ['case', ['<', ['get', 'satisfaction'], 0], theme.noData, ramp]
    : ramp;
}

export interface MapTheme {
  background: string;
  district: string;
  street: string;
  community: { fill: string; outline: string };
  grid: string;
  tickets: { none: string; few: string; many: string };
  compoundOutline: string;
  redProperty: string;
  selected: string;
  noData: string;
}

export const defaultTheme: MapTheme = {
  background: '#f4f1ea',
  district: '#5c5c5c',
  street: '#37474f',
  community: { fill: '#dfe9f3', outline: '#7e9bb8' },
  grid: '#8d6e63',
  tickets: { none: '#43a047', few: '#fbc02d', many: '#d32f2f' },
  compoundOutline: '#ffffff',
  redProperty: '#b71c1c',
  selected: '#1565c0',
  noData: '#b0bec5',
};

export type FilterSpecification = NonNullable<
  Extract<LayerSpecification, { type: 'line' }>['filter']
>;

const group = (g: LayerGroup) => ({ [GROUP_KEY]: g });
/** Filter of the *-selected layers; '' matches nothing. */
export const selectionFilter = (code: string | null): FilterSpecification => [
  '==',
  ['get', 'code'],
  code ?? '',
];

export function buildRegionLayers(theme: MapTheme): LayerSpecification[] {
  return [
    {
      id: LAYER.communityFill,
      type: 'fill',
      ...from('regions'),
      filter: ['==', ['get', 'level'], 'COMMUNITY'],
      metadata: group('community'),
      paint: { 'fill-color': theme.community.fill, 'fill-opacity': 0.6 },
    },
    {
      // 三清单 gap: communities whose open demand exceeds free capacity, by feature-state
      // (set by the adapter once the lists are fetched; the layer starts hidden)
      id: LAYER.communityGap,
      type: 'fill',
      ...from('regions'),
      filter: ['==', ['get', 'level'], 'COMMUNITY'],
      metadata: group('gap'),
      layout: { visibility: 'none' },
      paint: {
        'fill-color': [
          'interpolate',
          ['linear'],
          ['coalesce', ['feature-state', 'shortfall'], 0],
          0,
          'rgba(255,255,255,0)',
          GAP_SOME,
          theme.tickets.few,
          GAP_MANY,
          theme.tickets.many,
        ],
        'fill-opacity': 0.55,
      },
    },
    {
      id: LAYER.communityOutline,
      type: 'line',
      ...from('regions'),
      filter: ['==', ['get', 'level'], 'COMMUNITY'],
      metadata: group('community'),
      paint: { 'line-color': theme.community.outline, 'line-width': 1 },
    },
    {
      // no group: the district outline is the frame and always shows
      id: LAYER.district,
      type: 'line',
      ...from('regions'),
      filter: ['==', ['get', 'level'], 'DISTRICT'],
      paint: { 'line-color': theme.district, 'line-width': 1.5, 'line-dasharray': [4, 2] },
    },
    {
      id: LAYER.street,
      type: 'line',
      ...from('regions'),
      filter: ['==', ['get', 'level'], 'STREET'],
      metadata: group('street'),
      paint: { 'line-color': theme.street, 'line-width': 3 },
    },
  ];
}

/** Street and community names, one point each from the tiles (drawn last, over everything). */
export function buildLabelLayers(theme: MapTheme): LayerSpecification[] {
  const text = (size: number) => ({
    'text-field': ['get', 'name'],
    'text-font': TEXT_FONT,
    'text-size': size,
    'text-padding': 4,
  });
  const halo = { 'text-halo-color': 'rgba(255,255,255,0.85)', 'text-halo-width': 1.5 };
  return [
    {
      id: LAYER.communityLabel,
      type: 'symbol',
      ...from('labels'),
      minzoom: COMMUNITY_LABEL_MIN_ZOOM,
      filter: ['==', ['get', 'level'], 'COMMUNITY'],
      metadata: group('community'),
      layout: text(12) as never,
      paint: { 'text-color': theme.community.outline, ...halo },
    },
    {
      id: LAYER.streetLabel,
      type: 'symbol',
      ...from('labels'),
      filter: ['==', ['get', 'level'], 'STREET'],
      metadata: group('street'),
      layout: { ...text(15), 'symbol-sort-key': 0 } as never,
      paint: { 'text-color': theme.street, ...halo },
    },
  ];
}

export function buildGridLayers(theme: MapTheme): LayerSpecification[] {
  return [
    {
      // invisible fill: outlines alone are too thin to click
      id: LAYER.gridHit,
      type: 'fill',
      ...from('grids'),
      metadata: group('grid'),
      paint: { 'fill-color': theme.grid, 'fill-opacity': 0 },
    },
    {
      id: LAYER.grid,
      type: 'line',
      ...from('grids'),
      filter: ['!=', ['get', 'micro'], true],
      metadata: group('grid'),
      paint: { 'line-color': theme.grid, 'line-width': 1.5, 'line-dasharray': [3, 2] },
    },
    {
      id: LAYER.microGrid,
      type: 'line',
      ...from('grids'),
      filter: ['==', ['get', 'micro'], true],
      metadata: group('grid'),
      paint: { 'line-color': theme.grid, 'line-width': 0.75, 'line-dasharray': [2, 2] },
    },
    {
      // the grid under the pointer (the adapter sets the filter on mousemove)
      id: LAYER.gridHover,
      type: 'fill',
      ...from('grids'),
      filter: selectionFilter(null),
      metadata: group('grid'),
      paint: { 'fill-color': theme.selected, 'fill-opacity': 0.12 },
    },
    {
      id: LAYER.gridSelected,
      type: 'line',
      ...from('grids'),
      filter: selectionFilter(null),
      metadata: group('grid'),
      paint: { 'line-color': theme.selected, 'line-width': 3 },
    },
  ];
}

export function buildCompoundLayers(theme: MapTheme): LayerSpecification[] {
  return [
    {
      id: LAYER.compoundFill,
      type: 'fill',
      ...from('compounds'),
      metadata: group('compound'),
      paint: {
        'fill-color': compoundFillColour('open', theme) as never,
        'fill-opacity': 0.75,
        'fill-outline-color': theme.compoundOutline,
      },
    },
    {
      // zoomed out, each compound as a dot coloured as its fill would be (red property ringed)
      id: LAYER.compoundDot,
      type: 'circle',
      ...from('compounds'),
      maxzoom: COMPOUND_AREA_MIN_ZOOM,
      filter: ['==', ['geometry-type'], 'Point'],
      metadata: group('compound'),
      paint: {
        'circle-color': compoundFillColour('open', theme) as never,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 1.5, 9.99, 4],
        'circle-stroke-color': [
          'case',
          ['==', ['get', 'redProperty'], true],
          theme.redProperty,
          theme.compoundOutline,
        ] as never,
        'circle-stroke-width': 0.5,
      },
    },
    {
      id: LAYER.compoundRedProperty,
      type: 'line',
      ...from('compounds'),
      filter: ['==', ['get', 'redProperty'], true],
      metadata: group('compound'),
      paint: { 'line-color': theme.redProperty, 'line-width': 2.5 },
    },
    {
      id: LAYER.compoundSelected,
      type: 'line',
      ...from('compounds'),
      filter: selectionFilter(null),
      metadata: group('compound'),
      paint: { 'line-color': theme.selected, 'line-width': 3 },
    },
  ];
}

/** A colour per value of a property, from a (value, label, colour) table; grey otherwise. */
const colourBy = (property: string, table: [string, string, string][]) => [
  'match',
  ['get', property],
  ...table.flatMap(([value, , colour]) => [value, colour]),
  '#9e9e9e',
];

export function buildBuildingLayers(theme: MapTheme): LayerSpecification[] {
  return [
    {
      // a building (楼栋) as a small dark square-ish dot on its compound
      id: LAYER.building,
      type: 'circle',
      ...from('buildings'),
      minzoom: BUILDING_MIN_ZOOM,
      metadata: group('building'),
      paint: {
        'circle-color': theme.street,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 16, 3, 19, 7],
        'circle-opacity': 0.6,
      },
    },
  ];
}

export function buildResourceLayers(): LayerSpecification[] {
  const colour = colourBy('kind', RESOURCE_KIND_COLOURS);
  return [
    {
      // small squares-ish dots under the tickets: who is around
      id: LAYER.resource,
      type: 'circle',
      ...from('resources'),
      minzoom: RESOURCE_MIN_ZOOM,
      metadata: group('resource'),
      paint: {
        'circle-color': colour as never,
        'circle-radius': 3.5,
        'circle-opacity': 0.85,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 0.5,
      },
    },
  ];
}

export function buildTicketLayers(theme: MapTheme): LayerSpecification[] {
  const colour = colourBy('status', TICKET_STATUS_COLOURS);
  const clusters = { ...from('ticketClusters'), maxzoom: TICKET_CLUSTER_MAX_ZOOM + 1 };
  return [
    {
      // zoomed out: the open tickets of each cell as one circle sized by their number (counted
      // by the tile server, in the viewer's jurisdiction), its count written on it
      id: LAYER.ticketCluster,
      type: 'circle',
      ...clusters,
      metadata: group('ticket'),
      paint: {
        'circle-color': theme.selected,
        'circle-opacity': 0.75,
        'circle-radius': [
          'interpolate',
          ['linear'],
          ['get', 'count'],
          1,
          7,
          20,
          16,
          100,
          24,
          1000,
          32,
        ],
        // any overdue ticket inside: a red ring
        'circle-stroke-color': ['case', ['>', ['get', 'overdue'], 0], theme.redProperty, '#ffffff'],
        'circle-stroke-width': 2,
      },
    },
    {
      id: LAYER.ticketClusterCount,
      type: 'symbol',
      ...clusters,
      metadata: group('ticket'),
      layout: {
        'text-field': ['to-string', ['get', 'count']],
        'text-font': TEXT_FONT,
        'text-size': 11,
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      } as never,
      paint: { 'text-color': '#ffffff' },
    },
    {
      id: LAYER.ticket,
      type: 'circle',
      ...from('tickets'),
      minzoom: TICKET_CLUSTER_MAX_ZOOM + 1,
      metadata: group('ticket'),
      paint: {
        'circle-color': colour as never,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3, 16, 8],
        // overdue (超期): a thick red ring
        'circle-stroke-color': ['case', ['get', 'overdue'], theme.redProperty, '#ffffff'],
        'circle-stroke-width': ['case', ['get', 'overdue'], 2.5, 1],
      },
    },
    {
      id: LAYER.ticketSelected,
      type: 'circle',
      ...from('tickets'),
      minzoom: TICKET_CLUSTER_MAX_ZOOM + 1,
      filter: ['==', ['get', 'id'], ''],
      metadata: group('ticket'),
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': 12,
        'circle-stroke-color': theme.selected,
        'circle-stroke-width': 3,
      },
    },
  ];
}

/** What the style needs besides the theme: where the tiles are, and whether the data is made up. */
export interface TileSourceOptions {
  /** The tile URL template (tilesUrl()). */
  url: string;
  /** The demo city: the map says it is made up. */
  synthetic: boolean;
}

/**
 * The whole style: everything drawn from the one vector tile source, at every zoom. No glyphs
 * or sprite URL: MapLibre draws the few texts (names, cluster counts) with the browser's own
 * fonts, so nothing is fetched for them. Offline unless a basemap is configured: then its
 * raster tiles lie under everything, and the data comes in the basemap's CRS.
 */
export function buildStyle(
  tiles: TileSourceOptions,
  theme: MapTheme = defaultTheme,
  basemap: Basemap | null = null,
  baseStyle: StyleSpecification | null = null,
): StyleSpecification {
  const own = buildOwnStyle(tiles, theme, basemap?.kind === 'raster' ? basemap : null);
  if (!baseStyle) return own;
  // A vector basemap: its style first (with its glyphs and sprite), our layers on top; our
  // plain background gives way to its own.
  return {
    ...own,
    ...(baseStyle.glyphs ? { glyphs: baseStyle.glyphs } : {}),
    ...(baseStyle.sprite ? { sprite: baseStyle.sprite } : {}),
    sources: { ...baseStyle.sources, ...own.sources },
    layers: [...baseStyle.layers, ...own.layers.filter((l) => l.id !== LAYER.background)],
  };
}

function buildOwnStyle(
  tiles: TileSourceOptions,
  theme: MapTheme,
  basemap: Basemap | null,
): StyleSpecification {
  return {
    version: 8,
    sources: {
      ...(basemap
        ? {
            [SOURCE.basemap]: {
              type: 'raster' as const,
              tiles: [basemap.url],
              tileSize: 256,
              maxzoom: 18,
              attribution: basemap.attribution,
            },
          }
        : {}),
      [SOURCE.tiles]: {
        type: 'vector',
        tiles: [tiles.url],
        minzoom: 0,
        maxzoom: TILE_MAX_ZOOM,
        // the demo city says it is made up; a real district's own places need no such line
        ...(tiles.synthetic ? { attribution: tr('演示数据（虚构）') } : {}),
        // feature-state (the gap layer) is keyed by region code
        promoteId: { [TILE_LAYER.regions]: 'code' },
      },
    },
    layers: [
      { id: LAYER.background, type: 'background', paint: { 'background-color': theme.background } },
      ...(basemap
        ? [
            {
              id: LAYER.basemap,
              type: 'raster' as const,
              source: SOURCE.basemap,
              paint: { 'raster-opacity': 0.85 },
            },
          ]
        : []),
      ...buildRegionLayers(theme),
      ...buildGridLayers(theme),
      ...buildCompoundLayers(theme),
      ...buildBuildingLayers(theme),
      ...buildResourceLayers(),
      ...buildTicketLayers(theme),
      ...buildLabelLayers(theme),
    ],
  };
}

/** An import's dry run on the map: worst problem first (error, warning), else what it will do. */
export const IMPORT_PREVIEW_SOURCE = 'import-preview';
const IMPORT_COLOUR = [
  'case',
  ['==', ['get', 'severity'], 'ERROR'],
  '#d32f2f',
  ['==', ['get', 'severity'], 'WARNING'],
  '#f57c00',
  ['==', ['get', 'action'], 'CREATE'],
  '#2e7d32',
  ['==', ['get', 'action'], 'UPDATE'],
  '#1565c0',
  ['==', ['get', 'action'], 'RETIRE'],
  '#6a1b9a',
  '#757575',
] as const;

export function buildImportPreviewLayers(): LayerSpecification[] {
  const polygon = ['==', ['geometry-type'], 'Polygon'] as const;
  return [
    {
      id: 'import-preview-fill',
      type: 'fill',
      source: IMPORT_PREVIEW_SOURCE,
      filter: polygon as never,
      paint: { 'fill-color': IMPORT_COLOUR as never, 'fill-opacity': 0.25 },
    },
    {
      id: 'import-preview-line',
      type: 'line',
      source: IMPORT_PREVIEW_SOURCE,
      filter: ['!=', ['geometry-type'], 'Point'] as never,
      paint: {
        'line-color': IMPORT_COLOUR as never,
        'line-width': ['case', ['has', 'severity'], 3, 2] as never,
        'line-dasharray': [2, 1],
      },
    },
    {
      id: 'import-preview-point',
      type: 'circle',
      source: IMPORT_PREVIEW_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'] as never,
      paint: {
        'circle-color': IMPORT_COLOUR as never,
        'circle-radius': 6,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1.5,
      },
    },
  ];
}

export const TICKET_HEAT_SOURCE = 'ticket-heat';
export const TICKET_HEAT_LAYER = 'ticket-heat';

/** A heat map's cells (PostGIS counted them) as GeoJSON points weighted by their count. */
export function heatFeatures(cells: readonly { lon: number; lat: number; count: number }[]) {
  return {
    type: 'FeatureCollection' as const,
    features: cells.map((c) => ({
      type: 'Feature' as const,
      properties: { count: c.count },
      geometry: { type: 'Point' as const, coordinates: [c.lon, c.lat] },
    })),
  };
}

/**
 * The period's tickets as a heat map: each cell weighs its share of the densest cell (`max`),
 * so a month of 10 tickets and one of 10,000 both reach full colour where they are densest.
 */
export function buildTicketHeatLayer(max: number): LayerSpecification {
  return {
    id: TICKET_HEAT_LAYER,
    type: 'heatmap',
    source: TICKET_HEAT_SOURCE,
    paint: {
      'heatmap-weight': ['/', ['get', 'count'], Math.max(max, 1)] as never,
      // strong enough that the densest cell reaches the hot end of the ramp on its own
      'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 10, 2, 16, 5] as never,
      'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 10, 20, 16, 70] as never,
      'heatmap-opacity': 0.85,
      'heatmap-color': [
        'interpolate',
        ['linear'],
        ['heatmap-density'],
        0,
        'rgba(33,102,172,0)',
        0.2,
        '#67a9cf',
        0.4,
        '#d1e5f0',
        0.6,
        '#fddbc7',
        0.8,
        '#ef8a62',
        1,
        '#b2182b',
      ] as never,
    },
  };
}
