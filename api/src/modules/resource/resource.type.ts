import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../node/node.type';

export enum ResourceKind {
  PARTY_MEMBER = 'PARTY_MEMBER',
  VOLUNTEER_TEAM = 'VOLUNTEER_TEAM',
  SOCIAL_ORG = 'SOCIAL_ORG',
  COMMUNITY_PARTNER = 'COMMUNITY_PARTNER',
  PROPERTY_COMPANY = 'PROPERTY_COMPANY',
  LAW_ENFORCEMENT = 'LAW_ENFORCEMENT',
  DEPARTMENT = 'DEPARTMENT',
}
registerEnumType(ResourceKind, {
  name: 'ResourceKind',
  description:
    'Who does the work: registered in-service party member 双报到党员, volunteer team 志愿服务队, ' +
    'social organisation 社会组织, community partner 社区合伙人, property company 物业公司, ' +
    'integrated law enforcement 综合执法队, department 职能部门.',
});

@ObjectType({ implements: Node, description: 'A resource (资源) that can take tickets.' })
export class Resource extends Node {
  pk!: number;
  communityPk!: number | null;
  propertyCompanyPk!: number | null;
  lonLat!: [number, number];
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
  @Field(() => ResourceKind) kind!: ResourceKind;
  name!: string;
  @Field(() => [String], {
    description: 'What it can do, e.g. repair, elderly_care, law_enforcement.',
  })
  capabilities!: string[];
  @Field(() => Int, { description: 'Open tickets it can hold at once.' }) capacity!: number;
  @Field(() => GraphQLJSON, {
    description: 'When it works: {always} or {weekly: [[isoDay, "HH:MM", "HH:MM"]], monthlyDays}.',
  })
  availability!: unknown;
  @Field(() => Boolean, { description: 'May decline a dispatch (volunteers, partners).' })
  mayDecline!: boolean;
  @Field(() => Boolean, {
    description:
      'False while a party member’s registration (双报到) awaits the community’s approval: never matched or dispatched.',
  })
  approved!: boolean;
}

@ObjectType({
  implements: Node,
  description: 'A zone a resource claimed (认领责任区): a grid or a compound.',
})
export class ResourceClaim extends Node {
  pk!: number;
  resourcePk!: number;
  gridPk!: number | null;
  compoundPk!: number | null;
  @Field(() => Date) claimedAt!: Date;
}

@ObjectType({ description: 'A resource and how far it is from the asked point.' })
export class NearbyResource {
  @Field(() => Float, { description: 'Distance on the sphere, metres.' }) distanceMeters!: number;
  @Field(() => Resource) resource!: Resource;
}
