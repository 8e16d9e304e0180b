import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { TicketEventMessage } from './ticket-events';
import { keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { PlaceFilter } from '../../graphql/filter';
import { GeometryArgs, pointGeometry } from '../../graphql/geometry';
import { GeoJSONScalar } from '../../graphql/scalars';
import { buildingById } from '../building/building.repo';
import { Building } from '../building/building.type';
import { categoryByCode } from '../category/category.repo';
import { Category } from '../category/category.type';
import { compoundById } from '../compound/compound.repo';
import { Compound } from '../compound/compound.type';
import { gridById } from '../grid/grid.repo';
import { Grid } from '../grid/grid.type';
import { regionById } from '../region/region.repo';
import { Region } from '../region/region.type';
import { expectId } from '../../graphql/ids';
import { suggestCategory } from './classifier';
import { TICKET_ACTIONS, TRANSITIONS } from './ticket-machine';
import type { TicketStatus as TicketStatusName } from './ticket-status';
import {
  CategorySuggestion,
  ClassifyTicketInput,
  Photo,
  ReportTicketInput,
  ReportTicketPayload,
  TicketActionEnum,
  TicketActionInput,
} from './ticket.input';
import { eventsOfTicket, listTickets, photosOfTicket, ticketById } from './ticket.repo';
import { actOnTicket, classifyTicket, reportTicket, ticketIdByFollowToken } from './ticket.service';
import {
  Ticket,
  TicketConnection,
  TicketEvent,
  TicketEventConnection,
  TicketStatus,
} from './ticket.type';

@Resolver(() => Ticket)
export class TicketResolver {
  @Query(() => TicketConnection, { description: 'Tickets (工单), filtered.' })
  tickets(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PlaceFilter, { nullable: true }) filter?: PlaceFilter,
    @Arg('status', () => [TicketStatus], { nullable: true }) status?: string[],
    @Arg('categoryCode', () => String, { nullable: true }) categoryCode?: string,
    @Arg('openOnly', () => Boolean, { nullable: true }) openOnly?: boolean,
    @Arg('overdueOnly', () => Boolean, { nullable: true }) overdueOnly?: boolean,
  ) {
    return listTickets(
      ctx,
      { filter, statuses: status, categoryCode, openOnly, overdueOnly },
      keyset(page),
    );
  }

  @Mutation(() => ReportTicketPayload, {
    description:
      'Collect (收集): report a matter. Placed by PostGIS in its compound, grid and building.',
  })
  async reportTicket(
    @Ctx() ctx: Context,
    @Arg('input', () => ReportTicketInput) input: ReportTicketInput,
  ) {
    const actor = input.gridWorkerCode
      ? `grid_worker:${input.gridWorkerCode}`
      : `resident:${input.reporterName.trim()}`;
    const result = await reportTicket(ctx.database, { ...input, actor }, ctx.now());
    return {
      ticket: await ticketById(ctx, result.ticketId),
      followToken: result.followToken,
      created: result.created,
    };
  }

  @Mutation(() => Ticket, {
    description: 'Move a ticket around the loop; CONFLICT if it changed meanwhile.',
  })
  async actOnTicket(
    @Ctx() ctx: Context,
    @Arg('input', () => TicketActionInput) input: TicketActionInput,
  ) {
    const ticketId = expectId(input.ticketId, 'Ticket', 'ticketId');
    await actOnTicket(ctx.database, {
      ticketId,
      expectedVersion: input.expectedVersion,
      action: input.action,
      actor: input.actor,
      reason: input.reason ?? null,
      rating: input.rating ?? null,
      duplicateOfId: input.duplicateOfId
        ? expectId(input.duplicateOfId, 'Ticket', 'duplicateOfId')
        : null,
      photoKeys: input.photoKeys ?? null,
      resourceIds:
        input.resourceIds?.map((id, i) => expectId(id, 'Resource', `resourceIds.${i}`)) ?? null,
      now: ctx.now(),
    });
    return ticketById(ctx, ticketId);
  }

  @Query(() => [CategorySuggestion], {
    description:
      'What the classifier suggests for a description: the three best categories, best first.',
  })
  suggestCategory(@Arg('text', () => String) text: string) {
    return suggestCategory(text.slice(0, 4000)).top3;
  }

  @Mutation(() => Ticket, {
    description: 'Classify (分类): set the category, its level and deadlines.',
  })
  async classifyTicket(
    @Ctx() ctx: Context,
    @Arg('input', () => ClassifyTicketInput) input: ClassifyTicketInput,
  ) {
    const ticketId = expectId(input.ticketId, 'Ticket', 'ticketId');
    await classifyTicket(ctx.database, { ...input, ticketId, now: ctx.now() });
    return ticketById(ctx, ticketId);
  }

  @FieldResolver(() => [TicketActionEnum], {
    description:
      'Actions its status allows now (the state machine’s table); reasons, ratings and who ' +
      'acts are still checked when one is taken.',
  })
  allowedActions(@Root() t: Ticket) {
    return TICKET_ACTIONS.filter((a) => TRANSITIONS[a][t.status as TicketStatusName] !== undefined);
  }

  @FieldResolver(() => [CategorySuggestion], {
    description:
      'The classifier’s suggestions for this ticket’s description, for staff to confirm.',
  })
  categorySuggestions(@Root() t: Ticket) {
    return suggestCategory(t.description).top3;
  }

  @Query(() => Ticket, {
    description: 'The resident’s view through their private follow link (no sign-in).',
  })
  async followTicket(@Ctx() ctx: Context, @Arg('token', () => String) token: string) {
    const { id } = await ticketIdByFollowToken(ctx.database, token);
    return ticketById(ctx, id);
  }

  @Mutation(() => Ticket, {
    description: 'The resident rates the result 1–5 (反馈) through their link.',
  })
  async rateTicket(
    @Ctx() ctx: Context,
    @Arg('token', () => String) token: string,
    @Arg('rating', () => Int) rating: number,
    @Arg('comment', () => String, { nullable: true }) comment?: string,
  ) {
    const t = await ticketIdByFollowToken(ctx.database, token);
    await actOnTicket(ctx.database, {
      ticketId: t.id,
      expectedVersion: t.version,
      action: 'FEEDBACK',
      actor: `resident:${t.reporterName}`,
      rating,
      reason: comment?.slice(0, 500) ?? null,
      now: ctx.now(),
    });
    return ticketById(ctx, t.id);
  }

  @Mutation(() => Ticket, {
    description: 'The resident reopens a closed ticket within 30 days, with a reason.',
  })
  async reopenTicket(
    @Ctx() ctx: Context,
    @Arg('token', () => String) token: string,
    @Arg('reason', () => String) reason: string,
  ) {
    const t = await ticketIdByFollowToken(ctx.database, token);
    await actOnTicket(ctx.database, {
      ticketId: t.id,
      expectedVersion: t.version,
      action: 'REOPEN',
      actor: `resident:${t.reporterName}`,
      reason: reason.slice(0, 500),
      now: ctx.now(),
    });
    return ticketById(ctx, t.id);
  }

  @Subscription(() => TicketEvent, {
    topics: 'TICKET_EVENT',
    description:
      'Live ticket events, optionally only those in a region (district, street or community) or a grid. ' +
      'Delivered through PostgreSQL LISTEN/NOTIFY, so changes made through any API process arrive.',
    filter: ({
      payload,
      args,
    }: {
      payload: TicketEventMessage;
      args: { regionId?: string; gridId?: string };
    }) =>
      (!args.regionId ||
        payload.regionPks.includes(expectId(args.regionId, 'Region', 'regionId'))) &&
      (!args.gridId || payload.gridPk === expectId(args.gridId, 'Grid', 'gridId')),
  })
  ticketEvents(
    @Root() message: TicketEventMessage,
    @Arg('regionId', () => ID, { nullable: true }) _regionId?: string,
    @Arg('gridId', () => ID, { nullable: true }) _gridId?: string,
  ): TicketEvent {
    return message.event;
  }

  @FieldResolver(() => [Photo], { description: 'Photos attached to it.' })
  photos(@Root() t: Ticket, @Ctx() ctx: Context) {
    return photosOfTicket(ctx, t.pk);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'Where it is (Point).' })
  location(@Root() t: Ticket, @Args(() => GeometryArgs) args: GeometryArgs) {
    return pointGeometry(t.lonLat, args);
  }

  @FieldResolver(() => Category, { nullable: true, description: 'Null until classified.' })
  category(@Root() t: Ticket, @Ctx() ctx: Context) {
    return t.categoryCode === null ? null : categoryByCode(ctx, t.categoryCode);
  }

  @FieldResolver(() => Compound, { nullable: true })
  compound(@Root() t: Ticket, @Ctx() ctx: Context) {
    return t.compoundPk === null ? null : compoundById(ctx, t.compoundPk);
  }

  @FieldResolver(() => Grid, { nullable: true })
  grid(@Root() t: Ticket, @Ctx() ctx: Context) {
    return t.gridPk === null ? null : gridById(ctx, t.gridPk);
  }

  @FieldResolver(() => Building, { nullable: true })
  building(@Root() t: Ticket, @Ctx() ctx: Context) {
    return t.buildingPk === null ? null : buildingById(ctx, t.buildingPk);
  }

  @FieldResolver(() => Region, { nullable: true })
  community(@Root() t: Ticket, @Ctx() ctx: Context) {
    return t.communityPk === null ? null : regionById(ctx, t.communityPk);
  }

  @FieldResolver(() => TicketEventConnection, {
    description: 'The append-only event log, oldest first.',
  })
  events(@Root() t: Ticket, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return eventsOfTicket(ctx, t.pk, page);
  }
}

@Resolver(() => TicketEvent)
export class TicketEventResolver {
  @FieldResolver(() => Ticket)
  ticket(@Root() e: TicketEvent, @Ctx() ctx: Context) {
    return ticketById(ctx, e.ticketPk);
  }
}
