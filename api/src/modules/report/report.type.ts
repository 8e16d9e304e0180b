import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

// The period figures as GraphQL types: each description states its formula, the same one
// report.sql.ts computes (periods are Beijing time, UTC+8).

@InputType({
  description:
    'A report period on Beijing time (UTC+8): exactly one of month, quarter, year, or fromDate with toDate.',
})
export class PeriodInput {
  @Field(() => String, { nullable: true, description: 'A month, YYYY-MM.' })
  month?: string | null;
  @Field(() => String, { nullable: true, description: 'A quarter, YYYY-Qn.' })
  quarter?: string | null;
  @Field(() => Int, { nullable: true, description: 'A calendar year.' })
  year?: number | null;
  @Field(() => String, { nullable: true, description: 'First day, YYYY-MM-DD (included).' })
  fromDate?: string | null;
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD (included).' })
  toDate?: string | null;
}

@ObjectType({ description: 'A period: [from, to) on Beijing time.' })
export class ReportPeriod {
  @Field(() => String, { description: 'e.g. 2026-10, 2026-Q4, 2026, 2026-10-01..2026-10-15.' })
  label!: string;
  @Field(() => Date, { description: 'Local midnight (UTC+8) of the first day.' }) from!: Date;
  @Field(() => Date, { description: 'Local midnight after the last day (excluded).' }) to!: Date;
}

@ObjectType({ description: 'A count at one rung of the ladder.' })
export class LevelCount {
  @Field(() => String, { description: 'COMPOUND, COMMUNITY, STREET or DEPARTMENT.' })
  level!: string;
  @Field(() => Int) count!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'For closed tickets: count ÷ closed (null when none closed).',
  })
  share!: number | null;
}

@ObjectType({ description: 'Tickets in a range of hours: from included, to excluded.' })
export class HoursBucket {
  @Field(() => Int) fromHours!: number;
  @Field(() => Int, { nullable: true, description: 'Null: no upper bound.' })
  toHours!: number | null;
  @Field(() => Int) count!: number;
}

@ObjectType({
  description:
    'Tickets reported in a category over the report’s period, the one before and a year ago.',
})
export class CategoryCounts {
  @Field(() => String, { nullable: true, description: 'Null: not classified yet (未分类).' })
  code!: string | null;
  @Field(() => String) name!: string;
  @Field(() => Int) current!: number;
  @Field(() => Int, { description: 'The period before (环比).' }) previous!: number;
  @Field(() => Int, { description: 'The same period a year earlier (同比).' }) lastYear!: number;
}

@ObjectType({ description: 'One cell of a heat map: its tickets’ centroid and their count.' })
export class HeatCell {
  @Field(() => Float) lon!: number;
  @Field(() => Float) lat!: number;
  @Field(() => Int) count!: number;
}

@ObjectType({
  description:
    'Tickets reported in a period, gathered by PostGIS into square cells (ST_SnapToGrid in Web Mercator metres), ' +
    'densest first (at most 5000 cells). Only tickets the viewer may read are counted.',
})
export class TicketHeat {
  @Field(() => ReportPeriod) period!: ReportPeriod;
  @Field(() => Int) cellMeters!: number;
  @Field(() => Int, { description: 'Tickets in all cells.' }) total!: number;
  @Field(() => Int, { description: 'Tickets in the densest cell (0 if none).' }) max!: number;
  @Field(() => [HeatCell]) cells!: HeatCell[];
}

