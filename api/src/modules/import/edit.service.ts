import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, ErrorCode, notFound, YituError } from '../../errors';
import type { Viewer } from '../../auth/viewer';
import { actorOf } from '../../auth/viewer';
import type { ImportItem, ImportKind } from './fields';
import type { GeoJSONGeometry } from './read';
import { checkImport } from './import.checks';
import { applyRows } from './import.apply';
import { importProblems, scopeOf, stagingOf, type ImportProblemRow } from './import.service';

// An edit on the map is a one-row import: the row is staged and judged by the very checks a
// file's rows pass (overlaps, gaps, containment, jurisdiction), so the map refuses what an import
// would. A dry run (while drawing) rolls everything back and answers the problems; a save writes
// the row in the same transaction as its checks, at the version the editor saw. Retiring is a
// one-row import too (a RETIRE row); restoring is an edit that draws the place again, so it meets
// the overlap and containment checks of whatever was drawn while it was retired.

export const EDITABLE_KINDS = ['GRID', 'COMPOUND', 'BUILDING', 'RESOURCE'] as const;
export type EditableKind = (typeof EDITABLE_KINDS)[number];

export interface PlaceEdit {
  kind: EditableKind;
  /** The place's code; a building's is "<compound code>/<number>". */
  code: string;
  name?: string | null;
  /** WGS84: a polygon (grid, compound) or a point (building, resource). */
  geometry?: GeoJSONGeometry | null;
  /** A new grid's or compound's community (code). */
  community?: string | null;
  /** A new micro-grid's grid (code). */
  parentGrid?: string | null;
  /** The version the editor saw: a save over a later one is refused (CONFLICT). */
  expectedVersion?: number | null;
  /** true retires the place; false brings a retired one back. */
  retired?: boolean | null;
  dryRun: boolean;
}

export interface EditOutcome {
  code: string;
  action: string | null;
  saved: boolean;
  version: number | null;
  problems: ImportProblemRow[];
}

interface Current {
  name: string;
  version: number;
  community: string | null;
  parentGrid: string | null;
  geometry: GeoJSONGeometry;
  floors: number | null;
  retired: boolean;
}

/** The row as it is, in the terms of an import row (codes, GeoJSON). */
async function current(database: Database, kind: EditableKind, code: string) {
  const query = {
    GRID: sql`SELECT t.name, t.version, c.code AS community, p.code AS "parentGrid",
        ST_AsGeoJSON(t.boundary)::json AS geometry, NULL AS floors, t.retired_at IS NOT NULL AS retired
      FROM grids t JOIN regions c ON c.id = t.community_id LEFT JOIN grids p ON p.id = t.parent_id
      WHERE t.code = ${code} FOR UPDATE OF t`,
    COMPOUND: sql`SELECT t.name, t.version, c.code AS community, NULL AS "parentGrid",
        ST_AsGeoJSON(t.boundary)::json AS geometry, NULL AS floors, t.retired_at IS NOT NULL AS retired
      FROM compounds t JOIN regions c ON c.id = t.community_id WHERE t.code = ${code} FOR UPDATE OF t`,
    BUILDING: sql`SELECT t.number AS name, t.version, k.code AS community, NULL AS "parentGrid",
        ST_AsGeoJSON(t.location)::json AS geometry, t.floors, t.retired_at IS NOT NULL AS retired
      FROM buildings t JOIN compounds k ON k.id = t.compound_id
      WHERE k.code || '/' || t.number = ${code} FOR UPDATE OF t`,
    RESOURCE: sql`SELECT t.name, t.version, c.code AS community, NULL AS "parentGrid",
        ST_AsGeoJSON(t.location)::json AS geometry, NULL AS floors, t.retired_at IS NOT NULL AS retired
      FROM resources t LEFT JOIN regions c ON c.id = t.community_id WHERE t.code = ${code} FOR UPDATE OF t`,
  }[kind];
  const [row] = await database.rows<Current>(query);
  return row;
}

class DryRun extends Error {
  constructor(readonly outcome: EditOutcome) {
    super('dry run');
  }
}

/** Checks and (unless a dry run) saves one edit, in the caller's transaction. */
export async function editPlace(
  database: Database,
  viewer: Viewer,
  edit: PlaceEdit,
  now: Date,
): Promise<EditOutcome> {
  const code = edit.code.trim();
  if (!code) throw badInput('input.code', 'MISSING_CODE', 'code: every place is kept by its code');
  // the limits a file's row has (fields.ts): a longer code would fail the write with a 500
  if (code.length > 100)
    throw badInput('input.code', 'TOO_LONG', `code: ${code.length} characters, more than 100`);
  if ((edit.name?.length ?? 0) > 1_000)
    throw badInput(
      'input.name',
      'TOO_LONG',
      `name: ${edit.name!.length} characters, more than 1000`,
    );
  // retiring changes nothing else: a name, shape or parent sent with it would be dropped unseen
  const changes = (['name', 'geometry', 'community', 'parentGrid'] as const).filter(
    (key) => edit.retired === true && edit[key] != null,
  );
  if (changes.length > 0)
    throw badInput(
      `input.${changes[0]}`,
      'RETIRE_WITH_CHANGES',
      `retired: true changes nothing else: send ${changes.join(', ')} without it (a place is changed while live)`,
    );
  try {
    return await database.transaction((tx) => editIn(tx, viewer, { ...edit, code }, now));
  } catch (error) {
    if (error instanceof DryRun) return error.outcome;
    throw error;
  }
}

