import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { listRegions } from './region.repo';
import { Region } from './region.type';

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => [Region], {
    description: 'Every region: the district, its streets and communities.',
  })
  regions(@Ctx() ctx: Context): Promise<Region[]> {
    return listRegions(ctx.database);
  }
}
