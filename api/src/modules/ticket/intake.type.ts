import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Ticket } from './ticket.type';

@ObjectType({
  description:
    'An emergency (紧急情况): the resident is told to call this number before anything else; the ' +
    'report is still filed, urgent, with an hour to respond.',
})
export class EmergencyAdvice {
  @Field(() => String, { description: 'GAS, FIRE, LIFT, INJURY, DANGER or CATEGORY.' })
  kind!: string;
  @Field(() => String, { description: '119 (fire, gas, lift), 120 (injury) or 110 (danger).' })
  number!: string;
}

@ObjectType({
  description:
    '已有人反映: an open ticket of the same category near this compound. Nothing personal and no ' +
    'text: only what lets a resident recognise it and follow it.',
})
export class ExistingReport {
  pk!: number;
  @Field(() => ID, { description: 'The ticket to follow (followExistingTicket).' }) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) categoryCode!: string;
  @Field(() => String) status!: string;
  @Field(() => Date) reportedAt!: Date;
  @Field(() => Float, { description: 'Metres from the resident’s building or compound.' })
  distanceM!: number;
  @Field(() => Int, { description: '附议: residents already following it.' }) seconds!: number;
}

@ObjectType({ description: 'What the QR page tells a resident while they type.' })
export class ReportAdvice {
  @Field(() => EmergencyAdvice, { nullable: true }) emergency!: EmergencyAdvice | null;
  @Field(() => String, {
    nullable: true,
    description: 'The suggested category (or the one chosen); null before there is any text.',
  })
  categoryCode!: string | null;
  @Field(() => Float) confidence!: number;
  @Field(() => [ExistingReport], { description: 'Nearest first, at most 5.' })
  existing!: ExistingReport[];
}

@InputType({ description: '附议: follow an existing ticket instead of filing a new one.' })
export class FollowExistingInput {
  @Field(() => ID, { description: 'An ExistingReport’s id from reportAdvice.' }) ticketId!: string;
  @Field(() => String) compoundCode!: string;
  @Field(() => String, { nullable: true }) buildingNumber?: string;
  @Field(() => String, { description: 'The category reportAdvice matched on.' })
  categoryCode!: string;
  @Field(() => String) reporterName!: string;
  @Field(() => String) reporterPhone!: string;
  @Field(() => String, { description: 'One per attempt: a retry follows once.' })
  idempotencyKey!: string;
}

@ObjectType()
export class FollowExistingPayload {
  @Field(() => Ticket) ticket!: Ticket;
  @Field(() => String, { description: 'The resident’s own private link token (/f/<token>).' })
  followToken!: string;
}

@ObjectType({ description: 'A likely duplicate of a ticket: same category, near, recent, open.' })
export class DuplicateCandidate {
  @Field(() => Ticket) ticket!: Ticket;
  @Field(() => Float, { description: 'Metres between the two.' }) distanceM!: number;
}
