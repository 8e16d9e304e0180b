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
import { maskName, maskPhone } from '../../auth/mask';
import { mayReadTicket, ticketScope } from '../../auth/policy';
import { personOf } from '../../auth/viewer';
import { badInput } from '../../errors';
import { suggestCategory } from './classifier';
import { statusAllows, TICKET_STEPS } from './ticket-machine';
import type { TicketStatus as TicketStatusName } from './ticket-status';
import {
  CategorySuggestion,
  ClassifyTicketInput,
  Photo,
  ReportTicketInput,
  ReportTicketPayload,
  ReturnVisitInput,
  TicketActionEnum,
  TicketActionInput,
} from './ticket.input';
import { eventsOfTicket, listTickets, patrolGrid, photosOfTicket, ticketById } from './ticket.repo';
import {
  actOnTicket,
  classifyTicket,
  recordReturnVisit,
  reportTicket,
  reporterTicketByFollowToken,
  ticketIdByFollowToken,
} from './ticket.service';
import {
  Ticket,
  TicketChannel,
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
      ticketScope(ctx.auth.viewer, ctx.now()),
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
    // who may file which report, and a patrol for which grid worker, is the policy's
    const anonymous = ctx.auth.viewer.via === 'anonymous';
    const actor = anonymous ? 'resident' : ctx.auth.actor;
    // a resident reports through the QR page: the channel is not theirs to choose (statistics)
    const channel = anonymous ? TicketChannel.QR : input.channel;
    // Open311 reports come through /open311/v2, where name and phone may be left out
    if (channel === TicketChannel.OPEN311)
      throw badInput('channel', 'OPEN311_ONLY', 'OPEN311 reports are filed through /open311/v2');
    // only a patrol's GPS point may stand in for the compound (a poster always names one)
    if (!input.compoundCode && channel !== TicketChannel.PATROL)
      throw badInput('compoundCode', 'REQUIRED', 'name the compound this report is about');
    if (channel === TicketChannel.PATROL) {
      const code = input.gridWorkerCode?.trim();
      if (!code)
        throw badInput('gridWorkerCode', 'REQUIRED', 'a patrol report names its grid worker');
      if (!(await patrolGrid(ctx, code)))
        throw badInput('gridWorkerCode', 'UNKNOWN', `no grid worker ${code.slice(0, 100)}`);
    } else if (input.gridWorkerCode) {
      throw badInput('gridWorkerCode', 'PATROL_ONLY', 'only a PATROL report names a grid worker');
    }
    const result = await reportTicket(
      ctx.database,
      { ...input, gridWorkerCode: input.gridWorkerCode?.trim() ?? null, channel, actor },
      ctx.now(),
      ctx.calendar,
    );
    // the reporter may read back what they just filed, as through their private link
    ctx.auth.grant(result.ticketId);
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
    const action = input.action;
    if (action === 'CLASSIFY') {
      throw badInput(
        'input.action',
        'USE_CLASSIFY_TICKET',
        'classify with classifyTicket: it names the category',
      );
    }
    await actOnTicket(ctx.database, {
      ticketId,
      expectedVersion: input.expectedVersion,
      action,
      actor: ctx.auth.actor,
      person: personOf(ctx.auth.viewer),
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

  @Mutation(() => Ticket, {
    description:
      'Record a return visit 回访 (by phone or in person) on verified work: who asked, how, and ' +
      'the answer. It leaves the ticket and the resident’s own rating alone; 回访满意率 counts it.',
  })
  async recordReturnVisit(
    @Ctx() ctx: Context,
    @Arg('input', () => ReturnVisitInput) input: ReturnVisitInput,
  ) {
    const ticketId = expectId(input.ticketId, 'Ticket', 'ticketId');
    await recordReturnVisit(ctx.database, {
      ticketId,
      actor: ctx.auth.actor,
      person: personOf(ctx.auth.viewer),
      channel: input.channel,
      rating: input.rating,
      note: input.note ?? null,
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
    await classifyTicket(ctx.database, {
      ...input,
      ticketId,
      actor: ctx.auth.actor,
      now: ctx.now(),
      calendar: ctx.calendar,
    });
    return ticketById(ctx, ticketId);
  }

  @FieldResolver(() => [TicketActionEnum], {
    description:
      'Actions its status allows now (the state machine’s table); reasons, ratings and who ' +
      'acts are still checked when one is taken.',
  })
  allowedActions(@Root() t: Ticket, @Ctx() ctx: Context) {
    // what the status allows, and the viewer's role may take (none through a resident's link)
    return TICKET_STEPS.filter(
      (a) => statusAllows(a, t.status as TicketStatusName) && ctx.auth.viewer.actions.has(a),
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Who reported it. Personal data: masked (张**) for roles that do not contact residents; ' +
      'never shown to API tokens.',
  })
  reporterName(@Root() t: Ticket, @Ctx() ctx: Context) {
    if (t.reporterName === null) return null;
    return ctx.auth.viewer.permissions.has('personal:reveal') || ctx.auth.isReporter(t.pk)
      ? t.reporterName
      : maskName(t.reporterName);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The reporter’s phone, masked (138****1234). unmasked: true shows it whole to roles that ' +
      'call residents back (grid workers, community and street staff), and every such read is ' +
      'written to the audit log. Never shown to API tokens.',
  })
  reporterPhone(
    @Root() t: Ticket,
    @Arg('unmasked', () => Boolean, { defaultValue: false }) unmasked: boolean,
  ) {
    // who may read it whole, and its audit line, are the policy's (FIELD_RULES)
    if (t.reporterPhone === null) return null;
    return unmasked ? t.reporterPhone : maskPhone(t.reporterPhone);
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
    const { id, follower } = await ticketIdByFollowToken(ctx.database, token);
    // a follower's link (附议) reads the ticket, not its reporter's name and phone
    ctx.auth.grant(id, !follower);
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
    const t = await reporterTicketByFollowToken(ctx.database, token);
    await actOnTicket(ctx.database, {
      ticketId: t.id,
      expectedVersion: t.version,
      action: 'FEEDBACK',
      actor: 'resident',
      rating,
      reason: comment?.slice(0, 500) ?? null,
      now: ctx.now(),
    });
    ctx.auth.grant(t.id);
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
    const t = await reporterTicketByFollowToken(ctx.database, token);
    await actOnTicket(ctx.database, {
      ticketId: t.id,
      expectedVersion: t.version,
      action: 'REOPEN',
      actor: 'resident',
      reason: reason.slice(0, 500),
      now: ctx.now(),
    });
    ctx.auth.grant(t.id);
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
      context,
    }: {
      payload: TicketEventMessage;
      args: { regionId?: string; gridId?: string };
      context: Context;
    }) =>
      mayReadTicket(context.auth.viewer, payload, context.now()) &&
      (!args.regionId ||
        payload.regionPks.includes(expectId(args.regionId, 'Region', 'regionId'))) &&
      (!args.gridId || payload.gridPk === expectId(args.gridId, 'Grid', 'gridId')),
  })
  ticketEvents(
    @Root() message: TicketEventMessage,
    @Ctx() ctx: Context,
    @Arg('regionId', () => ID, { nullable: true }) _regionId?: string,
    @Arg('gridId', () => ID, { nullable: true }) _gridId?: string,
  ): TicketEvent {
    // one context serves the whole subscription: each event reads the ticket as it is now
    ctx.loaders.clear();
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
  @FieldResolver(() => String, {
    description: 'account:<username>, token:<name>, resource:<code>, resident or system.',
  })
  actor(@Root() e: TicketEvent) {
    // events written before sign-in existed named the resident: never show that name here
    return e.actor.startsWith('resident:') ? 'resident' : e.actor;
  }

  @FieldResolver(() => Ticket)
  ticket(@Root() e: TicketEvent, @Ctx() ctx: Context) {
    return ticketById(ctx, e.ticketPk);
  }
}
