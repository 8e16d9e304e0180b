import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../node/node.type';

export enum PartyOrgKind {
  COMMITTEE = 'COMMITTEE',
  BRANCH = 'BRANCH',
  GROUP = 'GROUP',
  MEMBER_HOUSEHOLD = 'MEMBER_HOUSEHOLD',
}
registerEnumType(PartyOrgKind, {
  name: 'PartyOrgKind',
  description:
    'Community party committee 社区党委 → compound/grid branch 党支部 → building or grid party ' +
    'group 党小组 → party-member household 党员中心户.',
});

@ObjectType({ implements: Node, description: 'A party organisation, attached to its place.' })
export class PartyOrganization extends Node {
  pk!: number;
  parentPk!: number | null;
  communityPk!: number;
  compoundPk!: number | null;
  gridPk!: number | null;
  buildingPk!: number | null;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => PartyOrgKind) kind!: PartyOrgKind;
  @Field(() => Int, { description: 'Members (党员人数).' }) memberCount!: number;
}
