import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { Crs, fromCrs, inCrs } from '../../graphql/geometry';
import { fromGlobalId, integerKey, toGlobalId } from '../../graphql/ids';
import type { GeoJsonGeometry } from '../../db/postgis';
import { badInput } from '../../errors';
import {
  applyImport,
  assertImportVisible,
  discardImport,
  importFeatures,
  importProblems,
  importSummary,
  type ImportSummary,
} from './import.service';
import { editPlace, EDITABLE_KINDS, type EditableKind } from './edit.service';
import { checkGeometry, READ_LIMITS } from './read';
import {
  ApplyImportInput,
  DataImport,
  EditPlaceInput,
  ImportProblem,
  PlaceEditResult,
} from './import.type';

const MAX_PROBLEMS = 1_000;
const MAX_FEATURES = 20_000;

export const asDataImport = (s: ImportSummary): DataImport =>
  Object.assign(new DataImport(), { ...s, pk: s.id, id: toGlobalId('DataImport', s.id) });

function importPk(id: string, field: string): number {
  const { type, key } = fromGlobalId(id, field);
  const pk = integerKey(key);
  if (type !== 'DataImport' || pk === null)
    throw badInput(field, 'INVALID_ID', `${field}: "${id}" is not an import's id`);
  return pk;
}

/** An import by its key, or null when it is not there or not the viewer's (node(id)). */
export async function dataImportById(ctx: Context, pk: number): Promise<DataImport | null> {
  try {
    await assertImportVisible(ctx.database, ctx.auth.viewer, pk);
  } catch {
    return null;
  }
  return asDataImport(await importSummary(ctx.database, pk));
}

@Resolver(() => DataImport)
export class DataImportResolver {
  @Mutation(() => DataImport, {
    description:
      'Writes a previewed import in one transaction, after running its checks again: upsert by code, ' +
      'unchanged rows untouched (so the same file twice changes nothing). Refused with ' +
      'IMPORT_HAS_ERRORS, writing nothing, while any row has an error.',
  })
  async applyImport(
    @Ctx() ctx: Context,
    @Arg('input', () => ApplyImportInput) input: ApplyImportInput,
  ) {
    const pk = importPk(input.importId, 'input.importId');
    const summary = await applyImport(ctx.database, ctx.auth.viewer, pk, {
      rederiveTickets: input.rederiveTickets,
      now: ctx.now(),
    });
    // the line that names who imported what, with its counts (in the change's transaction)
    await ctx.auth.audit({
      action: 'import',
      target: `DataImport:${pk}`,
      result: 'OK',
      details: {
        fileName: summary.fileName,
        kind: summary.kind,
        crs: summary.crs,
        create: summary.create,
        update: summary.update,
        unchanged: summary.unchanged,
        retire: summary.retire,
        rederiveTickets: input.rederiveTickets,
      },
    });
    return asDataImport(summary);
  }

  @Mutation(() => PlaceEditResult, {
    description:
      'Draws, reshapes, moves, renames, retires (撤销) or restores one place, judged by the checks an import runs (overlaps, ' +
      'gaps, containment, jurisdiction); refused with EDIT_HAS_ERRORS (the problems in ' +
      'extensions.problems), or CONFLICT STALE_VERSION over a later edit. dryRun only checks.',
  })
  async editPlace(@Ctx() ctx: Context, @Arg('input', () => EditPlaceInput) input: EditPlaceInput) {
    if (!(EDITABLE_KINDS as readonly string[]).includes(input.kind))
      throw badInput('input.kind', 'NOT_EDITABLE', `kind: one of ${EDITABLE_KINDS.join(', ')}`);
    // the shape guard a file's features pass, before gcoord or PostGIS see it
    if (input.geometry)
      checkGeometry(input.geometry, 'input.geometry', input.code, READ_LIMITS.maxVertices);
    return editPlace(
      ctx.database,
      ctx.auth.viewer,
      {
        kind: input.kind as EditableKind,
        code: input.code,
        name: input.name ?? null,
        geometry: input.geometry ? fromCrs(input.geometry, input.crs) : null,
        community: input.community ?? null,
        ...(input.parentGrid !== undefined ? { parentGrid: input.parentGrid } : {}),
        expectedVersion: input.expectedVersion ?? null,
        retired: input.retired ?? null,
        dryRun: input.dryRun,
      },
      ctx.now(),
    );
  }

  @Mutation(() => DataImport, { description: 'Drops a previewed import without writing anything.' })
  async discardImport(@Ctx() ctx: Context, @Arg('importId', () => ID) importId: string) {
    const pk = importPk(importId, 'importId');
    return asDataImport(await discardImport(ctx.database, ctx.auth.viewer, pk));
  }

  @FieldResolver(() => [ImportProblem], {
    description: 'Problems found, errors first, in file order.',
  })
  problems(
    @Root() imp: DataImport,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 200 }) first: number,
  ) {
    if (first < 0 || first > MAX_PROBLEMS)
      throw badInput('first', 'OUT_OF_RANGE', `first: 0 to ${MAX_PROBLEMS}`);
    return importProblems(ctx.database, imp.pk, first);
  }

  @FieldResolver(() => GraphQLJSON, {
    description:
      'The staged features (WGS84) as a GeoJSON FeatureCollection for the map: properties seq, at, ' +
      'code, name, action (CREATE/UPDATE/UNCHANGED/RETIRE, null with errors) and severity (worst problem). ' +
      'A place to retire is shown where it is now.',
  })
  async features(
    @Root() imp: DataImport,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { defaultValue: 5_000 }) first: number,
    @Arg('crs', () => Crs, { defaultValue: Crs.WGS84 }) crs: Crs,
  ) {
    if (first < 0 || first > MAX_FEATURES)
      throw badInput('first', 'OUT_OF_RANGE', `first: 0 to ${MAX_FEATURES}`);
    const collection = (await importFeatures(ctx.database, imp.pk, imp.kind, first)) as {
      features: { geometry: GeoJsonGeometry }[];
    };
    if (crs !== Crs.WGS84) for (const f of collection.features) f.geometry = inCrs(f.geometry, crs);
    return collection;
  }
}
