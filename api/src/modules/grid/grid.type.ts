import { Field, ID, ObjectType } from 'type-graphql';
import { GeoJSONScalar } from '../../graphql/scalars';
import type { GeoJsonGeometry } from '../../db/postgis';

@ObjectType({
  description:
    'A grid (网格, several grids merged: 多网合一); with a parent it is a micro-grid (微网格).',
})
export class Grid {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) communityCode!: string;
  @Field(() => String, { nullable: true, description: 'Parent grid code for a micro-grid.' })
  parentCode!: string | null;
  @Field(() => [String], {
    description: 'Kinds merged into it: PARTY_BUILDING, SOCIAL_ORDER, PETITION …',
  })
  kinds!: string[];
  @Field(() => String, { nullable: true, description: 'Grid worker (网格员) in charge.' })
  workerName!: string | null;
  @Field(() => GeoJSONScalar, { description: 'Boundary (Polygon).' }) boundary!: GeoJsonGeometry;
}
