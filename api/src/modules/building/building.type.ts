import { Field, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'A residential building (楼栋) of a compound.' })
export class Building extends Node {
  pk!: number;
  compoundPk!: number;
  lonLat!: [number, number];
  @Field(() => String, { description: 'Building number within its compound (楼号).' })
  number!: string;
  @Field(() => Int, { description: 'Floors (层数).' }) floors!: number;
  @Field(() => Int, { description: 'Households (户数).' }) households!: number;
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
}

export const BuildingConnection = Connection(Building, 'Building');