async function editIn(
  tx: Database,
  viewer: Viewer,
  edit: PlaceEdit,
  now: Date,
): Promise<EditOutcome> {
  const kind: ImportKind = edit.kind;
  const was = await current(tx, edit.kind, edit.code);
  if (was && edit.expectedVersion != null && edit.expectedVersion !== was.version)
    throw new YituError(
      ErrorCode.CONFLICT,
      `${edit.code} was changed by someone else (version ${was.version}, you edited ${edit.expectedVersion}): reload and edit again`,
      'input.expectedVersion',
      'STALE_VERSION',
      { version: was.version },
    );
  if (!was && (edit.kind === 'BUILDING' || edit.kind === 'RESOURCE'))
    throw notFound(
      `${edit.kind.toLowerCase()} ${edit.code} (buildings and resources are added by import)`,
    );
  if (!was && edit.retired != null) throw notFound(`${edit.kind.toLowerCase()} ${edit.code}`);
  // a retired place is edited only by bringing it back first: no silent restore by a move
  if (was?.retired && edit.retired !== false && edit.retired !== true)
    throw badInput(
      'input.retired',
      'RETIRED',
      `${edit.code} is retired (撤销): bring it back (retired: false) to edit it`,
    );
  if (was && !was.retired && edit.retired === false)
    throw badInput('input.retired', 'NOT_RETIRED', `${edit.code} is not retired`);
  if (!was && !edit.name?.trim())
    throw badInput('input.name', 'MISSING_NAME', `a new ${edit.kind.toLowerCase()} needs its name`);
  const [building, number] =
    edit.kind === 'BUILDING'
      ? [
          edit.code.slice(0, edit.code.lastIndexOf('/')),
          edit.code.slice(edit.code.lastIndexOf('/') + 1),
        ]
      : [null, null];
  const [created] = await tx.rows<{ id: number }>(sql`
    INSERT INTO imports (account_id, actor, kind, file_name, format, crs)
    VALUES (${viewer.account?.pk ?? null}, ${actorOf(viewer)}, ${kind}, ${`edit on the map: ${edit.code}`},
      'EDIT', 'WGS84')
    RETURNING id`);
  const importId = created!.id;
  const parentGrid = edit.parentGrid !== undefined ? edit.parentGrid : (was?.parentGrid ?? null);
  const retire = edit.retired === true;
  const item: ImportItem = {
    at: 'edit',
    code: edit.code,
    name: edit.name?.trim() || was?.name || null,
    parentCode: building ?? edit.community ?? was?.community ?? null,
    geometry: retire ? null : (edit.geometry ?? was?.geometry ?? null),
    wkt: null,
    placeBy: null,
    attrs: {
      ...(retire ? { _retire: true } : {}),
      ...(parentGrid ? { parentGrid } : {}),
      ...(number ? { number } : {}),
      ...(was?.floors ? { floors: was.floors } : {}),
    },
    problems: [],
  };
  await checkImport(tx, importId, kind, await scopeOf(tx, viewer), stagingOf(tx, importId, [item]));
  const problems = await importProblems(tx, importId, 100);
  const [row] = await tx.rows<{ action: string | null }>(
    sql`SELECT action FROM import_rows WHERE import_id = ${importId}`,
  );
  const errors = problems.filter((p) => p.severity === 'ERROR');
  const outcome = (saved: boolean, version: number | null): EditOutcome => ({
    code: edit.code,
    action: row?.action ?? null,
    saved,
    version,
    problems,
  });
  if (edit.dryRun) throw new DryRun(outcome(false, was?.version ?? null));
  if (errors.length > 0)
    throw new YituError(
      ErrorCode.BAD_USER_INPUT,
      `${edit.code}: ${errors.map((p) => p.message.replace(/^edit: /, '')).join('; ')}`,
      'input.geometry',
      'EDIT_HAS_ERRORS',
      { problems: errors.map(({ reason, field, message }) => ({ reason, field, message })) },
    );
  await applyRows(tx, importId, kind, now);
  await tx.rows(
    sql`UPDATE imports SET status = 'APPLIED', applied_at = ${now.toISOString()} WHERE id = ${importId}`,
  );
  const after = await current(tx, edit.kind, edit.code);
  // drawn as new while another editor saved the same code: the upsert updated theirs
  if (!was && after && after.version !== 1)
    throw new YituError(
      ErrorCode.CONFLICT,
      `${edit.code} was just created by someone else: reload and edit it`,
      'input.code',
      'ALREADY_EXISTS',
    );
  return outcome(true, after?.version ?? null);
}
