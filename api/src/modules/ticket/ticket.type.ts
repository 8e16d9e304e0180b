import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TicketLevel } from '../category/category.type';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';
import { TICKET_STATUSES } from './ticket-status';

export const TicketStatus = Object.fromEntries(TICKET_STATUSES.map((s) => [s, s])) as {
  [K in (typeof TICKET_STATUSES)[number]]: K;
};
registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  description:
    'Where a ticket is in the closed loop 五步闭环 (collect 收集 → classify 分类 → dispatch 派单 → ' +
    'handle 处理 → feedback 反馈), or suspended 缓办, transferred 转办, rejected 驳回.',
});

export enum TicketChannel {
  QR = 'QR',
  PATROL = 'PATROL',
  HOTLINE = 'HOTLINE',
  STAFF = 'STAFF',
  OPEN311 = 'OPEN311',
}
registerEnumType(TicketChannel, {
  name: 'TicketChannel',
  description:
    'Resident QR code 扫码, grid patrol 巡查即拍即传, hotline 热线, staff 窗口, or an outside ' +
    'civic tool through Open311 GeoReport v2 (/open311/v2, not reportTicket).',
});

@ObjectType({
  implements: Node,
  description: 'A ticket (工单): one matter raised by a resident or a grid worker.',
})
export class Ticket extends Node {
  pk!: number;
  categoryCode!: string | null;
  compoundPk!: number | null;
  gridPk!: number | null;
  buildingPk!: number | null;
  communityPk!: number | null;
  lonLat!: [number, number];
  reporterName!: string | null;
  reporterPhone!: string | null;
  duplicateOfPk!: number | null;
  /** The key lists are paged by (ticket-sql.ts urgentFirstKey). */
  pageKey!: string | number | bigint;
  @Field(() => String) code!: string;
  @Field(() => TicketStatus) status!: string;
  @Field(() => TicketLevel) level!: TicketLevel;
  @Field(() => TicketChannel) channel!: TicketChannel;
  @Field(() => String, { description: 'What the reporter wrote (plain text; never HTML).' })
  description!: string;
  @Field(() => Date) reportedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Respond-by deadline (working hours).' })
  respondBy!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Resolve-by deadline (working hours).' })
  resolveBy!: Date | null;
  @Field(() => Date, { nullable: true }) acceptedAt!: Date | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Resident rating 1–5 (满意度).' })
  satisfaction!: number | null;
  @Field(() => Boolean, {
    description: 'Open, not suspended, past its resolve-by deadline (超期).',
  })
  overdue!: boolean;
  @Field(() => Boolean, {
    description:
      'Urgent (紧急) and open: an emergency by its words or its category; listed first, an hour to respond.',
  })
  urgent!: boolean;
  @Field(() => String, {
    nullable: true,
    description:
      'GAS, FIRE, LIFT, INJURY, DANGER or CATEGORY when it was reported as an emergency.',
  })
  emergencyKind!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The number the resident was told to call (119, 110 or 120).',
  })
  emergencyNumber!: string | null;
  @Field(() => Int, {
    description:
      '附议: residents who followed this ticket instead of filing, plus tickets marked as its duplicates.',
  })
  seconds!: number;
  @Field(() => Int, { description: 'Optimistic-concurrency version; grows with every change.' })
  version!: number;
}

@ObjectType({ implements: Node, description: 'One entry of a ticket’s append-only event log.' })
export class TicketEvent extends Node {
  pk!: number;
  ticketPk!: number;
  @Field(() => String, { description: 'REPORTED, ACCEPTED, DISPATCHED, ESCALATED, RESOLVED …' })
  type!: string;
  @Field(() => TicketStatus, { nullable: true }) fromStatus!: string | null;
  @Field(() => TicketStatus, { nullable: true }) toStatus!: string | null;
  actor!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => GraphQLJSON) data!: unknown;
  @Field(() => Date) at!: Date;
}

export const TicketConnection = Connection(Ticket, 'Ticket');
export const TicketEventConnection = Connection(TicketEvent, 'TicketEvent');
