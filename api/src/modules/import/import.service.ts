import gcoord from 'gcoord';
import { sql, type SQL } from 'drizzle-orm';
import { copyValue, type Database } from '../../db';
import { badInput, ErrorCode, notFound, YituError } from '../../errors';
import type { Viewer } from '../../auth/viewer';
import { actorOf } from '../../auth/viewer';
import { crsFromName, crsFromPrj, type SourceCrs } from './crs';
import { itemOf, type ImportItem, type ImportKind } from './fields';
import { readImportFile, type GeoJSONGeometry, type SourceFile } from './read';
import { analyzeSampled, checkImport, TABLE, type RegionScope } from './import.checks';
import { applyRows } from './import.apply';

// An import's life: upload → read (read.ts) → items (fields.ts) → staged in WGS84 (here) →
// checked (import.checks.ts): the dry run, shown to the user → applied in one transaction
// (import.apply.ts) after the checks run again, or discarded. No table outside import_rows is
// written until the apply.

const STAGE_BATCH = 2_000;

export interface UploadedFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface ImportSummary {
  id: number;
  kind: ImportKind;
  fileName: string;
  format: string;
  crs: string;
  status: 'PREVIEWED' | 'APPLIED' | 'DISCARDED';
  notes: string[];
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  retire: number;
  errors: number;
  warnings: number;
  createdAt: Date;
  appliedAt: Date | null;
}

/** Where the viewer may import: every region, or its own and the regions under it. */
export async function scopeOf(database: Database, viewer: Viewer): Promise<RegionScope> {
  if (viewer.jurisdiction.all) return { all: true };
  const own = viewer.account?.regionPk;
  const rows = own
    ? await database.rows<{ id: number }>(sql`
        SELECT r.id FROM regions r WHERE r.id = ${own} OR r.parent_id = ${own}
          OR r.parent_id IN (SELECT id FROM regions WHERE parent_id = ${own})`)
    : [];
  return {
    all: false,
    regionPks: [...new Set([...rows.map((r) => r.id), ...viewer.jurisdiction.communityPks])],
  };
}

/** A jurisdiction as text, to tell whether an apply's is the one its dry run was checked for. */
const scopeKey = (scope: RegionScope) =>
  scope.all ? 'all' : [...scope.regionPks].sort((a, b) => a - b).join(',');

/** The file's system: the one the user named, else the one the file declares. */
function crsOf(
  file: SourceFile,
  chosen: string | undefined | null,
): { crs: SourceCrs; note?: string } {
  if (chosen) return { crs: crsFromName(chosen) };
  const declared = file.declaredCrs;
  if (declared && 'prj' in declared) return { crs: crsFromPrj(file.fileName, declared.prj) };
  if (declared) return { crs: crsFromName(declared.name, 'crs') };
  if (file.format === 'SHAPEFILE')
    throw badInput(
      'crs',
      'NO_PRJ',
      `${file.fileName}: the shapefile has no .prj: name its coordinate system (crs: WGS84, GCJ02, BD09, CGCS2000, EPSG:4528 …)`,
    );
  return {
    crs: crsFromName('WGS84'),
    note:
      file.format === 'GEOJSON'
        ? 'no coordinate system named: read as WGS84, as GeoJSON is; if it was drawn on a Gaode or Tencent map choose GCJ-02, on Baidu BD-09'
        : 'no coordinate system named: 经度/纬度 read as WGS84; if they come from Gaode or Tencent choose GCJ-02, from Baidu BD-09',
  };
}

async function sridOf(database: Database, crs: SourceCrs): Promise<number> {
  if (crs.kind === 'EPSG') return crs.srid;
  if (crs.kind !== 'GAUSS_KRUGER') return 4326; // GCJ-02 and BD-09 are undone before staging
  // PostGIS's own catalogue names the zone: CGCS2000 (GRS80) transverse Mercator at that meridian
  const [row] = await database.rows<{ srid: number }>(sql`
    SELECT srid FROM spatial_ref_sys WHERE srid BETWEEN 4491 AND 4554
      AND proj4text LIKE ${`%+lon_0=${crs.centralMeridian} +k=1 +x_0=${crs.falseEasting} +y_0=0 +ellps=GRS80 %`}
    ORDER BY srid LIMIT 1`);
  if (!row)
    throw badInput(
      'crs',
      'UNKNOWN_PRJ',
      `${crs.label}: no CGCS2000 Gauss-Krüger zone has central meridian ${crs.centralMeridian}° and false easting ${crs.falseEasting}: name the system (crs: EPSG:4491–4554)`,
    );
  return row.srid;
}

