import { mayHearNotice } from '../../auth/policy';
import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { forbidden } from '../../auth/guard';
import { personOf } from '../../auth/viewer';
import { notFound } from '../../errors';
import type { Context } from '../../graphql/context';
import { expectId } from '../../graphql/ids';
import type { Notice as NoticeMessage } from '../../notify/notifier';
import { myResource, offerById, offersOf, recordOf, registrationCommunity } from './people.repo';
import {
  acceptInvitation,
  answerOffer,
  approvePartyMember,
  finishOffer,
  invitation,
  invite,
  registerPartyMember,
  rejectPartyMember,
  setAvailability,
} from './people.service';
import {
  AnswerOfferInput,
  AvailabilityInput,
  FinishOfferInput,
  Invitation,
  InviteInput,
  IssuedInvitation,
  MyResource,
  Notice,
  Offer,
  PartyMemberRegistration,
  RegisterPartyMemberInput,
  RegistrationCommunity,
  ResourceRecord,
} from './people.type';

/** The resource the signed-in account works for (the policy let only such accounts in). */
function ownResource(ctx: Context): number {
  const pk = ctx.auth.viewer.account?.resourcePk;
  if (!pk) throw forbidden('NOT_A_RESOURCE', 'only a resource’s own account has offers');
  return pk;
}

async function offer(ctx: Context, pk: number) {
  const found = await offerById(ctx.database, pk);
  if (!found) throw notFound('offer');
  return found;
}

@Resolver()
export class PeopleResolver {
  @Query(() => [Offer], {
    description:
      'The dispatches sent to the resource this account works for: waiting ones first, then ' +
      'taken ones, newest first (at most 200).',
  })
  myOffers(
    @Ctx() ctx: Context,
    @Arg('openOnly', () => Boolean, { defaultValue: false }) openOnly: boolean,
  ) {
    return offersOf(ctx.database, ownResource(ctx), openOnly);
  }

  @Query(() => ResourceRecord, { description: 'Services done, hours and ratings (服务记录).' })
  myRecord(@Ctx() ctx: Context) {
    return recordOf(ctx.database, ownResource(ctx));
  }

  @Query(() => MyResource, { description: 'The resource this account works for.' })
  myResource(@Ctx() ctx: Context) {
    return myResource(ctx.database, ownResource(ctx));
  }

  @Mutation(() => Offer, {
    description:
      'Take (接单) or decline (拒单, with a reason) an offer sent to your resource, as staff ' +
      'record it for resources without an account (answerDispatch).',
  })
  async answerOffer(
    @Ctx() ctx: Context,
    @Arg('input', () => AnswerOfferInput) input: AnswerOfferInput,
  ) {
    const pk = expectId(input.offerId, 'TicketAssignment', 'input.offerId');
    await answerOffer(ctx.database, {
      offerPk: pk,
      answer: input.answer,
      reason: input.reason ?? null,
      actor: personOf(ctx.auth.viewer),
      now: ctx.now(),
    });
    return offer(ctx, pk);
  }

  @Mutation(() => Offer, {
    description:
      'Report a taken offer done with photos and a note: the ticket is resolved by your account ' +
      'and waits for staff to verify it; the hours count in your record.',
  })
  async finishOffer(
    @Ctx() ctx: Context,
    @Arg('input', () => FinishOfferInput) input: FinishOfferInput,
  ) {
    const pk = expectId(input.offerId, 'TicketAssignment', 'input.offerId');
    await finishOffer(ctx.database, {
      offerPk: pk,
      note: input.note,
      photoKeys: input.photoKeys,
      hours: input.hours,
      actor: personOf(ctx.auth.viewer),
      now: ctx.now(),
    });
    return offer(ctx, pk);
  }

  @Mutation(() => MyResource, {
    description: 'Set your resource’s weekly hours and service days (matching reads them).',
  })
  async setMyAvailability(
    @Ctx() ctx: Context,
    @Arg('input', () => AvailabilityInput) input: AvailabilityInput,
  ) {
    const resourcePk = ownResource(ctx);
    await setAvailability(ctx.database, { resourcePk, ...input });
    return myResource(ctx.database, resourcePk);
  }

