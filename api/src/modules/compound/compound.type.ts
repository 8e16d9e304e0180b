import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GeoJSONScalar } from '../../graphql/scalars';
import type { GeoJsonGeometry } from '../../db/postgis';

@ObjectType({
  description: 'A residential compound (小区/院落); its code is the token in its QR link.',
})
export class Compound {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) communityCode!: string;
  @Field(() => Int, { description: 'Households (户数).' }) households!: number;
  @Field(() => Int, { nullable: true }) yearBuilt!: number | null;
  @Field(() => [String], { description: 'Tags such as 老旧小区, 安置小区, 商品房.' })
  tags!: string[];
  @Field(() => String, { nullable: true, description: 'Property company (物业); null = 无物业.' })
  propertyCompanyName!: string | null;
  @Field(() => Boolean, {
    description: 'Managed by a property company with a party branch (红色物业).',
  })
  redProperty!: boolean;
  @Field(() => Int, { description: 'Open (not closed) tickets in the compound.' })
  openTickets!: number;
  @Field(() => GeoJSONScalar, { description: 'Boundary (Polygon).' }) boundary!: GeoJsonGeometry;
}
