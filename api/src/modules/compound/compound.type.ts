import { Field, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({
  implements: Node,
  description:
    'A residential compound (小区/院落). Its code is the token in its QR link (/r/<code>).',
})
export class Compound extends Node {
  pk!: number;
  communityPk!: number;
  propertyCompanyPk!: number | null;
  @Field(() => String) code!: string;
  @Field(() => Int, {
    description: 'Changes with every edit or import; pass it as expectedVersion to editPlace.',
  })
  version!: number;
  @Field(() => Date, {
    nullable: true,
    description:
      'When it was retired (撤销): it stays for the tickets and history that name it, off the map and out of matching. Null while live.',
  })
  retiredAt!: Date | null;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'Households (户数).' }) households!: number;
  @Field(() => Int, { nullable: true, description: 'Year built (建成年份).' }) yearBuilt!:
    number | null;
  @Field(() => [String], {
    description: 'Tags: 老旧小区 (old estate), 安置小区 (resettlement), 商品房 …',
  })
  tags!: string[];
  @Field(() => Boolean, { description: 'True for made-up demo places (演示数据).' })
  synthetic!: boolean;
}

export const CompoundConnection = Connection(Compound, 'Compound');
