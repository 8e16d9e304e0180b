import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GeoJSONScalar } from '../../graphql/scalars';
import type { GeoJsonGeometry } from '../../db/postgis';

export enum RegionLevel {
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
  COMMUNITY = 'COMMUNITY',
}
registerEnumType(RegionLevel, {
  name: 'RegionLevel',
  description: 'Administrative level: district 区/县, street 街道, community 社区.',
});

@ObjectType({
  description: 'A district (区/县), street (街道) or community (社区) with its boundary.',
})
export class Region {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => RegionLevel) level!: RegionLevel;
  @Field(() => String, { nullable: true }) parentCode!: string | null;
  @Field(() => GeoJSONScalar, { description: 'Boundary (MultiPolygon).' })
  boundary!: GeoJsonGeometry;
  @Field(() => Int, { description: 'Open (not closed) tickets inside.' }) openTickets!: number;
}
