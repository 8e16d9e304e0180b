import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'Ticket figures of a place, computed in SQL as of now. Rates are 0–1, null when nothing counts yet.',
})
export class PlaceStats {
  @Field(() => Int, { description: 'All tickets ever placed here.' }) totalTickets!: number;
  @Field(() => Int, { description: 'Open: not closed, rejected or transferred (未办结).' })
  openTickets!: number;
  @Field(() => Int, {
    description: 'Open, not suspended, and past the resolve-by deadline (超期).',
  })
  overdueTickets!: number;
  @Field(() => Int, { description: 'Closed (办结).' }) closedTickets!: number;
  @Field(() => Int, { description: 'Suspended (缓办), excluded from rates.' })
  suspendedTickets!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'Resolution rate 办结率 = closed ÷ (due − suspended); due = closed or past deadline.',
  })
  resolutionRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'On-time rate 按期办结率 = closed by the resolve-by deadline ÷ closed.',
  })
  onTimeRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Satisfaction rate 满意率 = residents’ own ratings of 4–5 ÷ tickets rated by their residents ' +
      '(staff return visits are counted apart).',
  })
  satisfactionRate!: number | null;
  @Field(() => Int, { description: 'Return visits 回访 staff recorded (by phone or in person).' })
  returnVisits!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'Return-visit satisfaction 回访满意率 = return visits answered 4–5 ÷ return visits.',
  })
  returnVisitSatisfactionRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Rework rate 返工率 = closed tickets that failed verification at least once ÷ closed.',
  })
  reworkRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Mean hours from report to acceptance (响应时长).',
  })
  meanResponseHours!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Mean hours from report to resolution (办理时长).',
  })
  meanResolutionHours!: number | null;
}

@ObjectType({ description: 'The figures of one ticket category (事项分类) in a region.' })
export class CategoryFigures {
  @Field(() => String) categoryCode!: string;
  @Field(() => String) categoryName!: string;
  @Field(() => PlaceStats) stats!: PlaceStats;
}
