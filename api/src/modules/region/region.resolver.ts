import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../../graphql/selection';
import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root, Info } from 'type-graphql';
import { Connection, keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { GeometryArgs } from '../../graphql/geometry';
import { PlaceFilter } from '../../graphql/filter';
import { GeoJSONScalar } from '../../graphql/scalars';
import { compoundsOfRegion } from '../compound/compound.repo';
import { CompoundConnection } from '../compound/compound.type';
import { gridsOfCommunity } from '../grid/grid.repo';
import { Grid } from '../grid/grid.type';
import { figuresByCategory, regionStats } from '../stats/stats.repo';
import { CategoryFigures, PlaceStats } from '../stats/stats.type';
import { listRegions, regionBoundary, regionById, regionChildren } from './region.repo';
import { Region, RegionLevel } from './region.type';

const RegionConnection = Connection(Region, 'Region');

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => RegionConnection, {
    description: 'Regions: the district, its streets and communities.',
  })
  regions(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('level', () => RegionLevel, { nullable: true }) level?: RegionLevel,
    @Arg('filter', () => PlaceFilter, { nullable: true }) filter?: PlaceFilter,
    @Info() info?: GraphQLResolveInfo,
  ) {
    return listRegions(ctx, filter, level, keyset(page), info);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'Boundary (MultiPolygon).' })
  boundary(
    @Root() region: Region,
    @Ctx() ctx: Context,
    @Args(() => GeometryArgs) args: GeometryArgs,
  ) {
    return regionBoundary(ctx, region.pk, args);
  }

  @FieldResolver(() => Region, {
    nullable: true,
    description: 'The region above (street → district).',
  })
  parent(@Root() region: Region, @Ctx() ctx: Context) {
    return region.parentPk === null ? null : regionById(ctx, region.parentPk);
  }

  @FieldResolver(() => [Region], { description: 'The regions directly below.' })
  children(@Root() region: Region, @Ctx() ctx: Context) {
    return regionChildren(ctx, region.pk);
  }

  @FieldResolver(() => CompoundConnection, { description: 'Compounds in this region and below.' })
  compounds(@Root() region: Region, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return compoundsOfRegion(ctx, region.pk, page);
  }

  @FieldResolver(() => [Grid], {
    description: 'Top-level grids of a community (empty above community).',
  })
  grids(@Root() region: Region, @Ctx() ctx: Context) {
    return region.level === RegionLevel.COMMUNITY ? gridsOfCommunity(ctx, region.pk) : [];
  }

  @FieldResolver(() => [CategoryFigures], {
    description: 'Figures per ticket category for this region and everything below it.',
  })
  statsByCategory(@Root() region: Region, @Ctx() ctx: Context) {
    return figuresByCategory(ctx, region.pk);
  }

  @FieldResolver(() => PlaceStats)
  stats(@Root() region: Region, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return regionStats(ctx, region.pk, selectedFields(info));
  }
}
