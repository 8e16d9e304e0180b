import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ticketScope } from '../../auth/policy';
import { actorOf } from '../../auth/viewer';
import { badInput } from '../../errors';
import { expectId } from '../../graphql/ids';
import { buildAssessment, generateAssessment, storedAssessments } from './assessment';
import { MonthlyAssessment, StoredAssessment } from './assessment.type';
import type { Context } from '../../graphql/context';
import { parsePeriod } from './period';
import { reportPlaceKey } from './report.ids';
import { Crs, inCrs } from '../../graphql/geometry';
import {
  categoryBreakdown,
  countedTickets,
  HEAT_CELL_METERS,
  periodReport,
  placeOf,
  ticketHeat,
  type PeriodReportData,
  type PlaceKind,
} from './report.service';
import { CategoryCounts, PeriodInput, PeriodReport, TicketHeat } from './report.type';

@Resolver(() => PeriodReport)
export class ReportResolver {
  @Query(() => PeriodReport, {
    description:
      'Figures over a period (统计报表) for a place (district, street, community, grid, compound, property company, ' +
      'resource or department) and/or a category, against the period before and the same period a year earlier. ' +
      'A community sees its own, a street its communities, the district everything; only tickets the viewer may read count.',
  })
  async periodReport(
    @Ctx() ctx: Context,
    @Arg('period', () => PeriodInput) period: PeriodInput,
    @Arg('placeId', () => ID, {
      nullable: true,
      description: 'Absent: everywhere the viewer may read.',
    })
    placeId?: string | null,
    @Arg('categoryCode', () => String, { nullable: true }) categoryCode?: string | null,
  ): Promise<PeriodReport> {
    const p = parsePeriod(period);
    const { where, subject } = await counted(ctx, placeId, categoryCode);
    return periodReport(ctx.database, subject, where, p);
  }

  @FieldResolver(() => [CategoryCounts], {
    description:
      'Tickets received by category (未分类: not classified yet), most in the period first, with the period before and a year ago.',
  })
  byCategory(@Ctx() ctx: Context, @Root() report: PeriodReportData) {
    return categoryBreakdown(ctx.database, report.counted);
  }

  @Query(() => TicketHeat, {
    description:
      'A heat map of the tickets reported in a period for a place (and/or a category), as cells PostGIS counts; ' +
      'only tickets the viewer may read count, and the place must be the viewer’s to report on, as for periodReport.',
  })
  async ticketHeat(
    @Ctx() ctx: Context,
    @Arg('period', () => PeriodInput) period: PeriodInput,
    @Arg('placeId', () => ID, {
      nullable: true,
      description: 'Absent: everywhere the viewer may read.',
    })
    placeId?: string | null,
    @Arg('categoryCode', () => String, { nullable: true }) categoryCode?: string | null,
    @Arg('cellMeters', () => Int, {
      nullable: true,
      description: `Cell side in Web Mercator metres, ${HEAT_CELL_METERS.min}–${HEAT_CELL_METERS.max} (default ${HEAT_CELL_METERS.default}).`,
    })
    cellMeters?: number | null,
    @Arg('crs', () => Crs, { defaultValue: Crs.WGS84 }) crs: Crs = Crs.WGS84,
  ): Promise<TicketHeat> {
    const p = parsePeriod(period);
    const { where } = await counted(ctx, placeId, categoryCode);
    const heat = await ticketHeat(ctx.database, where, p, cellMeters ?? undefined);
    const cells = heat.cells.map((c) => {
      const [lon, lat] = inCrs({ type: 'Point', coordinates: [c.lon, c.lat] }, crs).coordinates;
      return { lon: lon!, lat: lat!, count: c.count };
    });
    return { ...heat, cells, period: { label: p.label, from: p.from, to: p.to } };
  }

  @Query(() => MonthlyAssessment, {
    description:
      'The monthly assessment 月度考评 of a district, street or community, computed now (only tickets the viewer may read).',
  })
  monthlyAssessment(
    @Ctx() ctx: Context,
    @Arg('regionId', () => ID) regionId: string,
    @Arg('month', () => String, { description: 'YYYY-MM (Beijing time).' }) month: string,
    @Arg('minClosed', () => Int, {
      nullable: true,
      description: 'Closed tickets a unit needs to be ranked (default 5).',
    })
    minClosed?: number | null,
  ) {
    const pk = expectId(regionId, 'Region', 'regionId');
    const scope = ticketScope(ctx.auth.viewer, ctx.now());
    return buildAssessment(ctx.database, pk, month, scope, ctx.now(), minClosedOf(minClosed));
  }

  @Query(() => [StoredAssessment], {
    description:
      'The kept versions of a region’s assessment for a month (the latest 20), oldest first, each with what changed.',
  })
  async storedAssessments(
    @Ctx() ctx: Context,
    @Arg('regionId', () => ID) regionId: string,
    @Arg('month', () => String) month: string,
  ) {
    const pk = expectId(regionId, 'Region', 'regionId');
    const kept = await storedAssessments(ctx.database, pk, month);
    return kept.map(({ content, ...rest }) => ({ ...rest, assessment: content }));
  }

  @Mutation(() => StoredAssessment, {
    description:
      'Generate the assessment of a closed month and keep it as it is now (a new version each time; the answer lists what changed).',
  })
  async generateMonthlyAssessment(
    @Ctx() ctx: Context,
    @Arg('regionId', () => ID) regionId: string,
    @Arg('month', () => String) month: string,
    @Arg('minClosed', () => Int, { nullable: true }) minClosed?: number | null,
  ) {
    const pk = expectId(regionId, 'Region', 'regionId');
    const scope = ticketScope(ctx.auth.viewer, ctx.now());
    const { content, ...rest } = await generateAssessment(
      ctx.database,
      pk,
      month,
      scope,
      ctx.now(),
      actorOf(ctx.auth.viewer),
      minClosedOf(minClosed),
    );
    return { ...rest, assessment: content };
  }
}

const minClosedOf = (value: number | null | undefined) => {
  if (value != null && !(Number.isInteger(value) && value >= 1 && value <= 1000))
    throw badInput('minClosed', 'OUT_OF_RANGE', `minClosed must be 1–1000, got ${value}`);
  return value ?? undefined;
};

/** The tickets a report counts: the viewer's, of the place, of the category; and their name. */
async function counted(ctx: Context, placeId?: string | null, categoryCode?: string | null) {
  const place = placeId ? await placeOf(ctx.database, ...keyOf(placeId)) : null;
  return countedTickets(ctx.database, ticketScope(ctx.auth.viewer, ctx.now()), place, categoryCode);
}

const keyOf = (placeId: string): [PlaceKind, number] => {
  const { kind, pk } = reportPlaceKey(placeId);
  return [kind, pk];
};
