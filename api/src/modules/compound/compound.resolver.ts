import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { listCompounds } from './compound.repo';
import { Compound } from './compound.type';

@Resolver(() => Compound)
export class CompoundResolver {
  @Query(() => [Compound], {
    description: 'Every compound with its boundary and open-ticket count.',
  })
  compounds(@Ctx() ctx: Context): Promise<Compound[]> {
    return listCompounds(ctx.database);
  }
}
