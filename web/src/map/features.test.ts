import { describe, expect, it } from 'vitest';
import type { Geometry, MapData, Position } from '../data/map-data';
import { boundsOf, labelPoint, toCollections } from './features';

const squareRings = (x: number, y: number, size: number): Position[][] => [
  [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ],
];
const square = (x: number, y: number, size = 1): Geometry => ({
  type: 'Polygon',
  coordinates: squareRings(x, y, size),
});

// An L whose bbox centre (1, 1) is outside it: a centroid-style label would float off the shape.
const ell: Geometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [2, 0],
      [2, 0.5],
      [0.5, 0.5],
      [0.5, 2],
      [0, 2],
      [0, 0],
    ],
  ],
};

describe('toCollections', () => {
  const data: MapData = {
    regions: [
      {
        id: '1',
        code: 'S1',
        name: '广陵街道',
        level: 'STREET',
        synthetic: true,
        boundary: square(0, 0),
      },
    ],
    compounds: [
      {
        id: '2',
        code: 'C1',
        name: '阳光小区',
        households: 300,
        redProperty: false,
        propertyCompanyName: null,
        openTickets: 4,
        overdueTickets: 1,
        satisfactionRate: null,
        boundary: square(0, 0),
      },
    ],
    grids: [
      { id: '3', code: 'G1', name: '一网格', parentCode: null, boundary: square(0, 0) },
      { id: '4', code: 'G1-1', name: '一网格微网格', parentCode: 'G1', boundary: square(0, 0) },
    ],
    tickets: [
      {
        id: 'VGlja2V0OjE',
        code: 'T20261124-000001',
        status: 'DISPATCHED',
        overdue: true,
        location: { type: 'Point', coordinates: [0.5, 0.5] },
      },
    ],
  };
  const c = toCollections(data);

  it('keeps only non-null scalar properties', () => {
    expect(c.compounds.features[0]?.properties).toEqual({
      code: 'C1',
      name: '阳光小区',
      openTickets: 4,
      overdueTickets: 1,
      satisfaction: -1, // no rating yet: MapLibre would drop a null
      redProperty: false,
    });
    expect(c.grids.features.map((f) => f.properties.micro)).toEqual([false, true]);
    expect(c.regions.features[0]?.properties.level).toBe('STREET');
  });

  it('makes open tickets points that carry the global id the panel asks for', () => {
    expect(c.tickets.features).toEqual([
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [0.5, 0.5] },
        properties: {
          id: 'VGlja2V0OjE',
          code: 'T20261124-000001',
          status: 'DISPATCHED',
          overdue: true,
        },
      },
    ]);
  });
});

describe('boundsOf', () => {
  it('spans all geometries', () => {
    expect(boundsOf([square(0, 0), square(3, -2)])).toEqual([
      [0, -2],
      [4, 1],
    ]);
  });
  it('is null for nothing', () => expect(boundsOf([])).toBeNull());
});

describe('labelPoint', () => {
  it('is the centre of a square', () => expect(labelPoint(square(2, 2, 2))).toEqual([3, 3]));

  it('lands inside an L-shape', () => {
    const [x, y] = labelPoint(ell)!;
    expect(y).toBe(1);
    expect(x).toBeGreaterThan(0);
    expect(x).toBeLessThan(0.5);
  });

  it('uses the largest part of a MultiPolygon', () => {
    const multi: Geometry = {
      type: 'MultiPolygon',
      coordinates: [squareRings(0, 0, 1), squareRings(10, 10, 4)],
    };
    expect(labelPoint(multi)).toEqual([12, 12]);
  });
});
