import { Field, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'A property-management company (物业公司).' })
export class PropertyCompany extends Node {
  pk!: number;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean, { description: 'Has a party branch: "red property" (红色物业).' })
  hasPartyBranch!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'Office phone (a company line, not personal).',
  })
  phone!: string | null;
}
