import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';

@ObjectType({
  implements: Node,
  description:
    'A grid (网格) drawn inside a community, several grids merged into one (多网合一); ' +
    'with a parent it is a micro-grid (微网格).',
})
export class Grid extends Node {
  pk!: number;
  communityPk!: number;
  parentPk!: number | null;
  workerPk!: number | null;
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
  @Field(() => [String], {
    description:
      'Kinds merged into it: PARTY_BUILDING 党建, SOCIAL_ORDER 综治, PETITION 信访, URBAN_MANAGEMENT 城管.',
  })
  kinds!: string[];
  @Field(() => Boolean, { description: 'A micro-grid (微网格).' }) micro!: boolean;
}

@ObjectType({
  implements: Node,
  description: 'A grid worker (网格员) or micro-grid worker (微网格员).',
})
export class GridWorker extends Node {
  pk!: number;
  gridPk!: number | null;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean, { description: 'A party member (党员).' }) isPartyMember!: boolean;
  @Field(() => String, {
    description:
      'Work mobile, for staff who dispatch to them. Personal data: never for API tokens.',
  })
  phone!: string;
}
