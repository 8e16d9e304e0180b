import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

// RFC 7946 geometry as a JSON object (not a string), WGS84 longitude/latitude. Input is checked
// where it is used (PostGIS validates shape and validity), so the scalar only passes it along.
export const GeoJSONScalar = new GraphQLScalarType({
  name: 'GeoJSON',
  description: 'An RFC 7946 GeoJSON geometry object in WGS84 (EPSG:4326) longitude/latitude.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

/** Accepts a Date or PostgreSQL's text form ("2026-11-25 01:30:00+00", which both drivers return
 * through drizzle's raw queries) and answers ISO 8601 in UTC. */
export function toIsoInstant(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') {
    const iso = value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in ISO 8601, UTC (e.g. 2026-11-23T08:30:00.000Z).',
  serialize: toIsoInstant,
  parseValue: (value) => new Date(toIsoInstant(value)),
  parseLiteral: (ast) => {
    if (ast.kind !== 'StringValue') throw new TypeError('DateTime must be a string');
    return new Date(toIsoInstant(ast.value));
  },
});
