import { describe, expect, it } from 'vitest';
import { boundsOf, type Geometry, type PointGeometry } from './map-data';

const square = (x: number, y: number, size = 1): Geometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

describe('boundsOf', () => {
  it('spans all geometries', () => {
    expect(boundsOf([square(0, 0), square(3, -2)])).toEqual([
      [0, -2],
      [4, 1],
    ]);
  });
  it('spans points too', () => {
    const point: PointGeometry = { type: 'Point', coordinates: [1, 2] };
    expect(boundsOf([point, square(0, 0)])).toEqual([
      [0, 0],
      [1, 2],
    ]);
  });
  it('is null for nothing', () => expect(boundsOf([])).toBeNull());
});