@ObjectType({ description: 'Tickets reported through one channel.' })
export class ChannelCount {
  @Field(() => String, { description: 'QR (resident), PATROL (grid worker), HOTLINE, STAFF.' })
  channel!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({
  description:
    'Ticket figures over one period, computed in one SQL statement from the tickets and their events. ' +
    'Rates are 0–1, null when their denominator is 0. Hours are calendar hours.',
})
export class PeriodFigures {
  @Field(() => ReportPeriod) period!: ReportPeriod;
  @Field(() => Int, {
    description: 'Received 受理量: tickets reported in the period (duplicates included).',
  })
  received!: number;
  @Field(() => Int, { description: 'Accepted 受理: tickets accepted in the period.' })
  accepted!: number;
  @Field(() => Int, {
    description: 'Dispatched 派单: tickets dispatched in the period (a DISPATCH event), each once.',
  })
  dispatched!: number;
  @Field(() => Int, {
    description: 'Resolved 处置: tickets resolved in the period (a RESOLVE event), each once.',
  })
  resolved!: number;
  @Field(() => Int, {
    description: 'Verified 核查: tickets that passed verification in the period, each once.',
  })
  verified!: number;
  @Field(() => Int, { description: 'Closed 办结数: tickets closed in the period, each once.' })
  closed!: number;
  @Field(() => Int, {
    description:
      'Due 应结案数: tickets whose resolve-by deadline falls in the period, not rejected as duplicates nor transferred out.',
  })
  due!: number;
  @Field(() => Int, {
    description: 'Suspended 缓办数: due tickets suspended (缓办) before the period ended.',
  })
  suspendedDue!: number;
  @Field(() => Int, {
    description: 'Due tickets not suspended and closed before the period ended.',
  })
  closedDue!: number;
  @Field(() => Int, {
    description:
      'On time 按期结案数: closedDue tickets whose (last) resolution was by their resolve-by deadline.',
  })
  closedOnTime!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Resolution rate 办结率 = closedDue ÷ (due − suspendedDue).',
  })
  resolutionRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'On-time rate 按期办结率 = 按期结案数 ÷ (应结案数 − 缓办数) = closedOnTime ÷ (due − suspendedDue).',
  })
  onTimeRate!: number | null;
  @Field(() => Int, {
    description:
      'Tickets closed in the period that failed verification (返工) before the period ended.',
  })
  reworked!: number;
  @Field(() => Float, { nullable: true, description: 'Rework rate 返工率 = reworked ÷ closed.' })
  reworkRate!: number | null;
  @Field(() => Int, {
    description: 'Ratings residents gave themselves (their link) in the period.',
  })
  residentRatings!: number;
  @Field(() => Int, { description: 'Of those, ratings of 4–5.' }) residentSatisfied!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'Satisfaction 满意率 = residentSatisfied ÷ residentRatings: residents’ own ratings only; staff return visits are counted apart.',
  })
  satisfactionRate!: number | null;
  @Field(() => Int, { description: 'Return visits 回访 staff recorded in the period.' })
  returnVisits!: number;
  @Field(() => Int, { description: 'Of those, answered 4–5.' }) returnVisitsSatisfied!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Return-visit satisfaction 回访满意率 = returnVisitsSatisfied ÷ returnVisits.',
  })
  returnVisitSatisfactionRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Mean hours from report to acceptance, of the tickets accepted in the period.',
  })
  meanResponseHours!: number | null;
  @Field(() => Float, { nullable: true, description: 'Median of the same.' })
  medianResponseHours!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Mean hours from report to (last) resolution, of the tickets closed in the period.',
  })
  meanResolutionHours!: number | null;
  @Field(() => Float, { nullable: true, description: 'Median of the same.' })
  medianResolutionHours!: number | null;
  @Field(() => [HoursBucket], {
    description:
      'Time to close: the tickets closed in the period by hours from report to (last) resolution, in fixed buckets.',
  })
  resolutionHistogram!: HoursBucket[];
  @Field(() => [LevelCount], {
    description: 'Escalations in the period by the level reached (COMMUNITY, STREET, DEPARTMENT).',
  })
  escalations!: LevelCount[];
  @Field(() => [LevelCount], {
    description:
      'Tickets closed in the period by the level they stand at, with share = count ÷ closed (小事不出院落).',
  })
  closedByLevel!: LevelCount[];
  @Field(() => Int, { description: 'Tickets reopened by their residents in the period.' })
  reopened!: number;
  @Field(() => Int, {
    description: 'Tickets reported in the period and rejected as duplicates (重复件).',
  })
  duplicates!: number;
  @Field(() => [ChannelCount], { description: 'Tickets reported in the period, by channel.' })
  byChannel!: ChannelCount[];
}

@ObjectType({
  description:
    'A place’s figures over a period, against the period before (环比) and the same period a year earlier (同比). ' +
    'Only the tickets the viewer may read are counted.',
})
export class PeriodReport {
  @Field(() => String, { description: 'What was counted: the place (and category), named.' })
  subject!: string;
  @Field(() => PeriodFigures) current!: PeriodFigures;
  @Field(() => PeriodFigures, { description: 'The period just before (环比).' })
  previous!: PeriodFigures;
  @Field(() => PeriodFigures, { description: 'The same period a year earlier (同比).' })
  lastYear!: PeriodFigures;
}
