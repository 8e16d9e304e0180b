import { describe, expect, it } from 'vitest';
import {
  COMPOUND_AREA_MIN_ZOOM,
  buildCompoundLayers,
  buildGridLayers,
  buildRegionLayers,
  buildStyle,
  defaultTheme,
  GROUP_KEY,
  LAYER,
  LAYER_GROUPS,
  buildTicketLayers,
  buildTicketHeatLayer,
  buildResourceLayers,
  heatFeatures,
  TICKET_HEAT_SOURCE,
  RESOURCE_MIN_ZOOM,
  TICKET_CLUSTER_MAX_ZOOM,
  compoundFillColour,
  compoundRamp,
  COMPOUND_MEASURES,
  TICKET_STATUS_COLOURS,
  SOURCE,
  TILE_LAYER,
  tilesUrl,
  type LayerSpecification,
} from './layers';

const TILES = { url: tilesUrl('http://127.0.0.1:4000'), synthetic: false };
/** The tile layer a style layer draws. */
const tileLayerOf = (l: LayerSpecification | undefined) =>
  l && 'source-layer' in l ? l['source-layer'] : undefined;

const byId = (layers: LayerSpecification[]) => new Map(layers.map((l) => [l.id, l]));
const sourceOf = (l: LayerSpecification | undefined) => (l && 'source' in l ? l.source : undefined);
const filterOf = (l: LayerSpecification | undefined) => (l && 'filter' in l ? l.filter : undefined);
const paintKeys = (l: LayerSpecification | undefined) => Object.keys(l?.paint ?? {}).sort();

describe('buildCompoundLayers', () => {
  const layers = byId(buildCompoundLayers(defaultTheme));

  it('draws compounds from the compounds source', () => {
    expect([...layers.keys()]).toEqual([
      LAYER.compoundFill,
      LAYER.compoundDot,
      LAYER.compoundRedProperty,
      LAYER.compoundSelected,
    ]);
    for (const l of layers.values()) {
      expect(sourceOf(l)).toBe(SOURCE.tiles);
      expect(tileLayerOf(l)).toBe(TILE_LAYER.compounds);
    }
  });

  it('colours the fill by openTickets, green at 0 and red when many', () => {
    const fill = layers.get(LAYER.compoundFill);
    expect(fill?.type).toBe('fill');
    expect(paintKeys(fill)).toEqual(['fill-color', 'fill-opacity', 'fill-outline-color']);
    const color = (fill?.paint as Record<string, unknown>)['fill-color'] as unknown[];
    expect(color.slice(0, 3)).toEqual(['interpolate', ['linear'], ['get', 'openTickets']]);
    expect(color[3]).toBe(0);
    expect(color[4]).toBe(defaultTheme.tickets.none);
    expect(color.at(-1)).toBe(defaultTheme.tickets.many);
  });

  it('draws compounds zoomed out as dots coloured as the fill, shapes from zoom 10', () => {
    const dot = layers.get(LAYER.compoundDot)!;
    expect(dot.type).toBe('circle');
    expect(dot.maxzoom).toBe(COMPOUND_AREA_MIN_ZOOM);
    expect(COMPOUND_AREA_MIN_ZOOM).toBe(10); // the tile server's switch (tile.layers.ts)
    expect((dot as { filter?: unknown }).filter).toEqual(['==', ['geometry-type'], 'Point']);
    const fill = layers.get(LAYER.compoundFill)!;
    expect((dot.paint as Record<string, unknown>)['circle-color']).toEqual(
      (fill.paint as Record<string, unknown>)['fill-color'],
    );
  });

  it('outlines only red-property compounds in red', () => {
    const red = layers.get(LAYER.compoundRedProperty);
    expect(red?.type).toBe('line');
    expect(filterOf(red)).toEqual(['==', ['get', 'redProperty'], true]);
    expect(red?.paint).toMatchObject({ 'line-color': defaultTheme.redProperty });
  });

  it('starts with an empty selection', () => {
    expect(filterOf(layers.get(LAYER.compoundSelected))).toEqual(['==', ['get', 'code'], '']);
  });
});

describe('buildRegionLayers', () => {
  const layers = byId(buildRegionLayers(defaultTheme));

  it('splits the regions source by level', () => {
    expect(filterOf(layers.get(LAYER.district))).toEqual(['==', ['get', 'level'], 'DISTRICT']);
    expect(filterOf(layers.get(LAYER.street))).toEqual(['==', ['get', 'level'], 'STREET']);
    expect(filterOf(layers.get(LAYER.communityFill))).toEqual([
      '==',
      ['get', 'level'],
      'COMMUNITY',
    ]);
    for (const l of layers.values()) expect(tileLayerOf(l)).toBe(TILE_LAYER.regions);
  });

  it('draws streets thicker than communities', () => {
    const width = (id: string) =>
      (layers.get(id)?.paint as Record<string, number> | undefined)?.['line-width'] ?? 0;
    expect(width(LAYER.street)).toBeGreaterThan(width(LAYER.communityOutline));
  });
});