/** GCJ-02 / BD-09 → WGS84 in place, by gcoord (PROJ has no such systems). */
function undoOffset(geometry: GeoJSONGeometry, crs: SourceCrs): GeoJSONGeometry {
  if (crs.kind !== 'GCJ02' && crs.kind !== 'BD09') return geometry;
  const from = crs.kind === 'GCJ02' ? gcoord.GCJ02 : gcoord.BD09;
  return gcoord.transform(
    structuredClone(geometry) as Parameters<typeof gcoord.transform>[0],
    from,
    gcoord.WGS84,
  ) as GeoJSONGeometry;
}

/**
 * Reads, stages and checks one file: the dry run. Returns the import's id; nothing but the
 * import's own rows is written. A file that cannot be read at all is refused (BAD_USER_INPUT
 * naming the file, and the row and field where there is one) and leaves nothing behind.
 */
export async function previewImport(
  database: Database,
  viewer: Viewer,
  upload: UploadedFile,
  options: { kind: ImportKind; crs?: string | null; retireMissing?: boolean },
): Promise<number> {
  if (options.retireMissing && (options.kind === 'REGION' || options.kind === 'PROPERTY_COMPANY'))
    throw badInput(
      'retireMissing',
      'NOT_RETIRABLE',
      'retireMissing: only compounds, grids, buildings and resources are retired by an import',
    );
  const file = await readImportFile(upload.fileName, upload.bytes);
  const { crs, note } = crsOf(file, options.crs);
  const srid = await sridOf(database, crs);
  const scope = await scopeOf(database, viewer);
  return database.transaction(async (tx) => {
    const [created] = await tx.rows<{ id: number }>(sql`
      INSERT INTO imports (account_id, actor, kind, file_name, format, crs, notes)
      VALUES (${viewer.account?.pk ?? null}, ${actorOf(viewer)}, ${options.kind}, ${file.fileName},
        ${file.format}, ${srid === 4326 && crs.kind !== 'EPSG' ? crs.label : `${crs.label}${crs.kind === 'GAUSS_KRUGER' ? ` = EPSG:${srid}` : ''}`},
        ${`{${[...file.notes, ...(note ? [note] : [])].map((n) => JSON.stringify(n)).join(',')}}`}::text[])
      RETURNING id`);
    const importId = created!.id;
    // what the checks below are made against (read first: a write committed meanwhile only
    // makes the apply check again)
    await tx.rows(sql`
      UPDATE imports SET checked_writes = (SELECT count(*) FROM place_writes)::int,
        checked_scope = ${scopeKey(scope)}
      WHERE id = ${importId}`);
    await checkImport(
      tx,
      importId,
      options.kind,
      scope,
      async (into) => {
        // each batch is encoded as the server takes the one before
        function* batches() {
          for (let i = 0; i < file.records.length; i += STAGE_BATCH)
            yield stagedRows(
              file.records.slice(i, i + STAGE_BATCH).map((record) => itemOf(options.kind, record)),
              i,
              crs,
            );
        }
        await stage(tx, into, importId, srid, batches());
      },
      { retireMissing: options.retireMissing ?? false },
    );
    // the apply and the report read this import's rows by plans made on them
    await analyzeSampled(tx, sql`import_rows`);
    return importId;
  });
}

/** checkImport's stage step for items already in WGS84 (an edit on the map). */
export const stagingOf =
  (database: Database, importId: number, items: ImportItem[]) => (into: SQL) =>
    stage(database, into, importId, 4326, [stagedRows(items, 0, CRS_WGS84)]);

const CRS_WGS84 = crsFromName('WGS84');

