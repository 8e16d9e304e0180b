import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { keyset, PageArgs } from '../../graphql/connection';
import { PlaceFilter } from '../../graphql/filter';
import type { Context } from '../../graphql/context';
import { GeometryArgs, pointGeometry } from '../../graphql/geometry';
import { GeoJSONScalar } from '../../graphql/scalars';
import { compoundById } from '../compound/compound.repo';
import { Compound } from '../compound/compound.type';
import { listBuildings } from './building.repo';
import { Building, BuildingConnection } from './building.type';

@Resolver(() => Building)
export class BuildingResolver {
  @Query(() => BuildingConnection, {
    description: 'Buildings (楼栋) by place: the map asks for those in view at high zoom.',
  })
  buildings(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PlaceFilter, { nullable: true }) filter?: PlaceFilter,
  ) {
    return listBuildings(ctx, filter, keyset(page));
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'Location (Point).' })
  location(@Root() b: Building, @Args(() => GeometryArgs) args: GeometryArgs) {
    return pointGeometry(b.lonLat, args);
  }

  @FieldResolver(() => Compound)
  compound(@Root() b: Building, @Ctx() ctx: Context) {
    return compoundById(ctx, b.compoundPk);
  }
}
