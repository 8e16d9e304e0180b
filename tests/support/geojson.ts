// GeoJSON as the tests' files hold it: rings, polygons, features and a collection as bytes.

export type Ring = [number, number][];

/** The closed ring of a lon/lat box. */
export const square = (w: number, s: number, e: number, n: number): Ring => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];
export const polygon = (ring: Ring) => ({ type: 'Polygon', coordinates: [ring] });
export const feature = (properties: Record<string, unknown>, geometry: unknown) => ({
  type: 'Feature',
  properties,
  geometry,
});
/** A FeatureCollection as the bytes of an uploaded file. */
export const collection = (...features: unknown[]) =>
  Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
