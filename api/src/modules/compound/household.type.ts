import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'A vulnerable household (重点人群: 独居老人, 低保户, 残疾人 …) from the courtyard archive. ' +
    'Personal data: only the staff of its own community see it, and every read is audited.',
})
export class VulnerableHousehold {
  compoundPk!: number;
  @Field(() => String, { description: 'Building and flat, e.g. 3栋2单元401.' }) unit!: string;
  @Field(() => [String], { description: '独居老人, 低保户, 残疾人, 留守儿童 …' }) tags!: string[];
  @Field(() => String) contactName!: string;
  @Field(() => String, { nullable: true }) contactPhone!: string | null;
  @Field(() => String, { nullable: true }) note!: string | null;
}