describe('buildGridLayers', () => {
  const layers = byId(buildGridLayers(defaultTheme));

  it('dashes grids and draws micro-grids thinner', () => {
    const grid = layers.get(LAYER.grid)?.paint as Record<string, unknown>;
    const micro = layers.get(LAYER.microGrid)?.paint as Record<string, unknown>;
    expect(grid['line-dasharray']).toBeDefined();
    expect(micro['line-dasharray']).toBeDefined();
    expect(micro['line-width']).toBeLessThan(grid['line-width'] as number);
    expect(filterOf(layers.get(LAYER.microGrid))).toEqual(['==', ['get', 'micro'], true]);
    for (const l of layers.values()) expect(tileLayerOf(l)).toBe(TILE_LAYER.grids);
  });
});

describe('buildStyle', () => {
  const style = buildStyle(TILES);

  it('draws everything from the one vector tile source of the API, offline: no glyphs or sprite', () => {
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(Object.keys(style.sources)).toEqual([SOURCE.tiles]);
    expect(style.sources[SOURCE.tiles]).toMatchObject({
      type: 'vector',
      tiles: ['http://127.0.0.1:4000/tiles/{z}/{x}/{y}.mvt'],
      maxzoom: 18,
      promoteId: { regions: 'code' },
    });
    // the only URL is the API's own
    expect(JSON.stringify(style).match(/https?:\/\/[^"]*/g)).toEqual([
      'http://127.0.0.1:4000/tiles/{z}/{x}/{y}.mvt',
    ]);
    for (const l of style.layers)
      if (l.type !== 'background') expect(sourceOf(l)).toBe(SOURCE.tiles);
    // names and counts are drawn with the browser's fonts (no glyphs URL to fetch)
    const texts = style.layers.filter((l) => l.type === 'symbol').map((l) => l.id);
    expect(texts.sort()).toEqual(
      [LAYER.communityLabel, LAYER.streetLabel, LAYER.ticketClusterCount].sort(),
    );
  });

  it('asks for GCJ-02 tiles over a GCJ-02 basemap', () => {
    expect(tilesUrl('https://yitu.example', 'GCJ02')).toBe(
      'https://yitu.example/tiles/{z}/{x}/{y}.mvt?crs=GCJ02',
    );
  });

  it('says when the city is made up', () => {
    expect(buildStyle({ ...TILES, synthetic: true }).sources[SOURCE.tiles]).toMatchObject({
      attribution: '演示数据（虚构）',
    });
    expect(style.sources[SOURCE.tiles]).not.toHaveProperty('attribution');
  });

  it('has unique ids, a background first, and every toggleable layer in a known group', () => {
    const ids = style.layers.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(style.layers[0]?.type).toBe('background');
    const groups = style.layers.map(
      (l) => (l.metadata as Record<string, string> | undefined)?.[GROUP_KEY],
    );
    expect(new Set(groups.filter(Boolean))).toEqual(new Set(LAYER_GROUPS));
    // only the background and the district frame are always on
    expect(style.layers.filter((_, i) => !groups[i]).map((l) => l.id)).toEqual([
      LAYER.background,
      LAYER.district,
    ]);
  });
});

describe('buildTicketLayers', () => {
  const layers = byId(buildTicketLayers(defaultTheme));

  it('colours ticket points by status and rings the overdue ones in red', () => {
    const point = layers.get(LAYER.ticket) as { paint: Record<string, unknown> };
    expect(tileLayerOf(point as never)).toBe(TILE_LAYER.tickets);
    const colour = point.paint['circle-color'] as unknown[];
    expect(colour.slice(0, 2)).toEqual(['match', ['get', 'status']]);
    const dispatched = colour.indexOf('DISPATCHED');
    expect(colour[dispatched + 1]).toBe(
      TICKET_STATUS_COLOURS.find(([status]) => status === 'DISPATCHED')![2],
    );
    expect(colour[dispatched + 1]).not.toBe(colour[colour.indexOf('ACCEPTED') + 1]);
    expect(point.paint['circle-stroke-color']).toEqual([
      'case',
      ['get', 'overdue'],
      defaultTheme.redProperty,
      '#ffffff',
    ]);
  });
});

describe('compoundFillColour', () => {
  it('colours by the chosen measure, low to high', () => {
    const overdue = compoundFillColour('overdue', defaultTheme);
    expect(overdue.slice(0, 3)).toEqual(['interpolate', ['linear'], ['get', 'overdueTickets']]);
    expect(overdue[4]).toBe(defaultTheme.tickets.none); // none overdue: green
  });

  it('makes low satisfaction red, high green, and unrated compounds grey', () => {
    const [kind, test, unrated, ramp] = compoundFillColour('satisfaction', defaultTheme) as [
      string,
      unknown,
      string,
      unknown[],
    ];
    expect([kind, test, unrated]).toEqual([
      'case',
      ['<', ['get', 'satisfaction'], 0],
      defaultTheme.noData,
    ]);
    expect(ramp[4]).toBe(defaultTheme.tickets.many); // the lowest stop is red
    expect(ramp.at(-1)).toBe(defaultTheme.tickets.none);
  });

  it('keeps the legend in step with the ramp', () => {
    for (const [measure] of COMPOUND_MEASURES) {
      const stops = compoundRamp(measure, defaultTheme);
      const values = stops.map(([v]) => v);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(new Set(stops.map(([, , label]) => label)).size).toBe(stops.length);
    }
  });
});

describe('buildResourceLayers', () => {
  it('draws resources only from zoom 14, coloured by kind', () => {
    const [layer] = buildResourceLayers() as unknown as [
      { minzoom: number; paint: Record<string, unknown[]> },
    ];
    expect(layer.minzoom).toBe(RESOURCE_MIN_ZOOM);
    const colour = layer.paint['circle-color']!;
    expect(colour.slice(0, 2)).toEqual(['match', ['get', 'kind']]);
    expect(colour[colour.indexOf('PARTY_MEMBER') + 1]).not.toBe(
      colour[colour.indexOf('DEPARTMENT') + 1],
    );
  });
});

describe('buildStyle with a basemap', () => {
  it('puts the configured raster tiles under everything, with their attribution', () => {
    const style = buildStyle(TILES, defaultTheme, {
      kind: 'raster',
      url: 'https://tiles.example/{z}/{x}/{y}.png',
      crs: 'GCJ02',
      attribution: '© example',
    });
    expect(style.sources[SOURCE.basemap]).toMatchObject({
      type: 'raster',
      tiles: ['https://tiles.example/{z}/{x}/{y}.png'],
      attribution: '© example',
    });
    expect(style.layers.map((l) => l.id).slice(0, 2)).toEqual([LAYER.background, LAYER.basemap]);
  });
});

describe('buildStyle over a vector basemap style', () => {
  const base = {
    version: 8,
    glyphs: 'https://styles.example/fonts/{fontstack}/{range}.pbf',
    sources: { streets: { type: 'vector', url: 'https://styles.example/tiles.json' } },
    layers: [
      { id: 'base-bg', type: 'background', paint: { 'background-color': '#eee' } },
      { id: 'roads', type: 'line', source: 'streets', 'source-layer': 'road' },
    ],
  } as unknown as Parameters<typeof buildStyle>[3];

  it('draws the basemap first, with its glyphs, and our layers on top without our background', () => {
    const style = buildStyle(
      TILES,
      defaultTheme,
      { kind: 'style', url: 'https://styles.example/style.json', crs: 'WGS84', attribution: '' },
      base,
    );
    expect(style.glyphs).toBe('https://styles.example/fonts/{fontstack}/{range}.pbf');
    expect(Object.keys(style.sources)).toContain('streets');
    expect(Object.keys(style.sources)).toContain(SOURCE.tiles);
    const ids = style.layers.map((l) => l.id);
    expect(ids.slice(0, 2)).toEqual(['base-bg', 'roads']);
    expect(ids).not.toContain(LAYER.background);
    expect(ids).toContain(LAYER.compoundFill);
    expect(ids.indexOf(LAYER.compoundFill)).toBeGreaterThan(ids.indexOf('roads'));
  });
});

describe('ticket clusters', () => {
  const layers = byId(buildStyle(TILES).layers);

  it('draws the server’s clusters with their count up to zoom 12, each ticket after', () => {
    const cluster = layers.get(LAYER.ticketCluster)!;
    const count = layers.get(LAYER.ticketClusterCount)!;
    const ticket = layers.get(LAYER.ticket)!;
    for (const l of [cluster, count]) {
      expect(tileLayerOf(l)).toBe(TILE_LAYER.ticketClusters);
      expect(l.maxzoom).toBe(TICKET_CLUSTER_MAX_ZOOM + 1);
    }
    expect(tileLayerOf(ticket)).toBe(TILE_LAYER.tickets);
    expect(ticket.minzoom).toBe(TICKET_CLUSTER_MAX_ZOOM + 1);
    expect(JSON.stringify(cluster.paint)).toContain('"count"');
    // any overdue ticket inside: a red ring
    expect((cluster.paint as Record<string, unknown>)['circle-stroke-color']).toEqual([
      'case',
      ['>', ['get', 'overdue'], 0],
      defaultTheme.redProperty,
      '#ffffff',
    ]);
    expect((count.layout as Record<string, unknown>)['text-field']).toEqual([
      'to-string',
      ['get', 'count'],
    ]);
  });
});

describe('the ticket heat map', () => {
  it('weighs each PostGIS cell by its share of the densest', () => {
    const layer = buildTicketHeatLayer(8);
    expect(layer).toMatchObject({ type: 'heatmap', source: TICKET_HEAT_SOURCE });
    expect(layer.paint?.['heatmap-weight' as never]).toEqual(['/', ['get', 'count'], 8]);
    // an empty month divides by 1, not 0
    expect(buildTicketHeatLayer(0).paint?.['heatmap-weight' as never]).toEqual([
      '/',
      ['get', 'count'],
      1,
    ]);
  });

  it('turns cells into weighted points', () => {
    expect(heatFeatures([{ lon: 119, lat: 32.7, count: 3 }])).toEqual({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { count: 3 },
          geometry: { type: 'Point', coordinates: [119, 32.7] },
        },
      ],
    });
  });
});
