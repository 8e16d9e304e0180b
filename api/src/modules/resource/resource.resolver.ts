import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../../graphql/selection';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  Float,
  Int,
  Query,
  Resolver,
  Root,
  Info,
} from 'type-graphql';
import { Connection, keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { PlaceFilter } from '../../graphql/filter';
import { GeometryArgs, pointGeometry } from '../../graphql/geometry';
import { GeoJSONScalar } from '../../graphql/scalars';
import { maskName } from '../../auth/mask';
import { compoundById } from '../compound/compound.repo';
import { Compound } from '../compound/compound.type';
import { gridById } from '../grid/grid.repo';
import { Grid } from '../grid/grid.type';
import { propertyCompanyById } from '../property/property.repo';
import { PropertyCompany } from '../property/property.type';
import { regionById } from '../region/region.repo';
import { resourceStats } from '../stats/stats.repo';
import { PlaceStats } from '../stats/stats.type';
import { Region } from '../region/region.type';
import {
  claimsOfResource,
  listResources,
  resourceById,
  resourcesNear,
  serviceAreaOf,
} from './resource.repo';
import { NearbyResource, Resource, ResourceClaim, ResourceKind } from './resource.type';

const ResourceConnection = Connection(Resource, 'Resource');

@Resolver(() => Resource)
export class ResourceResolver {
  @Query(() => ResourceConnection, { description: 'Resources (资源清单), filtered.' })
  resources(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PlaceFilter, { nullable: true }) filter?: PlaceFilter,
    @Arg('kind', () => ResourceKind, { nullable: true }) kind?: ResourceKind,
    @Arg('capability', () => String, { nullable: true }) capability?: string,
    @Arg('approved', () => Boolean, {
      nullable: true,
      description: 'false: only registrations (双报到) waiting for approval; true: only approved.',
    })
    approved?: boolean,
  ) {
    return listResources(ctx, { filter, kind, capability, approved }, keyset(page));
  }

  @Query(() => [NearbyResource], {
    description:
      'Resources within radiusMeters of a WGS84 point, nearest first (distance on the sphere).',
  })
  resourcesNear(
    @Ctx() ctx: Context,
    @Arg('lon', () => Float) lon: number,
    @Arg('lat', () => Float) lat: number,
    @Arg('radiusMeters', () => Float, { description: 'Up to 50,000.' }) radiusMeters: number,
    @Arg('capability', () => String, { nullable: true }) capability?: string,
    @Arg('kind', () => ResourceKind, { nullable: true }) kind?: ResourceKind,
    @Arg('first', () => Int, { defaultValue: 20, description: '1–500' }) first?: number,
  ) {
    return resourcesNear(ctx, { lon, lat, radiusMeters, capability, kind, first: first ?? 20 });
  }

  @FieldResolver(() => GeoJSONScalar, {
    description:
      'Location (Point). A party member is a resident: to API tokens their point is given to ' +
      '3 decimals (about 100 m), not their door.',
  })
  location(@Root() r: Resource, @Ctx() ctx: Context, @Args(() => GeometryArgs) args: GeometryArgs) {
    const person = r.kind === ResourceKind.PARTY_MEMBER && ctx.auth.viewer.via !== 'session';
    return pointGeometry(
      r.lonLat,
      person ? { ...args, precision: Math.min(args.precision, 3) } : args,
    );
  }

  @FieldResolver(() => String, {
    description: 'Name. A party member’s is masked (张**) for API tokens: they are residents.',
  })
  name(@Root() r: Resource, @Ctx() ctx: Context) {
    return r.kind === ResourceKind.PARTY_MEMBER && ctx.auth.viewer.via !== 'session'
      ? maskName(r.name)
      : r.name;
  }

  @FieldResolver(() => GeoJSONScalar, {
    nullable: true,
    description: 'Service area (MultiPolygon), if any.',
  })
  serviceArea(
    @Root() r: Resource,
    @Ctx() ctx: Context,
    @Args(() => GeometryArgs) args: GeometryArgs,
  ) {
    return serviceAreaOf(ctx, r.pk, args);
  }

  @FieldResolver(() => Region, {
    nullable: true,
    description: 'Community registered at (双报到) or served.',
  })
  community(@Root() r: Resource, @Ctx() ctx: Context) {
    return r.communityPk === null ? null : regionById(ctx, r.communityPk);
  }

  @FieldResolver(() => PropertyCompany, { nullable: true })
  propertyCompany(@Root() r: Resource, @Ctx() ctx: Context) {
    return r.propertyCompanyPk === null ? null : propertyCompanyById(ctx, r.propertyCompanyPk);
  }

  @FieldResolver(() => PlaceStats, {
    description: 'Its record on the tickets it was dispatched to.',
  })
  stats(@Root() r: Resource, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return resourceStats(ctx, r.pk, selectedFields(info));
  }

  @FieldResolver(() => [ResourceClaim], { description: 'Zones it claimed (认领责任区).' })
  claims(@Root() r: Resource, @Ctx() ctx: Context) {
    return claimsOfResource(ctx, r.pk);
  }
}

@Resolver(() => ResourceClaim)
export class ResourceClaimResolver {
  @FieldResolver(() => Resource)
  resource(@Root() k: ResourceClaim, @Ctx() ctx: Context) {
    return resourceById(ctx, k.resourcePk);
  }

  @FieldResolver(() => Grid, { nullable: true })
  grid(@Root() k: ResourceClaim, @Ctx() ctx: Context) {
    return k.gridPk === null ? null : gridById(ctx, k.gridPk);
  }

  @FieldResolver(() => Compound, { nullable: true })
  compound(@Root() k: ResourceClaim, @Ctx() ctx: Context) {
    return k.compoundPk === null ? null : compoundById(ctx, k.compoundPk);
  }
}
