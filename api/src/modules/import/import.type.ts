import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Crs } from '../../graphql/geometry';
import { Node } from '../node/node.type';
import { IMPORT_KINDS, type ImportKind } from './fields';

export const ImportKindEnum = Object.fromEntries(IMPORT_KINDS.map((k) => [k, k])) as {
  [K in ImportKind]: K;
};
registerEnumType(ImportKindEnum, {
  name: 'ImportKind',
  description:
    'What a file holds: REGION (streets 街道 and communities 社区), COMPOUND (小区/院落), GRID (网格 ' +
    'and micro-grids 微网格), BUILDING (楼栋), PROPERTY_COMPANY (物业公司), RESOURCE (党员, 志愿服务队, ' +
    '社会组织, 社区合伙人, 综合执法, 职能部门).',
});

export enum ImportStatus {
  PREVIEWED = 'PREVIEWED',
  APPLIED = 'APPLIED',
  DISCARDED = 'DISCARDED',
}
registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  description:
    'PREVIEWED: read and checked, nothing written yet (the dry run); then APPLIED or DISCARDED.',
});

@ObjectType({ description: 'One problem the dry run found, located in the file.' })
export class ImportProblem {
  @Field(() => String, { description: '"feature 3", "row 5": where it is in the file.' })
  at!: string;
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => String, { description: 'ERROR (the import cannot be applied) or WARNING.' })
  severity!: string;
  @Field(() => String, { description: 'The column or part at fault (编码, 所属社区, geometry …).' })
  field!: string;
  @Field(() => String, { description: 'Machine-readable, e.g. GRID_OVERLAP, DUPLICATE_CODE.' })
  reason!: string;
  @Field(() => String) message!: string;
}

@ObjectType({
  implements: Node,
  description:
    'An uploaded file of places or people (POST /imports), read, checked and waiting to be applied: ' +
    'the dry run report. Visible to its uploader (and to those with every region).',
})
export class DataImport extends Node {
  pk!: number;
  @Field(() => ImportKindEnum) kind!: ImportKind;
  @Field(() => String) fileName!: string;
  @Field(() => String, { description: 'GEOJSON, SHAPEFILE, CSV or XLSX.' }) format!: string;
  @Field(() => String, { description: 'The coordinate system the file was read in.' }) crs!: string;
  @Field(() => ImportStatus) status!: ImportStatus;
  @Field(() => [String], { description: 'What the reader assumed (encoding, system).' })
  notes!: string[];
  @Field(() => Int, { description: 'Features or rows in the file.' }) rows!: number;
  @Field(() => Int, { description: 'Rows that create a new place or resource.' }) create!: number;
  @Field(() => Int, { description: 'Rows that change one (matched by code).' }) update!: number;
  @Field(() => Int, { description: 'Rows identical to what is there.' }) unchanged!: number;
  @Field(() => Int, {
    description:
      'Places the file leaves out that it retires (撤销): only when uploaded with retireMissing=true.',
  })
  retire!: number;
  @Field(() => Int) errors!: number;
  @Field(() => Int) warnings!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) appliedAt!: Date | null;
}

@InputType()
export class ApplyImportInput {
  @Field(() => ID) importId!: string;
  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Open tickets inside the changed compounds or grids take the compound and grid they now lie in ' +
      '(otherwise every ticket keeps the place it was reported in).',
  })
  rederiveTickets!: boolean;
}

@InputType({
  description:
    'One change drawn on the map: a grid, micro-grid or compound outline (new or reshaped), a ' +
    'building or resource moved, a rename. Judged by the checks an import runs.',
})
export class EditPlaceInput {
  @Field(() => ImportKindEnum, { description: 'GRID, COMPOUND, BUILDING or RESOURCE.' })
  kind!: ImportKind;
  @Field(() => String, { description: 'Its code; a building’s is "<compound code>/<number>".' })
  code!: string;
  @Field(() => String, { nullable: true, description: 'A new name (a new place needs one).' })
  name?: string | null;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'GeoJSON Polygon (grid, compound) or Point (building, resource), in crs.',
  })
  geometry?: { type: string; coordinates?: unknown } | null;
  @Field(() => Crs, { defaultValue: Crs.WGS84 }) crs!: Crs;
  @Field(() => String, {
    nullable: true,
    description: 'A new grid’s or compound’s community code.',
  })
  community?: string | null;
  @Field(() => String, { nullable: true, description: 'A new micro-grid’s grid code.' })
  parentGrid?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'The version you edited: CONFLICT STALE_VERSION if it has changed since.',
  })
  expectedVersion?: number | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'true retires the place (撤销: off the map, lookups and matching; kept for its tickets); false brings a retired one back, checked as if drawn again.',
  })
  retired?: boolean | null;
  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Only check (while drawing): the problems, nothing saved.',
  })
  dryRun!: boolean;
}

@ObjectType({ description: 'What an edit did, or would do (dryRun), and the problems found.' })
export class PlaceEditResult {
  @Field(() => String) code!: string;
  @Field(() => String, {
    nullable: true,
    description: 'CREATE, UPDATE, UNCHANGED or RETIRE; null with errors.',
  })
  action!: string | null;
  @Field(() => Boolean) saved!: boolean;
  @Field(() => Int, { nullable: true, description: 'Its version now (after a save).' })
  version!: number | null;
  @Field(() => [ImportProblem]) problems!: ImportProblem[];
}
