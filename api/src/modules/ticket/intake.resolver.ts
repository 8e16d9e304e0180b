import { sql } from 'drizzle-orm';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ticketScope } from '../../auth/policy';
import type { Context } from '../../graphql/context';
import { expectId } from '../../graphql/ids';
import { suggestCategory } from './classifier';
import { adviseReport, followExisting, nearbyOpenTickets } from './intake.service';
import {
  DuplicateCandidate,
  FollowExistingInput,
  FollowExistingPayload,
  ReportAdvice,
} from './intake.type';
import { ticketById } from './ticket.repo';
import { Ticket } from './ticket.type';

@Resolver(() => Ticket)
export class IntakeResolver {
  @Query(() => ReportAdvice, {
    description:
      'For the QR page while the resident types: an emergency number to call now, the suggested ' +
      'category, and open tickets of it nearby (已有人反映) they may follow instead of filing.',
  })
  async reportAdvice(
    @Ctx() ctx: Context,
    @Arg('compoundCode', () => String) compoundCode: string,
    @Arg('text', () => String) text: string,
    @Arg('buildingNumber', () => String, { nullable: true }) buildingNumber?: string,
    @Arg('categoryCode', () => String, { nullable: true }) categoryCode?: string,
  ) {
    const advice = await adviseReport(
      ctx.database,
      { compoundCode, buildingNumber, text, categoryCode },
      ctx.now(),
    );
    const tickets = await Promise.all(advice.existing.map((e) => ticketById(ctx, e.ticketId)));
    return {
      ...advice,
      existing: advice.existing.flatMap((e, i) => {
        const ticket = tickets[i];
        return ticket
          ? [
              {
                pk: ticket.pk,
                id: ticket.id,
                code: ticket.code,
                categoryCode: ticket.categoryCode!,
                status: ticket.status,
                reportedAt: ticket.reportedAt,
                distanceM: e.distanceM,
                seconds: ticket.seconds,
              },
            ]
          : [];
      }),
    };
  }

  @Mutation(() => FollowExistingPayload, {
    description:
      '附议: follow an open ticket reportAdvice offered instead of filing a new one. The answer is ' +
      'the resident’s own private link to it; the ticket’s 附议 count grows.',
  })
  async followExistingTicket(
    @Ctx() ctx: Context,
    @Arg('input', () => FollowExistingInput) input: FollowExistingInput,
  ) {
    const ticketId = expectId(input.ticketId, 'Ticket', 'ticketId');
    const followed = await followExisting(ctx.database, { ...input, ticketId }, ctx.now());
    // a follower reads the ticket as through their link: not the reporter's name or phone
    ctx.auth.grant(ticketId, false);
    return { ticket: await ticketById(ctx, ticketId), followToken: followed.followToken };
  }

  @FieldResolver(() => [DuplicateCandidate], {
    description:
      'Likely duplicates for staff: open tickets of its category (or the suggested one) within the ' +
      'category’s radius, reported in the last 30 days, nearest first; only those you may read.',
  })
  async likelyDuplicates(@Root() ticket: Ticket, @Ctx() ctx: Context) {
    const code = ticket.categoryCode ?? suggestCategory(ticket.description).top.categoryCode;
    const near = await nearbyOpenTickets(
      ctx.database,
      sql`(SELECT location FROM tickets WHERE id = ${ticket.pk})`,
      code,
      ctx.now(),
      { excludeId: ticket.pk, only: ticketScope(ctx.auth.viewer, ctx.now()) },
    );
    const found = await Promise.all(near.map((n) => ticketById(ctx, n.ticketId)));
    return near.flatMap((n, i) => (found[i] ? [{ ticket: found[i], distanceM: n.distanceM }] : []));
  }

  @FieldResolver(() => Ticket, {
    nullable: true,
    description: 'The original, when this was marked as its duplicate: follow that one.',
  })
  duplicateOf(@Root() ticket: Ticket, @Ctx() ctx: Context) {
    if (ticket.duplicateOfPk === null) return null;
    // the duplicate's reporter is told where to follow: their link reads the original too
    if (ctx.auth.isGranted(ticket.pk)) ctx.auth.grant(ticket.duplicateOfPk, false);
    return ticketById(ctx, ticket.duplicateOfPk);
  }
}
