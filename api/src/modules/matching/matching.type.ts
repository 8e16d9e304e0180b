import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../node/node.type';
import { Resource } from '../resource/resource.type';
import { Ticket } from '../ticket/ticket.type';

export enum AssignmentStatus {
  OFFERED = 'OFFERED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  RELEASED = 'RELEASED',
}
registerEnumType(AssignmentStatus, {
  name: 'AssignmentStatus',
  description:
    'OFFERED: waiting for the resource to answer; ACCEPTED: it took the ticket (resources that ' +
    'may not decline take it at once); DECLINED: it declined and is not offered this ticket again; ' +
    'RELEASED: an earlier round, before the ticket was dispatched afresh.',
});

export enum DispatchAnswer {
  TAKE = 'TAKE',
  DECLINE = 'DECLINE',
}
registerEnumType(DispatchAnswer, {
  name: 'DispatchAnswer',
  description: 'A resource’s answer to a dispatch: take it (接单) or decline it (拒单).',
});

@ObjectType({ implements: Node, description: 'One resource sent to one ticket (派单).' })
export class TicketAssignment extends Node {
  pk!: number;
  ticketPk!: number;
  resourcePk!: number;
  @Field(() => AssignmentStatus) status!: AssignmentStatus;
  @Field(() => String, { description: 'Who dispatched.' }) assignedBy!: string;
  @Field(() => Date) assignedAt!: Date;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
  @Field(() => String, { nullable: true }) declineReason!: string | null;
}

@ObjectType({ description: 'Points each component gave to the score (out of 100 in all).' })
export class ScorePoints {
  @Field(() => Float, { description: 'Available now: 50, else 0 — a tier of its own.' })
  availability!: number;
  @Field(() => Float, { description: 'Up to 15 × share of the needed capabilities.' })
  capability!: number;
  @Field(() => Float, { description: 'Up to 12: 12 / (1 + km).' }) distance!: number;
  @Field(() => Float, { description: 'Claimed zone 8, else inside its service area 4.' })
  zone!: number;
  @Field(() => Float, { description: 'Up to 7 × free share of capacity.' }) load!: number;
  @Field(() => Float, {
    description:
      'Up to 8 × (on-time rate + satisfaction) / 2; a neutral 4 below 5 finished tickets.',
  })
  record!: number;
}

@ObjectType({ description: 'A resource’s past record on finished tickets.' })
export class MatchRecord {
  @Field(() => Int, { description: 'Finished tickets it handled.' }) sample!: number;
  @Field(() => Boolean, { description: 'Whether the sample is large enough to count (≥ 5).' })
  counts!: boolean;
  @Field(() => Float, { nullable: true }) onTimeRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean resident rating 1–5.' })
  satisfaction!: number | null;
}

@ObjectType({ description: 'A candidate for a ticket, with every component of its score.' })
export class ResourceMatch {
  resourcePk!: number;
  ticketPk!: number;
  @Field(() => Resource) resource!: Resource;
  @Field(() => Float, { description: 'Out of 100; higher is better.' }) score!: number;
  @Field(() => ScorePoints) points!: ScorePoints;
  @Field(() => Float, {
    nullable: true,
    description: 'Share of the category’s capabilities it has (null: ticket not classified).',
  })
  capabilityFit!: number | null;
  @Field(() => [String]) matchedCapabilities!: string[];
  @Field(() => Float, { description: 'From the resource to the ticket, on the sphere.' })
  distanceMeters!: number;
  @Field(() => Boolean, { description: 'It claimed the ticket’s grid or compound (认领).' })
  inClaimedZone!: boolean;
  @Field(() => Boolean) inServiceArea!: boolean;
  @Field(() => Int, { description: 'Open tickets it holds now.' }) load!: number;
  @Field(() => Int) capacity!: number;
  @Field(() => Boolean) availableNow!: boolean;
  @Field(() => Date, { nullable: true, description: 'Now, or when it next works.' })
  nextAvailableAt!: Date | null;
  @Field(() => MatchRecord) record!: MatchRecord;
}

export enum UnplannedReason {
  NEEDS_CATEGORY = 'NEEDS_CATEGORY',
  NO_CANDIDATE = 'NO_CANDIDATE',
}
registerEnumType(UnplannedReason, {
  name: 'UnplannedReason',
  description: 'NEEDS_CATEGORY: classify it first; NO_CANDIDATE: no capable resource with room.',
});

