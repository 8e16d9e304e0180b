import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { DateTimeScalar } from './scalars';
import type { GraphQLSchema } from 'graphql';
import { BuildingResolver } from '../modules/building/building.resolver';
import { CategoryResolver } from '../modules/category/category.resolver';
import { CompoundResolver } from '../modules/compound/compound.resolver';
import { GridResolver, GridWorkerResolver } from '../modules/grid/grid.resolver';
import {
  CategoryDemandResolver,
  CategoryGapResolver,
  CommunityListsResolver,
  CategorySupplyResolver,
  MatchingResolver,
  RegionListsResolver,
  ResourceLoadResolver,
  ResourceMatchResolver,
  TicketAssignmentResolver,
  TicketMatchingResolver,
} from '../modules/matching/matching.resolver';
import { DataImportResolver } from '../modules/import/import.resolver';
import { NodeResolver } from '../modules/node/node.resolver';
import { AccountResolver } from '../modules/account/account.resolver';
import { applyPolicy } from '../auth/policy';
import { Node } from '../modules/node/node.type';
import { PartyOrganizationResolver } from '../modules/party/party.resolver';
import { PropertyCompanyResolver } from '../modules/property/property.resolver';
import { RegionResolver } from '../modules/region/region.resolver';
import { ResourceClaimResolver, ResourceResolver } from '../modules/resource/resource.resolver';
import { createTicketPubSub, type TicketPubSub } from '../modules/ticket/ticket-events';
import { IntakeResolver } from '../modules/ticket/intake.resolver';
import { TicketEventResolver, TicketResolver } from '../modules/ticket/ticket.resolver';

export const resolvers = [
  AccountResolver,
  NodeResolver,
  RegionResolver,
  CompoundResolver,
  BuildingResolver,
  GridResolver,
  GridWorkerResolver,
  PropertyCompanyResolver,
  PartyOrganizationResolver,
  ResourceResolver,
  ResourceClaimResolver,
  CategoryResolver,
  TicketResolver,
  TicketEventResolver,
  IntakeResolver,
  MatchingResolver,
  ResourceMatchResolver,
  TicketAssignmentResolver,
  TicketMatchingResolver,
  ResourceLoadResolver,
  RegionListsResolver,
  CategoryDemandResolver,
  CategorySupplyResolver,
  CategoryGapResolver,
  CommunityListsResolver,
  DataImportResolver,
] as const;

export async function buildYituSchema(
  pubSub: TicketPubSub = createTicketPubSub(),
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    pubSub,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    orphanedTypes: [Node],
  });
  // every field of every type passes the one authorization policy (auth/policy.ts)
  return applyPolicy(schema);
}
