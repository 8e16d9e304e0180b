import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Connection, keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { buildingById } from '../building/building.repo';
import { Building } from '../building/building.type';
import { compoundById } from '../compound/compound.repo';
import { Compound } from '../compound/compound.type';
import { gridById } from '../grid/grid.repo';
import { Grid } from '../grid/grid.type';
import { regionById } from '../region/region.repo';
import { Region } from '../region/region.type';
import { listPartyOrganizations, partyOrgById, partyOrgChildren } from './party.repo';
import { PartyOrganization, PartyOrgKind } from './party.type';

const PartyOrganizationConnection = Connection(PartyOrganization, 'PartyOrganization');

@Resolver(() => PartyOrganization)
export class PartyOrganizationResolver {
  @Query(() => PartyOrganizationConnection, { description: 'Party organisations (党组织).' })
  partyOrganizations(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('kind', () => PartyOrgKind, { nullable: true }) kind?: PartyOrgKind,
  ) {
    return listPartyOrganizations(ctx, kind, keyset(page));
  }

  @FieldResolver(() => PartyOrganization, { nullable: true })
  parent(@Root() o: PartyOrganization, @Ctx() ctx: Context) {
    return o.parentPk === null ? null : partyOrgById(ctx, o.parentPk);
  }

  @FieldResolver(() => [PartyOrganization])
  children(@Root() o: PartyOrganization, @Ctx() ctx: Context) {
    return partyOrgChildren(ctx, o.pk);
  }

  @FieldResolver(() => Region)
  community(@Root() o: PartyOrganization, @Ctx() ctx: Context) {
    return regionById(ctx, o.communityPk);
  }

  @FieldResolver(() => Compound, { nullable: true })
  compound(@Root() o: PartyOrganization, @Ctx() ctx: Context) {
    return o.compoundPk === null ? null : compoundById(ctx, o.compoundPk);
  }

  @FieldResolver(() => Grid, { nullable: true })
  grid(@Root() o: PartyOrganization, @Ctx() ctx: Context) {
    return o.gridPk === null ? null : gridById(ctx, o.gridPk);
  }

  @FieldResolver(() => Building, { nullable: true })
  building(@Root() o: PartyOrganization, @Ctx() ctx: Context) {
    return o.buildingPk === null ? null : buildingById(ctx, o.buildingPk);
  }
}
