import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../../graphql/selection';
import { Arg, Args, Ctx, FieldResolver, Float, Query, Resolver, Root, Info } from 'type-graphql';
import { keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { PlaceFilter } from '../../graphql/filter';
import { GeometryArgs } from '../../graphql/geometry';
import { GeoJSONScalar } from '../../graphql/scalars';
import { buildingsOfCompound } from '../building/building.repo';
import { BuildingConnection } from '../building/building.type';
import { gridsOfCompound } from '../grid/grid.repo';
import { Grid } from '../grid/grid.type';
import { partyBranchOfCompound } from '../party/party.repo';
import { PartyOrganization } from '../party/party.type';
import { propertyCompanyById } from '../property/property.repo';
import { PropertyCompany } from '../property/property.type';
import { regionById } from '../region/region.repo';
import { Region } from '../region/region.type';
import { claimsOfCompound } from '../resource/resource.repo';
import { ResourceClaim } from '../resource/resource.type';
import { compoundStats } from '../stats/stats.repo';
import { PlaceStats } from '../stats/stats.type';
import { ticketsOf } from '../ticket/ticket.repo';
import { TicketConnection } from '../ticket/ticket.type';
import {
  compoundAt,
  compoundBoundary,
  compoundByCode,
  householdsOfCompound,
  listCompounds,
} from './compound.repo';
import { Compound, CompoundConnection } from './compound.type';
import { VulnerableHousehold } from './household.type';
import { ticketScope } from '../../auth/policy';

@Resolver(() => Compound)
export class CompoundResolver {
  @Query(() => CompoundConnection, { description: 'Compounds, filtered for the map.' })
  compounds(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => PlaceFilter, { nullable: true }) filter?: PlaceFilter,
  ) {
    return listCompounds(ctx, filter, keyset(page), info);
  }

  @Query(() => Compound, {
    nullable: true,
    description: 'The compound containing a WGS84 point (PostGIS).',
  })
  compoundAt(
    @Ctx() ctx: Context,
    @Arg('lon', () => Float) lon: number,
    @Arg('lat', () => Float) lat: number,
    @Info() info: GraphQLResolveInfo,
  ) {
    return compoundAt(ctx, lon, lat, info);
  }

  @Query(() => Compound, {
    nullable: true,
    description:
      'The compound behind a QR code (/r/<code>), for the resident’s report page: its name and ' +
      'buildings only, without sign-in.',
  })
  qrCompound(@Ctx() ctx: Context, @Arg('code', () => String) code: string) {
    return compoundByCode(ctx, code);
  }

  @FieldResolver(() => [VulnerableHousehold], {
    description:
      'Vulnerable households (重点人群) here: for the staff of this compound’s community only; ' +
      'every read is written to the audit log.',
  })
  vulnerableHouseholds(@Root() c: Compound, @Ctx() ctx: Context) {
    // who may read them, and the audit line of every read, are the policy's (FIELD_RULES)
    return householdsOfCompound(ctx, c.pk);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'Boundary (Polygon).' })
  boundary(@Root() c: Compound, @Ctx() ctx: Context, @Args(() => GeometryArgs) args: GeometryArgs) {
    return compoundBoundary(ctx, c.pk, args);
  }

  @FieldResolver(() => Region, { description: 'Its community (社区).' })
  community(@Root() c: Compound, @Ctx() ctx: Context) {
    return regionById(ctx, c.communityPk);
  }

  @FieldResolver(() => PropertyCompany, {
    nullable: true,
    description: 'Property company; null = 无物业.',
  })
  propertyCompany(@Root() c: Compound, @Ctx() ctx: Context) {
    return c.propertyCompanyPk === null ? null : propertyCompanyById(ctx, c.propertyCompanyPk);
  }

  @FieldResolver(() => [Grid], {
    description: 'Top-level grids sharing area with it (spatial, PostGIS).',
  })
  grids(@Root() c: Compound, @Ctx() ctx: Context) {
    return gridsOfCompound(ctx, c.pk);
  }

  @FieldResolver(() => BuildingConnection, { description: 'Its buildings (楼栋).' })
  buildings(@Root() c: Compound, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return buildingsOfCompound(ctx, c.pk, page);
  }

  @FieldResolver(() => PartyOrganization, {
    nullable: true,
    description: 'Its party branch (党支部).',
  })
  partyBranch(@Root() c: Compound, @Ctx() ctx: Context) {
    return partyBranchOfCompound(ctx, c.pk);
  }

  @FieldResolver(() => [ResourceClaim], { description: 'Resources that claimed it (认领责任区).' })
  claims(@Root() c: Compound, @Ctx() ctx: Context) {
    return claimsOfCompound(ctx, c.pk);
  }

  @FieldResolver(() => TicketConnection, { description: 'Tickets placed in it, oldest first.' })
  tickets(
    @Root() c: Compound,
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('openOnly', () => Boolean, { defaultValue: false }) openOnly: boolean,
  ) {
    return ticketsOf(ctx, ticketScope(ctx.auth.viewer, ctx.now()), 'compound', c.pk, page, {
      openOnly,
    });
  }

  @FieldResolver(() => PlaceStats)
  stats(@Root() c: Compound, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return compoundStats(ctx, c.pk, selectedFields(info));
  }
}
