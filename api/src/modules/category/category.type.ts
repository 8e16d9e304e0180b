import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../node/node.type';

export enum TicketLevel {
  COMPOUND = 'COMPOUND',
  COMMUNITY = 'COMMUNITY',
  STREET = 'STREET',
  DEPARTMENT = 'DEPARTMENT',
}
registerEnumType(TicketLevel, {
  name: 'TicketLevel',
  description:
    'The ladder: small matters stay in the compound 小事不出院落, medium in the community ' +
    '中事不出社区, big in the street 大事不出街道, then a department 职能部门.',
});

@ObjectType({ implements: Node, description: 'A ticket category (事项分类).' })
export class Category extends Node {
  @Field(() => String) code!: string;
  @Field(() => String) nameZh!: string;
  @Field(() => String) nameEn!: string;
  @Field(() => TicketLevel, { description: 'The lowest level expected to settle it.' })
  level!: TicketLevel;
  @Field(() => Int, { description: 'Respond within, working hours.' }) respondHours!: number;
  @Field(() => Int, { description: 'Resolve within, working hours.' }) resolveHours!: number;
  @Field(() => [String], { description: 'Capabilities a resource needs to take it.' })
  capabilities!: string[];
  @Field(() => [String]) examples!: string[];
  @Field(() => Int, {
    description: '已有人反映: open tickets of it this near (metres, 50–250) are likely duplicates.',
  })
  duplicateRadiusM!: number;
  @Field(() => String, {
    nullable: true,
    description: 'An emergency category: the number a resident is told to call (119, 110, 120).',
  })
  emergencyNumber!: string | null;
}
