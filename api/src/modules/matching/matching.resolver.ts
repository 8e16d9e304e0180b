import {
  Arg,
  Ctx,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../graphql/context';
import { notFound } from '../../errors';
import { expectId } from '../../graphql/ids';
import { categoryByCode } from '../category/category.repo';
import { Category } from '../category/category.type';
import { regionById } from '../region/region.repo';
import { Region, RegionLevel } from '../region/region.type';
import { resourceById } from '../resource/resource.repo';
import { Resource, ResourceKind } from '../resource/resource.type';
import { ticketById } from '../ticket/ticket.repo';
import { actOnTicket } from '../ticket/ticket.service';
import { Ticket } from '../ticket/ticket.type';
import { answerDispatch, applyDispatchPlan, gridDispatchPlan } from './dispatch.service';
import {
  assignmentById,
  assignmentsOfTicket,
  listsOfCommunity,
  listsUnder,
  loadOfResource,
  matchesForTicket,
  toResourceMatch,
} from './matching.repo';
import {
  AnswerDispatchInput,
  ApplyDispatchPlanInput,
  CategoryDemand,
  CategoryGap,
  CategorySupply,
  CommunityLists,
  DispatchPlan,
  DispatchTicketInput,
  ResourceMatch,
  TicketAssignment,
} from './matching.type';

const MATCH_FILTERS = {
  kind: 'Only resources of this kind.',
  availableNow: 'Only resources available now.',
  maxDistanceMeters: 'Only resources within this distance (up to 50,000 m).',
};

async function existingTicket(ctx: Context, id: string, field: string) {
  const pk = expectId(id, 'Ticket', field);
  const ticket = await ticketById(ctx, pk);
  if (!ticket) throw notFound('ticket');
  return ticket;
}

@Resolver()
export class MatchingResolver {
  @Query(() => [ResourceMatch], {
    description:
      'Resources ranked for a ticket by one score computed in PostGIS, best first, with every ' +
      'component: capability fit, distance, claimed zone or service area, load against capacity, ' +
      'availability now or next, and past record. Excludes resources at capacity, already on the ' +
      'ticket, or that declined it.',
  })
  async matchResources(
    @Ctx() ctx: Context,
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('first', () => Int, { defaultValue: 10, description: '1–50' }) first: number,
    @Arg('kind', () => ResourceKind, { nullable: true, description: MATCH_FILTERS.kind })
    kind?: ResourceKind,
    @Arg('availableNow', () => Boolean, {
      nullable: true,
      description: MATCH_FILTERS.availableNow,
    })
    availableNow?: boolean,
    @Arg('maxDistanceMeters', () => Float, {
      nullable: true,
      description: MATCH_FILTERS.maxDistanceMeters,
    })
    maxDistanceMeters?: number,
  ) {
    const ticket = await existingTicket(ctx, ticketId, 'ticketId');
    return matchesForTicket(ctx, ticket.pk, { first, kind, availableNow, maxDistanceMeters });
  }

  @Mutation(() => Ticket, {
    description:
      'Dispatch (派单) to one or more resources, checked for capability and capacity; a refusal ' +
      'lists each resource and why in extensions.refusals. Same as actOnTicket DISPATCH.',
  })
  async dispatchTicket(
    @Ctx() ctx: Context,
    @Arg('input', () => DispatchTicketInput) input: DispatchTicketInput,
  ) {
    const ticketId = expectId(input.ticketId, 'Ticket', 'ticketId');
    await actOnTicket(ctx.database, {
      ticketId,
      expectedVersion: input.expectedVersion,
      action: 'DISPATCH',
      actor: ctx.auth.actor,
      reason: input.reason ?? null,
      resourceIds: input.resourceIds.map((id, i) => expectId(id, 'Resource', `resourceIds.${i}`)),
      now: ctx.now(),
    });
    return ticketById(ctx, ticketId);
  }

  @Mutation(() => TicketAssignment, {
    description:
      'The resource takes or declines the dispatch offered to it. Departments and law ' +
      'enforcement may not decline; the last decline returns the ticket to ACCEPTED for matching ' +
      'again, without the decliner.',
  })
  async answerDispatch(
    @Ctx() ctx: Context,
    @Arg('input', () => AnswerDispatchInput) input: AnswerDispatchInput,
  ) {
    const assignmentId = expectId(input.assignmentId, 'TicketAssignment', 'assignmentId');
    await answerDispatch(ctx.database, {
      assignmentId,
      answer: input.answer,
      reason: input.reason ?? null,
      recordedBy: ctx.auth.actor,
      now: ctx.now(),
    });
    return assignmentById(ctx, assignmentId);
  }

  @Query(() => DispatchPlan, {
    description:
      'Proposed dispatches for every open, undispatched ticket of a grid (most urgent first), ' +
      'never over any resource’s capacity. Apply with applyDispatchPlan, all or a subset.',
  })
  async gridDispatchPlan(@Ctx() ctx: Context, @Arg('gridId', () => ID) gridId: string) {
    const plan = await gridDispatchPlan(
      ctx.database,
      expectId(gridId, 'Grid', 'gridId'),
      ctx.now(),
    );
    const ticket = async (pk: number) => (await ticketById(ctx, pk))!;
    return {
      items: await Promise.all(
        plan.items.map(async (i) => ({
          ticket: await ticket(i.ticketPk),
          expectedVersion: i.expectedVersion,
          acceptsFirst: i.status === 'REPORTED',
          match: toResourceMatch(i.match),
        })),
      ),
      unplanned: await Promise.all(
        plan.unplanned.map(async (u) => ({ ticket: await ticket(u.ticketPk), reason: u.reason })),
      ),
    };
  }

  @Mutation(() => [Ticket], {
    description:
      'Apply the dispatches kept from a plan in one transaction: all or nothing, never over ' +
      'capacity; an error names the item at fault (field items.N…).',
  })
  async applyDispatchPlan(
    @Ctx() ctx: Context,
    @Arg('input', () => ApplyDispatchPlanInput) input: ApplyDispatchPlanInput,
  ) {
    const pks = await applyDispatchPlan(ctx.database, {
      actor: ctx.auth.actor,
      now: ctx.now(),
      items: input.items.map((item, i) => ({
        ticketId: expectId(item.ticketId, 'Ticket', `items.${i}.ticketId`),
        expectedVersion: item.expectedVersion,
        resourceIds: item.resourceIds.map((id, j) =>
          expectId(id, 'Resource', `items.${i}.resourceIds.${j}`),
        ),
      })),
    });
    return Promise.all(pks.map((pk) => ticketById(ctx, pk)));
  }

  @Query(() => [CommunityLists], {
    description:
      'The three lists (三清单) and gaps of every community under a region (district, street or ' +
      'community), or of all communities: one statement, for a map layer.',
  })
  async communityLists(
    @Ctx() ctx: Context,
    @Arg('regionId', () => ID, { nullable: true }) regionId?: string,
  ) {
    const regionPk = regionId ? expectId(regionId, 'Region', 'regionId') : undefined;
    if (regionPk !== undefined && !(await regionById(ctx, regionPk))) throw notFound('region');
    return listsUnder(ctx, regionPk);
  }
}

@Resolver(() => ResourceMatch)
export class ResourceMatchResolver {
  @FieldResolver(() => Resource)
  resource(@Root() m: ResourceMatch, @Ctx() ctx: Context) {
    return resourceById(ctx, m.resourcePk);
  }
}

@Resolver(() => TicketAssignment)
export class TicketAssignmentResolver {
  @FieldResolver(() => Ticket)
  ticket(@Root() a: TicketAssignment, @Ctx() ctx: Context) {
    return ticketById(ctx, a.ticketPk);
  }

  @FieldResolver(() => Resource)
  resource(@Root() a: TicketAssignment, @Ctx() ctx: Context) {
    return resourceById(ctx, a.resourcePk);
  }
}

@Resolver(() => Ticket)
export class TicketMatchingResolver {
  @FieldResolver(() => [TicketAssignment], {
    description: 'Who was sent (派单), in order, with their answers.',
  })
  assignments(@Root() t: Ticket, @Ctx() ctx: Context) {
    return assignmentsOfTicket(ctx, t.pk);
  }

  @FieldResolver(() => [ResourceMatch], {
    description: 'Ranked candidates, as matchResources (for one ticket at a time).',
  })
  matches(
    @Root() t: Ticket,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('kind', () => ResourceKind, { nullable: true }) kind?: ResourceKind,
    @Arg('availableNow', () => Boolean, { nullable: true }) availableNow?: boolean,
    @Arg('maxDistanceMeters', () => Float, { nullable: true }) maxDistanceMeters?: number,
  ) {
    return matchesForTicket(ctx, t.pk, { first, kind, availableNow, maxDistanceMeters });
  }
}

@Resolver(() => Resource)
export class ResourceLoadResolver {
  @FieldResolver(() => Int, { description: 'Open tickets it holds now (offered or taken).' })
  load(@Root() r: Resource, @Ctx() ctx: Context) {
    return loadOfResource(ctx, r.pk);
  }
}

@Resolver(() => Region)
export class RegionListsResolver {
  @FieldResolver(() => CommunityLists, {
    nullable: true,
    description: 'The community’s three lists (三清单); null above community level.',
  })
  lists(@Root() r: Region, @Ctx() ctx: Context) {
    return r.level === RegionLevel.COMMUNITY ? listsOfCommunity(ctx, r.pk) : null;
  }
}

const categoryOf = (ctx: Context, code: string) => categoryByCode(ctx, code);

@Resolver(() => CategoryDemand)
export class CategoryDemandResolver {
  @FieldResolver(() => Category)
  category(@Root() d: CategoryDemand, @Ctx() ctx: Context) {
    return categoryOf(ctx, d.categoryCode);
  }
}

@Resolver(() => CategorySupply)
export class CategorySupplyResolver {
  @FieldResolver(() => Category)
  category(@Root() d: CategorySupply, @Ctx() ctx: Context) {
    return categoryOf(ctx, d.categoryCode);
  }
}

@Resolver(() => CategoryGap)
export class CategoryGapResolver {
  @FieldResolver(() => Category)
  category(@Root() d: CategoryGap, @Ctx() ctx: Context) {
    return categoryOf(ctx, d.categoryCode);
  }
}

@Resolver(() => CommunityLists)
export class CommunityListsResolver {
  @FieldResolver(() => Region)
  community(@Root() l: CommunityLists, @Ctx() ctx: Context) {
    return regionById(ctx, l.communityPk);
  }
}
