import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Connection, keyset, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { compoundsOfPropertyCompany } from '../compound/compound.repo';
import { CompoundConnection } from '../compound/compound.type';
import { listPropertyCompanies } from './property.repo';
import { PropertyCompany } from './property.type';

const PropertyCompanyConnection = Connection(PropertyCompany, 'PropertyCompany');

@Resolver(() => PropertyCompany)
export class PropertyCompanyResolver {
  @Query(() => PropertyCompanyConnection, { description: 'Property companies (物业公司).' })
  propertyCompanies(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('redProperty', () => Boolean, {
      nullable: true,
      description: 'Only those with (true) or without a party branch.',
    })
    redProperty?: boolean,
  ) {
    return listPropertyCompanies(ctx, redProperty ?? undefined, keyset(page));
  }

  @FieldResolver(() => CompoundConnection, { description: 'Compounds it manages.' })
  compounds(@Root() p: PropertyCompany, @Ctx() ctx: Context, @Args(() => PageArgs) page: PageArgs) {
    return compoundsOfPropertyCompany(ctx, p.pk, page);
  }
}
