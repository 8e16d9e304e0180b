import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { sql } from 'drizzle-orm';
import { ticketScope } from '../../auth/policy';
import type { Context } from '../../graphql/context';
import { parsePeriod } from './period';
import { reportPlaceKey } from './report.ids';
import { categoryOf, periodReport, placeOf, type PlaceKind } from './report.service';
import { PeriodInput, PeriodReport } from './report.type';

@Resolver()
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
    const place = placeId ? await placeOf(ctx.database, ...keyOf(placeId)) : null;
    const category = categoryCode ? await categoryOf(ctx.database, categoryCode) : null;
    const where = sql.join(
      [ticketScope(ctx.auth.viewer, ctx.now()), place?.where, category?.where].filter(
        (c) => c !== undefined,
      ),
      sql` AND `,
    );
    const subject = [place?.name ?? '全部', category?.name].filter(Boolean).join(' · ');
    return periodReport(ctx.database, subject, where, p);
  }
}

const keyOf = (placeId: string): [PlaceKind, number] => {
  const { kind, pk } = reportPlaceKey(placeId);
  return [kind, pk];
};
