import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TICKET_STEPS, type TicketStep } from './ticket-machine';
import { Ticket, TicketChannel } from './ticket.type';

export const TicketActionEnum = Object.fromEntries(TICKET_STEPS.map((a) => [a, a])) as {
  [K in TicketStep]: K;
};
registerEnumType(TicketActionEnum, {
  name: 'TicketAction',
  description:
    'A step of the closed loop: ACCEPT 受理, DISPATCH 派单, START, RESOLVE 办结, VERIFY_PASS / ' +
    'VERIFY_FAIL 核查 (fail = rework 返工), FEEDBACK 评价, CLOSE 归档, ESCALATE 上报, TRANSFER 转办, ' +
    'SUSPEND 缓办, RESUME, REJECT_DUPLICATE 重复件, REOPEN 重新打开, CLASSIFY 分类 (taken with ' +
    'classifyTicket, which names the category).',
});

@InputType({
  description: 'A report from the QR page (resident) or a patrol (grid worker, 即拍即传).',
})
export class ReportTicketInput {
  @Field(() => String, {
    nullable: true,
    description:
      'The compound code from the QR link (/r/<code>). A patrol may leave it out and give lon/lat: ' +
      'PostGIS then takes the compound the point lies in, or the nearest within 100 m.',
  })
  compoundCode?: string;
  @Field(() => String) reporterName!: string;
  @Field(() => String, { description: 'Mobile (11 digits) or landline.' }) reporterPhone!: string;
  @Field(() => String, { description: 'What happened, up to 4,000 characters (plain text).' })
  description!: string;
  @Field(() => String, { nullable: true, description: 'Building number (楼号) in the compound.' })
  buildingNumber?: string;
  @Field(() => Float, { nullable: true, description: 'WGS84 point, if the phone shared one.' })
  lon?: number;
  @Field(() => Float, { nullable: true }) lat?: number;
  @Field(() => String, { nullable: true, description: 'Category, if the reporter chose one.' })
  categoryCode?: string;
  @Field(() => [String], {
    nullable: true,
    description: 'Keys of photos uploaded first with POST /uploads/photos (up to 9).',
  })
  photoKeys?: string[];
  @Field(() => TicketChannel, { defaultValue: TicketChannel.QR }) channel!: TicketChannel;
  @Field(() => String, {
    nullable: true,
    description:
      'PATROL: the code of the grid worker who found it (checked; staff of that grid only).',
  })
  gridWorkerCode?: string;
  @Field(() => String, {
    description:
      'Client-chosen key (8–100 chars): a retry with the same key returns the first ticket.',
  })
  idempotencyKey!: string;
}

@ObjectType()
export class ReportTicketPayload {
  @Field(() => Ticket) ticket!: Ticket;
  @Field(() => String, {
    description: 'Secret for the resident’s private follow link; shown once.',
  })
  followToken!: string;
  @Field(() => Boolean, { description: 'False when this answered a retry.' }) created!: boolean;
}

@InputType({
  description: 'One action on a ticket, applied only if the ticket is still at expectedVersion.',
})
export class TicketActionInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => Int, { description: 'The version you saw; a stale one gets CONFLICT.' })
  expectedVersion!: number;
  @Field(() => TicketActionEnum) action!: TicketStep;
  @Field(() => String, { nullable: true }) reason?: string;
  @Field(() => Int, { nullable: true, description: 'FEEDBACK: 1–5.' }) rating?: number;
  @Field(() => ID, { nullable: true, description: 'REJECT_DUPLICATE: the original ticket.' })
  duplicateOfId?: string;
  @Field(() => [ID], { nullable: true, description: 'DISPATCH: the resources sent (one or more).' })
  resourceIds?: string[];
  @Field(() => [String], {
    nullable: true,
    description: 'RESOLVE: photos of the result (uploaded first).',
  })
  photoKeys?: string[];
}

export enum ReturnVisitChannel {
  PHONE = 'PHONE',
  VISIT = 'VISIT',
}
registerEnumType(ReturnVisitChannel, {
  name: 'ReturnVisitChannel',
  description: 'How staff asked the resident: by phone 电话回访 or in person 上门回访.',
});

@InputType({
  description:
    'A return visit 回访: staff asked the resident how the work was done. Recorded apart from ' +
    'the resident’s own rating, which stays theirs to give through their link.',
})
export class ReturnVisitInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => ReturnVisitChannel) channel!: ReturnVisitChannel;
  @Field(() => Int, { description: 'The resident’s answer, 1–5.' }) rating!: number;
  @Field(() => String, { nullable: true, description: 'Up to 500 characters.' }) note?: string;
}

@ObjectType({
  description: 'A category the classifier suggests for a text, with its confidence (0–1).',
})
export class CategorySuggestion {
  @Field(() => String) categoryCode!: string;
  @Field(() => Float) confidence!: number;
}

@InputType({ description: 'Staff confirm or change a ticket’s category (分类).' })
export class ClassifyTicketInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => String) categoryCode!: string;
}

@ObjectType({ description: 'A photo attached to a ticket (即拍即传).' })
export class Photo {
  ticketPk!: number;
  @Field(() => String, { description: 'The full photo, e.g. /photos/<key>.' }) url!: string;
  @Field(() => String, { description: 'A 320 px JPEG thumbnail for the map panel.' })
  thumbnailUrl!: string;
  @Field(() => String) contentType!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
}