/** Items as the lines stage() copies: numbered from `offset`, geometries in WGS84. */
function stagedRows(items: ImportItem[], offset: number, crs: SourceCrs): string {
  let lines = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const attrs: Record<string, unknown> = {};
    for (const key in item.attrs) if (item.attrs[key] != null) attrs[key] = item.attrs[key];
    // the row had a shape in the file: a NULL geom then means it could not be read
    if (item.geometry || item.wkt) attrs._geometry = true;
    lines += `${offset + i + 1}\t${copyValue(item.at)}\t${copyValue(item.code)}\t${copyValue(item.name)}\t${copyValue(item.parentCode)}\t${copyValue(item.placeBy)}\t${copyValue(item.geometry && JSON.stringify(undoOffset(item.geometry, crs)))}\t${copyValue(item.wkt)}\t${copyValue(JSON.stringify(attrs))}\t${copyValue(JSON.stringify(item.problems.map((p) => ({ ...p, stage: 'read' }))))}\n`;
  }
  return lines;
}

// the rows as read, before PostGIS reads their shapes (a shape it cannot read or transform is
// NULL, reported by the checks, not fatal)
const STAGE = 'pg_temp.import_stage';
const STAGE_COLUMNS = [
  'seq',
  'at',
  'code',
  'name',
  'parent_code',
  'place_by',
  'geojson',
  'wkt',
  'attrs',
  'problems',
] as const;

/**
 * Stages rows into `into` (the checks' working table): COPY into a temporary table (PostgreSQL's
 * text format: no parameter of many megabytes to parse as JSON), then one INSERT that reads each
 * shape. `batches` are the encoded lines, produced as the server takes them.
 */
async function stage(
  database: Database,
  into: SQL,
  importId: number,
  srid: number,
  batches: Iterable<string>,
) {
  await database.rows(sql`
    CREATE TEMP TABLE import_stage (seq int, at text, code text, name text, parent_code text,
      place_by text, geojson text, wkt text, attrs jsonb, problems jsonb) ON COMMIT DROP`);
  await database.copyFrom(STAGE, STAGE_COLUMNS, batches);
  const insert = (shape: SQL) => sql`
    INSERT INTO ${into} (import_id, seq, at, code, name, parent_code, place_by, geom, attrs, problems)
    SELECT ${importId}, r.seq, r.at, r.code, r.name, r.parent_code, r.place_by, ${shape}, r.attrs, r.problems
    FROM ${sql.raw(STAGE)} r`;
  // every shape read set-wise (read.ts has checked their structure); only if one cannot be read
  // or transformed, again row by row, that one NULL (migration 0018)
  try {
    await database.transaction((attempt) =>
      attempt.rows(insert(sql`yitu_import_geometry_strict(r.geojson, r.wkt, ${srid})`)),
    );
  } catch {
    await database.rows(insert(sql`yitu_import_geometry(r.geojson, r.wkt, ${srid})`));
  }
  await database.rows(sql`DROP TABLE ${sql.raw(STAGE)}`);
}

/** One import's summary: counts by action and by severity. */
export async function importSummary(database: Database, importId: number): Promise<ImportSummary> {
  const [row] = await database.rows<ImportSummary>(sql`
    SELECT i.id, i.kind, i.file_name AS "fileName", i.format, i.crs, i.status, i.notes,
      i.created_at AS "createdAt", i.applied_at AS "appliedAt",
      -- the file's own rows (a place it retires is not one of them)
      count(r.seq) FILTER (WHERE NOT r.attrs ? '_retire')::int AS rows,
      count(*) FILTER (WHERE r.action = 'CREATE')::int AS "create",
      count(*) FILTER (WHERE r.action = 'UPDATE')::int AS update,
      count(*) FILTER (WHERE r.action = 'UNCHANGED')::int AS unchanged,
      count(*) FILTER (WHERE r.action = 'RETIRE')::int AS retire,
      coalesce(sum((SELECT count(*) FROM jsonb_array_elements(r.problems) p WHERE p->>'severity' = 'ERROR'))
        FILTER (WHERE r.problems <> '[]'), 0)::int AS errors,
      coalesce(sum((SELECT count(*) FROM jsonb_array_elements(r.problems) p WHERE p->>'severity' = 'WARNING'))
        FILTER (WHERE r.problems <> '[]'), 0)::int AS warnings
    FROM imports i LEFT JOIN import_rows r ON r.import_id = i.id
    WHERE i.id = ${importId} GROUP BY i.id`);
  if (!row) throw notFound('import');
  return {
    ...row,
    createdAt: new Date(row.createdAt),
    appliedAt: row.appliedAt && new Date(row.appliedAt),
  };
}

export interface ImportProblemRow {
  seq: number;
  at: string;
  code: string | null;
  severity: string;
  field: string;
  reason: string;
  message: string;
}

