import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../node/node.type';

export enum RegionLevel {
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  COMMUNITY = 'COMMUNITY',
}
registerEnumType(RegionLevel, {
  name: 'RegionLevel',
  description: 'Administrative level: district 区/县, street 街道 (town 镇), community 社区.',
});

@ObjectType({
  implements: Node,
  description: 'A district (区/县), street (街道) or community (社区), with its boundary.',
})
export class Region extends Node {
  pk!: number;
  parentPk!: number | null;
  @Field(() => String, { description: 'Administrative code, e.g. 341181 for 天长市.' })
  code!: string;
  @Field(() => String) name!: string;
  @Field(() => RegionLevel) level!: RegionLevel;
  @Field(() => Boolean, { description: 'True for made-up demo places (演示数据).' })
  synthetic!: boolean;
}
