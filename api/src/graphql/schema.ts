import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { CompoundResolver } from '../modules/compound/compound.resolver';
import { GridResolver } from '../modules/grid/grid.resolver';
import { RegionResolver } from '../modules/region/region.resolver';

export function buildYituSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [RegionResolver, CompoundResolver, GridResolver],
    validate: false,
  });
}