/** The problems found, errors first, in file order. */
export async function importProblems(
  database: Database,
  importId: number,
  limit: number,
): Promise<ImportProblemRow[]> {
  return database.rows<ImportProblemRow>(sql`
    SELECT r.seq, r.at, r.code, p->>'severity' AS severity, p->>'field' AS field, p->>'reason' AS reason,
      p->>'message' AS message
    FROM import_rows r, jsonb_array_elements(r.problems) p
    WHERE r.import_id = ${importId}
    ORDER BY p->>'severity' = 'ERROR' DESC, r.seq
    LIMIT ${limit}`);
}

const retiredShape = (kind: ImportKind) =>
  ({
    COMPOUND: sql`(SELECT t.boundary FROM compounds t WHERE t.id = r.target_id)`,
    GRID: sql`(SELECT t.boundary FROM grids t WHERE t.id = r.target_id)`,
    BUILDING: sql`(SELECT t.location FROM buildings t WHERE t.id = r.target_id)`,
    RESOURCE: sql`(SELECT t.location FROM resources t WHERE t.id = r.target_id)`,
    REGION: sql`NULL::geometry`,
    PROPERTY_COMPANY: sql`NULL::geometry`,
  })[kind];

/** The staged rows as GeoJSON for the map: action and the worst problem on each feature. */
export async function importFeatures(
  database: Database,
  importId: number,
  kind: ImportKind,
  limit: number,
) {
  const [row] = await database.rows<{ collection: unknown }>(sql`
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature', 'id', f.seq,
      'geometry', ST_AsGeoJSON(f.geom, 7)::json,
      'properties', json_build_object('seq', f.seq, 'at', f.at, 'code', f.code, 'name', f.name,
        'action', f.action, 'severity', CASE WHEN f.problems @> '[{"severity":"ERROR"}]' THEN 'ERROR'
          WHEN f.problems @> '[{"severity":"WARNING"}]' THEN 'WARNING' END)) ORDER BY f.seq), '[]'::json)) AS collection
    FROM (SELECT r.seq, r.at, r.code, r.name, r.action, r.problems,
        -- a place to retire is shown where it is now
        coalesce(r.geom, ${retiredShape(kind)}) AS geom
      FROM import_rows r WHERE r.import_id = ${importId}
        AND (r.geom IS NOT NULL OR (r.attrs ? '_retire' AND r.target_id IS NOT NULL))
      ORDER BY r.seq LIMIT ${limit}) f`);
  return row!.collection;
}

async function importOf(database: Database, viewer: Viewer, importId: number, lock = false) {
  const [row] = await database.rows<{
    kind: ImportKind;
    status: string;
    accountId: number | null;
    fileName: string;
  }>(sql`
    SELECT kind, status, account_id AS "accountId", file_name AS "fileName" FROM imports WHERE id = ${importId}
    ${lock ? sql`FOR UPDATE` : sql``}`);
  // an import is its uploader's (another account's work in progress is not there to see)
  if (!row || (row.accountId !== (viewer.account?.pk ?? null) && !viewer.jurisdiction.all))
    throw notFound('import');
  return row;
}

/** The import, locked, while it is still a dry run (applied or discarded: CONFLICT). */
async function previewedImport(database: Database, viewer: Viewer, importId: number) {
  const imp = await importOf(database, viewer, importId, true);
  if (imp.status !== 'PREVIEWED')
    throw new YituError(
      ErrorCode.CONFLICT,
      `${imp.fileName} was already ${imp.status.toLowerCase()}`,
      'importId',
      `ALREADY_${imp.status}`,
    );
  return imp;
}

/** Whether the viewer may see this import (its uploader, or someone with every region). */
export async function assertImportVisible(database: Database, viewer: Viewer, importId: number) {
  await importOf(database, viewer, importId);
}

/**
 * Applies a previewed import inside the caller's transaction: the checks run again (the map may
 * have changed since the preview), then every CREATE/UPDATE row is written. Refused, changing
 * nothing, while any row has an error.
 */
