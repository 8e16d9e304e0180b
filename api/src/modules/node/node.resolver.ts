import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { badInput, notFound } from '../../errors';
import { fromGlobalId, integerKey, type NodeType } from '../../graphql/ids';
import { MAX_NODE_IDS } from '../../graphql/limits';
import { buildingById } from '../building/building.repo';
import { categoryByCode } from '../category/category.repo';
import { compoundById } from '../compound/compound.repo';
import { gridById, workerById } from '../grid/grid.repo';
import { partyOrgById } from '../party/party.repo';
import { propertyCompanyById } from '../property/property.repo';
import { regionById } from '../region/region.repo';
import { claimById, resourceById } from '../resource/resource.repo';
import { assignmentById } from '../matching/matching.repo';
import { eventById, ticketById } from '../ticket/ticket.repo';
import { dataImportById } from '../import/import.resolver';
import { Node, NODE_TYPE } from './node.type';

const byType: Record<NodeType, (ctx: Context, key: string) => Promise<object | null>> = {
  Region: (ctx, key) => regionById(ctx, Number(key)),
  Compound: (ctx, key) => compoundById(ctx, Number(key)),
  Building: (ctx, key) => buildingById(ctx, Number(key)),
  Grid: (ctx, key) => gridById(ctx, Number(key)),
  GridWorker: (ctx, key) => workerById(ctx, Number(key)),
  PropertyCompany: (ctx, key) => propertyCompanyById(ctx, Number(key)),
  PartyOrganization: (ctx, key) => partyOrgById(ctx, Number(key)),
  Resource: (ctx, key) => resourceById(ctx, Number(key)),
  ResourceClaim: (ctx, key) => claimById(ctx, Number(key)),
  Category: (ctx, key) => categoryByCode(ctx, key),
  Ticket: (ctx, key) => ticketById(ctx, Number(key)),
  TicketEvent: (ctx, key) => eventById(ctx, Number(key)),
  TicketAssignment: (ctx, key) => assignmentById(ctx, Number(key)),
  // tokens are listed by apiTokens (administrators), not fetched as nodes
  ApiToken: async () => null,
  DataImport: (ctx, key) => dataImportById(ctx, Number(key)),
};

async function load(ctx: Context, id: string, field: string) {
  const { type, key } = fromGlobalId(id, field);
  if (type !== 'Category' && integerKey(key) === null) return null;
  const node = await byType[type](ctx, key);
  return node ? Object.assign(node, { [NODE_TYPE]: type }) : null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    description: 'Any object by its global id; NOT_FOUND if it does not exist.',
  })
  async node(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    const node = await load(ctx, id, 'id');
    if (!node) throw notFound(`node ${id}`);
    return node;
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `Several objects by id (up to ${MAX_NODE_IDS}); null for each missing one.`,
  })
  nodes(@Ctx() ctx: Context, @Arg('ids', () => [ID]) ids: string[]) {
    if (ids.length > MAX_NODE_IDS)
      throw badInput('ids', 'TOO_MANY', `ids: at most ${MAX_NODE_IDS} in one call`);
    return Promise.all(ids.map((id, i) => load(ctx, id, `ids.${i}`)));
  }
}
