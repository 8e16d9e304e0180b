import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { listCategories } from './category.repo';
import { Category } from './category.type';

@Resolver(() => Category)
export class CategoryResolver {
  @Query(() => [Category], { description: 'The ticket taxonomy (16 categories).' })
  categories(@Ctx() ctx: Context) {
    return listCategories(ctx);
  }
}
