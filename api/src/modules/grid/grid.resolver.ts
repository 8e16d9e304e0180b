import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { listGrids } from './grid.repo';
import { Grid } from './grid.type';

@Resolver(() => Grid)
export class GridResolver {
  @Query(() => [Grid], { description: 'Every grid and micro-grid with its boundary.' })
  grids(@Ctx() ctx: Context): Promise<Grid[]> {
    return listGrids(ctx.database);
  }
}
