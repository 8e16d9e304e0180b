import 'reflect-metadata';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { DateTimeScalar } from './scalars';
import { GraphQLInterfaceType, type GraphQLSchema } from 'graphql';
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
import { Node, nodeTypeOf } from '../modules/node/node.type';
import { PartyOrganizationResolver } from '../modules/party/party.resolver';
import { PropertyCompanyResolver } from '../modules/property/property.resolver';
import { RegionResolver } from '../modules/region/region.resolver';
import { PeopleResolver } from '../modules/people/people.resolver';
import { ReportResolver } from '../modules/report/report.resolver';
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
  ReportResolver,
  PeopleResolver,
] as const;

export async function buildYituSchema(
  pubSub: TicketPubSub = createTicketPubSub(),
): Promise<GraphQLSchema> {
  // A plain field (no @FieldResolver) is read by the executor itself, not through a type-graphql
  // wrapper per field and row: the schema has no middlewares (authorization is put on the fields
  // by applyPolicy below), so the wrapper only cost time (graphql-jit inlines a plain read).
  for (const type of getMetadataStorage().objectTypes) type.simpleResolvers = true;
  const schema = await buildSchema({
    resolvers,
    pubSub,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    orphanedTypes: [Node],
  });
  // type-graphql wraps an interface's resolveType in an async function; the compiled executor
  // (executor.ts) wants the type's name at once. Node is the schema's one abstract type.
  const node = schema.getType('Node');
  if (!(node instanceof GraphQLInterfaceType)) throw new Error('the schema has no Node interface');
  node.resolveType = nodeTypeOf;
  // every field of every type passes the one authorization policy (auth/policy.ts)
  return applyPolicy(schema);
}
