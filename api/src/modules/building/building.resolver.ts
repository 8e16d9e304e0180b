import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { GeometryArgs, pointGeometry } from '../../graphql/geometry';
import { GeoJSONScalar } from '../../graphql/scalars';
import { compoundById } from '../compound/compound.repo';
import { Compound } from '../compound/compound.type';
import { Building } from './building.type';

@Resolver(() => Building)
export class BuildingResolver {
  @FieldResolver(() => GeoJSONScalar, { description: 'Location (Point).' })
  location(@Root() b: Building, @Args(() => GeometryArgs) args: GeometryArgs) {
    return pointGeometry(b.lonLat, args);
  }

  @FieldResolver(() => Compound)
  compound(@Root() b: Building, @Ctx() ctx: Context) {
    return compoundById(ctx, b.compoundPk);
  }
}
