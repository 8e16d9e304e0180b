import { Field, Float, Int, ObjectType } from 'type-graphql';

// The monthly assessment (月度考评) as GraphQL: the same document whether computed now or read
// back as it was kept, so instants are ISO strings as stored.

@ObjectType({ description: 'The unit assessed: a district, street or community.' })
export class AssessmentUnit {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) level!: string;
}

@ObjectType({ description: 'The month assessed, [from, to) on Beijing time, ISO instants.' })
export class AssessmentPeriod {
  @Field(() => String, { description: 'YYYY-MM' }) label!: string;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
}

@ObjectType({ description: 'One row of the indicator table, with its formula stated.' })
export class AssessmentIndicator {
  @Field(() => String, { description: 'The PeriodFigures field (or compoundShare, escalations).' })
  key!: string;
  @Field(() => String, { description: 'Chinese name, e.g. 按期办结率.' }) name!: string;
  @Field(() => String, { description: 'How it is computed, in Chinese.' }) formula!: string;
  @Field(() => String, { description: '% (a 0–1 rate), 件, 次 or 小时.' }) unit!: string;
  @Field(() => Float, { nullable: true }) current!: number | null;
  @Field(() => Float, { nullable: true, description: 'The month before (环比).' })
  previous!: number | null;
  @Field(() => Float, { nullable: true, description: 'The same month a year before (同比).' })
  lastYear!: number | null;
}

@ObjectType({ description: 'A unit below the one assessed, ranked or marked 样本不足.' })
export class RankedUnit {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) received!: number;
  @Field(() => Int) closed!: number;
  @Field(() => Float, { nullable: true }) resolutionRate!: number | null;
  @Field(() => Float, { nullable: true }) onTimeRate!: number | null;
  @Field(() => Float, { nullable: true }) satisfactionRate!: number | null;
  @Field(() => Int, { nullable: true, description: 'Null when not ranked (see note).' })
  rank!: number | null;
  @Field(() => String, { nullable: true, description: '样本不足: fewer closed than minClosed.' })
  note!: string | null;
}

@ObjectType({ description: 'A category with more tickets reported than the month before.' })
export class GrownCategory {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) received!: number;
  @Field(() => Int) previousReceived!: number;
  @Field(() => Int) change!: number;
}

@ObjectType({
  description: 'A ticket overdue at the end of the month, with its owner (首问负责人).',
})
export class AssessmentOverdueTicket {
  @Field(() => String) code!: string;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => String, { nullable: true }) compound!: string | null;
  @Field(() => String) level!: string;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field(() => String, { description: 'Beijing time, YYYY-MM-DD HH:MM.' }) resolveBy!: string;
  @Field(() => Float, { description: 'Hours past the deadline at the month’s end.' })
  hoursOverdue!: number;
}

@ObjectType({
  description:
    'The monthly assessment 月度考评 of a district, street or community: cover, indicator table with formulas, ' +
    'rankings of the units below (fewer than minClosed closed: 样本不足, not ranked; tie-break stated), ' +
    'categories that grew and tickets overdue at the month’s end.',
})
export class MonthlyAssessment {
  @Field(() => AssessmentUnit) unit!: AssessmentUnit;
  @Field(() => AssessmentPeriod) period!: AssessmentPeriod;
  @Field(() => String, { description: 'When it was computed (ISO instant).' }) generatedAt!: string;
  @Field(() => Int, { description: 'Closed tickets a unit needs to be ranked.' })
  minClosed!: number;
  @Field(() => String, { description: 'The ranking order and tie-break, in Chinese.' })
  tieBreak!: string;
  @Field(() => [AssessmentIndicator]) indicators!: AssessmentIndicator[];
  @Field(() => [RankedUnit]) rankings!: RankedUnit[];
  @Field(() => [GrownCategory]) categoriesGrown!: GrownCategory[];
  @Field(() => [AssessmentOverdueTicket], {
    description: 'Overdue at the month’s end, longest overdue first, up to 200.',
  })
  overdue!: AssessmentOverdueTicket[];
}

@ObjectType({ description: 'A change between a kept version and the one before it.' })
export class AssessmentChange {
  @Field(() => String, { description: 'e.g. indicators[onTimeRate].current' }) path!: string;
  @Field(() => String, { nullable: true }) before!: string | null;
  @Field(() => String, { nullable: true }) after!: string | null;
}

@ObjectType({
  description:
    'An assessment kept as it was generated for a closed month (later edits to tickets do not change it).',
})
export class StoredAssessment {
  @Field(() => Int) version!: number;
  @Field(() => Date) generatedAt!: Date;
  @Field(() => String) generatedBy!: string;
  @Field(() => MonthlyAssessment) assessment!: MonthlyAssessment;
  @Field(() => [AssessmentChange], {
    description: 'What changed since the version before (up to 200 values).',
  })
  changes!: AssessmentChange[];
}
