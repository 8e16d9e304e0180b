import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../../graphql/selection';
import { Arg, Args, Ctx, FieldResolver, Float, Query, Resolver, Root, Info } from 'type-graphql';
import { Connection, keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { PlaceFilter } from '../../graphql/filter';
import { GeometryArgs } from '../../graphql/geometry';
import { GeoJSONScalar } from '../../graphql/scalars';
import { compoundsOfGrid } from '../compound/compound.repo';
import { CompoundConnection } from '../compound/compound.type';
import { partyGroupOfGrid } from '../party/party.repo';
import { PartyOrganization } from '../party/party.type';
import { regionById } from '../region/region.repo';
import { Region } from '../region/region.type';
import { claimsOfGrid } from '../resource/resource.repo';
import { ResourceClaim } from '../resource/resource.type';
import { gridStats } from '../stats/stats.repo';
import { PlaceStats } from '../stats/stats.type';
import { ticketsOf } from '../ticket/ticket.repo';
import { ticketScope } from '../../auth/policy';
import { TicketConnection } from '../ticket/ticket.type';
import {
  gridAt,
  gridBoundary,
  gridById,
  listGrids,
  microGridsOf,
  workerById,
  workersOfGrid,
} from './grid.repo';
import { Grid, GridWorker } from './grid.type';

const GridConnection = Connection(Grid, 'Grid');

@Resolver(() => Grid)
export class GridResolver {
  @Query(() => GridConnection, { description: 'Grids and micro-grids, filtered for the map.' })
  grids(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PlaceFilter, { nullable: true }) filter?: PlaceFilter,
    @Arg('micro', () => Boolean, {
      nullable: true,
      description: 'true: only micro-grids; false: only top-level.',
    })
    micro?: boolean,
    @Info() info?: GraphQLResolveInfo,
  ) {
    return listGrids(ctx, filter, micro ?? undefined, keyset(page), info);
  }

  @Query(() => Grid, {
    nullable: true,
    description: 'The grid containing a WGS84 point (PostGIS).',
  })
  gridAt(
    @Ctx() ctx: Context,
    @Arg('lon', () => Float) lon: number,
    @Arg('lat', () => Float) lat: number,
    @Arg('micro', () => Boolean, {
      defaultValue: false,
      description: 'Prefer the micro-grid (微网格).',
    })
    micro: boolean,
    @Info() info: GraphQLResolveInfo,
  ) {
    return gridAt(ctx, lon, lat, micro, info);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'Boundary (Polygon).' })
  boundary(@Root() g: Grid, @Ctx() ctx: Context, @Args(() => GeometryArgs) args: GeometryArgs) {
    return gridBoundary(ctx, g.pk, args);
  }

  @FieldResolver(() => Region, { description: 'Its community (社区).' })
  community(@Root() g: Grid, @Ctx() ctx: Context) {
    return regionById(ctx, g.communityPk);
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid a micro-grid belongs to.' })
  parent(@Root() g: Grid, @Ctx() ctx: Context) {
    return g.parentPk === null ? null : gridById(ctx, g.parentPk);
  }

  @FieldResolver(() => [Grid], { description: 'Its micro-grids (微网格).' })
  microGrids(@Root() g: Grid, @Ctx() ctx: Context) {
    return microGridsOf(ctx, g.pk);
  }

  @FieldResolver(() => GridWorker, {
    nullable: true,
    description: 'The grid worker in charge (网格员).',
  })
  worker(@Root() g: Grid, @Ctx() ctx: Context) {
    return g.workerPk === null ? null : workerById(ctx, g.workerPk);
  }

  @FieldResolver(() => [GridWorker], { description: 'Everyone working this grid.' })
  workers(@Root() g: Grid, @Ctx() ctx: Context) {
    return workersOfGrid(ctx, g.pk);
  }

  @FieldResolver(() => PartyOrganization, {
    nullable: true,
    description: 'Its party group (党小组).',
  })
  partyGroup(@Root() g: Grid, @Ctx() ctx: Context) {
    return partyGroupOfGrid(ctx, g.pk);
  }

  @FieldResolver(() => CompoundConnection, {
    description: 'Compounds sharing area with it (spatial, PostGIS).',
  })
  compounds(@Root() g: Grid, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return compoundsOfGrid(ctx, g.pk, page);
  }

  @FieldResolver(() => [ResourceClaim], { description: 'Resources that claimed it (认领责任区).' })
  claims(@Root() g: Grid, @Ctx() ctx: Context) {
    return claimsOfGrid(ctx, g.pk);
  }

  @FieldResolver(() => TicketConnection, {
    description: 'Tickets placed in it (top-level grids), oldest first.',
  })
  tickets(
    @Root() g: Grid,
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('openOnly', () => Boolean, { defaultValue: false }) openOnly: boolean,
  ) {
    return ticketsOf(ctx, ticketScope(ctx.auth.viewer, ctx.now()), 'grid', g.pk, page, {
      openOnly,
    });
  }

  @FieldResolver(() => PlaceStats)
  stats(@Root() g: Grid, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return gridStats(ctx, g.pk, selectedFields(info));
  }
}

@Resolver(() => GridWorker)
export class GridWorkerResolver {
  @FieldResolver(() => Grid, { nullable: true })
  grid(@Root() w: GridWorker, @Ctx() ctx: Context) {
    return w.gridPk === null ? null : gridById(ctx, w.gridPk);
  }
}
