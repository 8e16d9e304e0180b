import { GraphQLScalarType, Kind } from 'graphql';

// RFC 7946 geometry as a JSON object (not a string), WGS84 longitude/latitude.
export const GeoJSONScalar = new GraphQLScalarType({
  name: 'GeoJSON',
  description: 'An RFC 7946 GeoJSON geometry object in WGS84 (EPSG:4326) longitude/latitude.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.OBJECT) throw new TypeError('GeoJSON literal must be an object');
    throw new TypeError('pass GeoJSON input as a variable');
  },
});
