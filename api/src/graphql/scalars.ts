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