  @Mutation(() => IssuedInvitation, {
    description:
      'Invite the person of a resource in your jurisdiction (volunteer team, party member, social ' +
      'organisation, partner) to an account: a one-time link to set a password, shown once.',
  })
  inviteResourceAccount(@Ctx() ctx: Context, @Arg('input', () => InviteInput) input: InviteInput) {
    return invite(ctx.database, {
      resourcePk: expectId(input.resourceId, 'Resource', 'input.resourceId'),
      username: input.username,
      displayName: input.displayName,
      expiresInHours: input.expiresInHours,
      invitedBy: personOf(ctx.auth.viewer),
      now: ctx.now(),
    });
  }

  @Query(() => Invitation, {
    description: 'What an invitation link is for; BAD_USER_INPUT once used or expired.',
  })
  invitation(@Ctx() ctx: Context, @Arg('token', () => String) token: string) {
    return invitation(ctx.database, token, ctx.now());
  }

  @Mutation(() => String, {
    description:
      'Set the password through an invitation link (once); answers the username to sign in with.',
  })
  async acceptInvitation(
    @Ctx() ctx: Context,
    @Arg('token', () => String) token: string,
    @Arg('password', () => String) password: string,
  ) {
    return (await acceptInvitation(ctx.database, token, password, ctx.now())).username;
  }

  @Query(() => RegistrationCommunity, {
    description:
      'The community a party member registers at (双报到, /v/register?community=<code>): its ' +
      'outline and the grids and compounds to claim, without sign-in.',
  })
  async registrationCommunity(@Ctx() ctx: Context, @Arg('code', () => String) code: string) {
    const found = await registrationCommunity(ctx.database, code);
    if (!found) throw notFound('community');
    return found;
  }

  @Mutation(() => PartyMemberRegistration, {
    description:
      '双报到: a party member registers at a community with the zone they claim; the resource ' +
      'waits for the community’s approval and is never dispatched before.',
  })
  async registerPartyMember(
    @Ctx() ctx: Context,
    @Arg('input', () => RegisterPartyMemberInput) input: RegisterPartyMemberInput,
  ) {
    const { code } = await registerPartyMember(ctx.database, {
      ...input,
      now: ctx.now(),
      from: ctx.session?.client ?? 'unknown',
    });
    return { code, approved: false };
  }

  @Mutation(() => PartyMemberRegistration, {
    description:
      'Turn down a party member’s registration (双报到) in your jurisdiction, with the reason: ' +
      'it is retired, never dispatched, and no longer waits.',
  })
  async rejectPartyMember(
    @Ctx() ctx: Context,
    @Arg('resourceId', () => ID) resourceId: string,
    @Arg('reason', () => String) reason: string,
  ) {
    const pk = expectId(resourceId, 'Resource', 'resourceId');
    await rejectPartyMember(ctx.database, pk, reason, ctx.now());
    const { code } = await myResource(ctx.database, pk);
    return { code, approved: false };
  }

  @Mutation(() => PartyMemberRegistration, {
    description: 'Approve a party member’s registration (双报到) in your jurisdiction.',
  })
  async approvePartyMember(@Ctx() ctx: Context, @Arg('resourceId', () => ID) resourceId: string) {
    const pk = expectId(resourceId, 'Resource', 'resourceId');
    await approvePartyMember(ctx.database, pk);
    const { code } = await myResource(ctx.database, pk);
    return { code, approved: true };
  }

  @Subscription(() => Notice, {
    topics: 'NOTICE',
    description:
      'Live notices for your resource: offers sent to it, tickets it holds moving on. The same ' +
      'notices can go to SMS or WeChat through a notifier the deployer adds (api/src/notify).',
    filter: ({ payload, context }: { payload: NoticeMessage; context: Context }) =>
      mayHearNotice(context.auth.viewer, payload.resourcePk, context.now()),
  })
  myNotices(@Root() notice: NoticeMessage): NoticeMessage {
    return notice;
  }
}