@ObjectType({ description: 'A proposed dispatch of a grid plan.' })
export class PlannedDispatch {
  @Field(() => Ticket) ticket!: Ticket;
  @Field(() => Int, { description: 'Pass back to applyDispatchPlan.' }) expectedVersion!: number;
  @Field(() => Boolean, { description: 'The ticket is REPORTED: applying accepts it first.' })
  acceptsFirst!: boolean;
  @Field(() => ResourceMatch) match!: ResourceMatch;
}

@ObjectType({ description: 'A ticket the plan could not place, and why.' })
export class UnplannedTicket {
  @Field(() => Ticket) ticket!: Ticket;
  @Field(() => UnplannedReason) reason!: UnplannedReason;
}

@ObjectType({ description: 'Proposals for every undispatched open ticket of a grid.' })
export class DispatchPlan {
  @Field(() => [PlannedDispatch]) items!: PlannedDispatch[];
  @Field(() => [UnplannedTicket]) unplanned!: UnplannedTicket[];
}

@InputType({ description: 'Send resources to a ticket, only if it is still at expectedVersion.' })
export class DispatchTicketInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => [ID], { description: 'One or more resources (up to 20).' }) resourceIds!: string[];
  @Field(() => String, { nullable: true }) reason?: string;
}

@InputType({ description: 'A resource answers the dispatch offered to it.' })
export class AnswerDispatchInput {
  @Field(() => ID) assignmentId!: string;
  @Field(() => DispatchAnswer) answer!: DispatchAnswer;
  @Field(() => String, { nullable: true, description: 'Required to decline.' }) reason?: string;
}

@InputType({ description: 'One dispatch of a plan that staff keep.' })
export class PlanItemInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => Int) expectedVersion!: number;
  @Field(() => [ID]) resourceIds!: string[];
}

@InputType({ description: 'The dispatches of a plan to apply, all or nothing.' })
export class ApplyDispatchPlanInput {
  @Field(() => [PlanItemInput]) items!: PlanItemInput[];
}

@ObjectType({ description: 'Demand for a category in a community (需求清单).' })
export class CategoryDemand {
  categoryCode!: string;
  @Field(() => Int, { description: 'Not yet resolved.' }) openTickets!: number;
  @Field(() => Int, { description: 'Reported in the last 90 days.' }) last90Days!: number;
}

@ObjectType({ description: 'Resources able to take a category in a community (资源清单).' })
export class CategorySupply {
  categoryCode!: string;
  @Field(() => Int) resourceCount!: number;
  @Field(() => Float, {
    description: 'Open tickets they can hold; shared resources count with their share.',
  })
  capacity!: number;
  @Field(() => Float, { description: 'Capacity not taken by open tickets now.' })
  freeCapacity!: number;
}

@ObjectType({ description: 'What resources serving a community offer (服务清单).' })
export class ServiceOffer {
  @Field(() => String) capability!: string;
  @Field(() => Int) resourceCount!: number;
  @Field(() => Float) capacity!: number;
}

@ObjectType({ description: 'Demand against free capacity for a category.' })
export class CategoryGap {
  categoryCode!: string;
  @Field(() => Int) openTickets!: number;
  @Field(() => Float) freeCapacity!: number;
  @Field(() => Float, { description: 'openTickets − freeCapacity: above 0 is a shortfall.' })
  gap!: number;
}

@ObjectType({ description: 'A community’s three lists (三清单) and the gap per category.' })
export class CommunityLists {
  communityPk!: number;
  @Field(() => [CategoryDemand], { description: 'Categories with any demand, most open first.' })
  demand!: CategoryDemand[];
  @Field(() => [CategorySupply], { description: 'Categories some resource can take.' })
  resources!: CategorySupply[];
  @Field(() => [ServiceOffer], { description: 'Capabilities on offer, most resources first.' })
  services!: ServiceOffer[];
  @Field(() => [CategoryGap], { description: 'Every category, largest gap first.' })
  gaps!: CategoryGap[];
  @Field(() => Float, { description: 'Sum of the positive gaps (for colouring a map).' })
  shortfall!: number;
}