export async function applyImport(
  database: Database,
  viewer: Viewer,
  importId: number,
  options: { rederiveTickets: boolean; now: Date },
): Promise<ImportSummary> {
  const imp = await previewedImport(database, viewer, importId);
  const scope = await scopeOf(database, viewer);
  // the checks run again (the map may have changed since the dry run) unless nothing they read
  // has: no place written since, the same jurisdiction, and no place to retire (whose open
  // tickets and work change by the minute)
  const [state] = await database.rows<{ same: boolean }>(sql`
    SELECT i.checked_writes = (SELECT count(*) FROM place_writes)::int
        AND i.checked_scope = ${scopeKey(scope)}
        AND NOT EXISTS (SELECT 1 FROM import_rows r WHERE r.import_id = i.id AND r.attrs ? '_retire') AS same
    FROM imports i WHERE i.id = ${importId}`);
  if (!state?.same) await checkImport(database, importId, imp.kind, scope);
  const before = await importSummary(database, importId);
  if (before.errors > 0) {
    // the re-check is rolled back with the refusal: its findings travel in the error (the map
    // may have changed since the dry run the user saw)
    const found = (await importProblems(database, importId, 20)).filter(
      (p) => p.severity === 'ERROR',
    );
    throw new YituError(
      ErrorCode.BAD_USER_INPUT,
      `${imp.fileName} has ${before.errors} problem${before.errors === 1 ? '' : 's'} to fix first; nothing was written: ${found
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}${before.errors > 3 ? ' …' : ''}`,
      'importId',
      'IMPORT_HAS_ERRORS',
      {
        errors: before.errors,
        problems: found.map(({ at, field, reason, message }) => ({ at, field, reason, message })),
      },
    );
  }
  await applyRows(database, importId, imp.kind, options.now);
  if (options.rederiveTickets) await rederiveTickets(database, importId, imp.kind);
  await database.rows(sql`
    UPDATE imports SET status = 'APPLIED', applied_at = ${options.now.toISOString()},
      applied = ${JSON.stringify({ create: before.create, update: before.update, unchanged: before.unchanged, retire: before.retire })}::jsonb
    WHERE id = ${importId}`);
  // after a bulk write, later queries must plan on the new rows (autovacuum may be off:
  // STACK-NOTES); an edit or a small file changes no plan
  if (before.create + before.update + before.retire >= ANALYZE_AFTER)
    await database.rows(sql`ANALYZE ${sql.raw(TABLE[imp.kind])}`);
  // the counts are the ones just checked: only the status and the time are new
  return { ...before, status: 'APPLIED', appliedAt: options.now };
}

const ANALYZE_AFTER = 1_000;

/**
 * Open tickets in the places this import changed take the compound and grid they now lie in
 * (only when asked: otherwise a ticket keeps the place it was reported in).
 */
async function rederiveTickets(database: Database, importId: number, kind: ImportKind) {
  if (kind !== 'COMPOUND' && kind !== 'GRID') return;
  await database.rows(sql`
    UPDATE tickets t SET
      compound_id = coalesce((SELECT c.id FROM compounds c WHERE c.retired_at IS NULL
        AND ST_Intersects(c.boundary, t.location) ORDER BY c.id LIMIT 1), t.compound_id),
      grid_id = coalesce((SELECT g.id FROM grids g WHERE g.retired_at IS NULL
        AND ST_Intersects(g.boundary, t.location) ORDER BY g.parent_id NULLS FIRST, g.id LIMIT 1), t.grid_id),
      version = t.version + 1, updated_at = now()
    WHERE t.status NOT IN ('CLOSED') AND t.id IN (
      -- driven from the import's rows through the tickets' spatial index
      SELECT u.id FROM import_rows r JOIN tickets u ON ST_Intersects(r.geom, u.location)
      WHERE r.import_id = ${importId} AND r.action IN ('CREATE', 'UPDATE')
      UNION
      -- a retired place's tickets move to whatever place now covers them
      SELECT u.id FROM import_rows r JOIN tickets u ON ${sql.raw(kind === 'COMPOUND' ? 'u.compound_id' : 'u.grid_id')} = r.target_id
      WHERE r.import_id = ${importId} AND r.action = 'RETIRE')`);
}

/** Drops a previewed import's staged rows. */
export async function discardImport(database: Database, viewer: Viewer, importId: number) {
  await previewedImport(database, viewer, importId);
  await database.rows(sql`DELETE FROM import_rows WHERE import_id = ${importId}`);
  await database.rows(sql`UPDATE imports SET status = 'DISCARDED' WHERE id = ${importId}`);
  return importSummary(database, importId);
}
