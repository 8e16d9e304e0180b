import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import type { ImportKind } from './fields';

// The dry run, in PostGIS: every staged row of an import is shaped for its table (types,
// repairs), placed (parents, positions), checked against the rows already there (overlaps,
// gaps, containment) and given its action (CREATE, UPDATE, UNCHANGED, RETIRE). Each check adds
// problems to the rows it finds; nothing outside import_rows is written. The apply runs the
// same checks again in its own transaction, so what it writes is what they passed.
//
// The checks rewrite rows many times (each enrichment, each finding). They run on a temporary
// working copy of the import's rows (WORK: no WAL, no foreign key, no index to maintain, so a
// rewrite costs a fraction of one in import_rows), which is saved to import_rows once at the end.

const WORK = sql.raw('pg_temp.import_work');

/** Where the import may write: everything, or these regions (the viewer's and its communities). */
export type RegionScope = { all: true } | { all: false; regionPks: readonly number[] };

// China's extent with a margin (WGS84): a point outside it is a wrong system or swapped axes
const CHINA = sql`ST_MakeEnvelope(73.0, 3.5, 135.5, 54.0, 4326)`;
// Overlaps smaller than this, or thinner on average, are drawing noise (a shared edge drawn twice,
// a GCJ-02 round trip), not a problem: square metres, and metres of mean width
const OVERLAP_M2 = 1;
const SLIVER_M = 0.5;
const GAP_SHARE = 0.01;

interface Found {
  severity: 'ERROR' | 'WARNING';
  field: string;
  reason: string;
  /** SELECT seq, message FROM … (r is the import's rows, in WORK) */
  rows: SQL;
}

/** Adds one problem to every row `found.rows` names (several messages for a row are joined). */
async function flag(database: Database, importId: number, found: Found) {
  await database.rows(sql`
    UPDATE ${WORK} r
    SET problems = r.problems || jsonb_build_array(jsonb_build_object(
      'severity', ${found.severity}::text, 'field', ${found.field}::text,
      'reason', ${found.reason}::text, 'message', r.at || ': ' || f.message))
    FROM (SELECT seq, string_agg(message, '; ') AS message FROM (${found.rows}) x GROUP BY seq) f
    WHERE r.import_id = ${importId} AND r.seq = f.seq`);
}

// This import's rows as r, in a FROM: the join's ON clause holds the import's id, so a check may
// go on with "AND <condition>" and then join other tables. Rows that retire a place (attrs
// _retire: no shape, nothing to write) are judged by the retirement checks alone
const rowsOf = (importId: number) =>
  sql`${WORK} r JOIN (SELECT 1) AS this_import ON r.import_id = ${importId} AND NOT r.attrs ? '_retire'`;
const retiringOf = (importId: number) =>
  sql`${WORK} r JOIN (SELECT 1) AS this_import ON r.import_id = ${importId} AND r.attrs ? '_retire'`;
const hasError = sql`r.problems @> '[{"severity":"ERROR"}]'`;
const areaM2 = (g: SQL) => sql`ST_Area((${g})::geography)`;

/** The table each kind of import writes. */
export const TABLE: Record<ImportKind, string> = {
  REGION: 'regions',
  COMPOUND: 'compounds',
  GRID: 'grids',
  BUILDING: 'buildings',
  PROPERTY_COMPANY: 'property_companies',
  RESOURCE: 'resources',
};

// import_rows' columns, in WORK as there
const COLUMNS = sql.raw(
  'import_id, seq, at, code, name, parent_code, place_by, geom, attrs, problems, action, target_id',
);

/**
 * Runs every check of `kind` on the rows of `importId` and saves what they found in import_rows
 * (returns nothing: the rows hold it). A new import's rows come from `stage`, which writes them
 * into the table it is given and are all saved; otherwise (the re-check at apply) the saved rows
 * are checked again and only those whose findings changed are rewritten. Runs in a transaction
 * of its own (inside the caller's, if any), the working copy's lifetime.
 */
export async function checkImport(
  database: Database,
  importId: number,
  kind: ImportKind,
  scope: RegionScope,
  stage?: (into: SQL) => Promise<void>,
  options: { retireMissing?: boolean } = {},
): Promise<void> {
  await database.transaction(async (tx) => {
    await tx.rows(
      sql`CREATE TEMP TABLE import_work (LIKE import_rows INCLUDING DEFAULTS) ON COMMIT DROP`,
    );
    if (stage) {
      await stage(WORK);
      if (options.retireMissing) await stageRetirements(tx, importId, kind, scope);
    } else
      await tx.rows(sql`
        INSERT INTO ${WORK} (${COLUMNS}) SELECT ${COLUMNS} FROM import_rows WHERE import_id = ${importId}`);
    // plans for the checks' joins (a temporary table is never analysed by itself)
    await analyzeSampled(tx, WORK);
    const fresh = stage !== undefined;
    await runChecks(tx, importId, kind, scope, fresh);
    // a new import's rows are saved with their action decided on the way (one pass, not a
    // rewrite of every row first)
    if (fresh)
      await tx.rows(sql`
        INSERT INTO import_rows (${COLUMNS})
        SELECT import_id, seq, at, code, name, parent_code, place_by, geom, attrs, problems,
          ${actionOf(kind)}, target_id
        FROM ${WORK} r`);
    else
      await tx.rows(sql`
        UPDATE import_rows r SET geom = w.geom, attrs = w.attrs, problems = w.problems,
          action = w.action, target_id = w.target_id
        FROM ${WORK} w
        WHERE r.import_id = ${importId} AND r.seq = w.seq
          AND (ST_AsEWKB(r.geom) IS DISTINCT FROM ST_AsEWKB(w.geom) OR r.attrs IS DISTINCT FROM w.attrs
            OR r.problems IS DISTINCT FROM w.problems OR r.action IS DISTINCT FROM w.action
            OR r.target_id IS DISTINCT FROM w.target_id)`);
    await tx.rows(sql`DROP TABLE ${WORK}`);
  });
}

/**
 * ANALYZE from a sample of 3,000 rows instead of 30,000: the plans here join on codes and
 * shapes, which a small sample describes as well, in a tenth of the time.
 */
export async function analyzeSampled(database: Database, table: SQL) {
  await database.rows(sql`SET LOCAL default_statistics_target = 10`);
  await database.rows(sql`ANALYZE ${table}`);
  await database.rows(sql`SET LOCAL default_statistics_target TO DEFAULT`);
}

/** What a checked row will do: nothing while it has an error. */
const actionOf = (kind: ImportKind) => sql`CASE
  WHEN ${hasError} THEN NULL
  WHEN r.attrs ? '_retire' THEN 'RETIRE'
  WHEN r.target_id IS NULL THEN 'CREATE'
  WHEN ${UNCHANGED[kind]} THEN 'UNCHANGED'
  ELSE 'UPDATE' END`;

/** fresh: a new import's first check (its rows were just read: nothing can have changed yet). */
async function runChecks(
  database: Database,
  importId: number,
  kind: ImportKind,
  scope: RegionScope,
  fresh: boolean,
): Promise<void> {
  const rows = rowsOf(importId);
  // start over: a re-check (at apply) must not keep the first run's findings. Here and below a
  // statement rewrites only the rows it changes, so re-checking an unchanged import rewrites
  // few rows (its target and action are recomputed whole below)
  await database.rows(sql`
    UPDATE ${WORK} r SET problems = (SELECT coalesce(jsonb_agg(p), '[]'::jsonb)
      FROM jsonb_array_elements(r.problems) p WHERE p->>'stage' = 'read')
    WHERE r.import_id = ${importId}
      AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.problems) p WHERE p->>'stage' IS DISTINCT FROM 'read')`);

  // ---- codes ----
  await flag(database, importId, {
    severity: 'ERROR',
    field: '编码',
    reason: 'DUPLICATE_CODE',
    rows: sql`SELECT r.seq, 'code ' || r.code || ' also at ' || string_agg(o.at, ', ' ORDER BY o.seq) AS message
      FROM ${rows} AND r.code IS NOT NULL
      JOIN ${WORK} o ON o.import_id = r.import_id AND o.code = r.code AND o.seq <> r.seq
      GROUP BY r.seq, r.code`,
  });

  // ---- shape for the table ----
  const polygonal = kind === 'REGION' || kind === 'COMPOUND' || kind === 'GRID';
  const pointlike = kind === 'BUILDING' || kind === 'RESOURCE';
  await flag(database, importId, {
    severity: 'ERROR',
    field: 'geometry',
    reason: 'UNREADABLE_GEOMETRY',
    rows: sql`SELECT r.seq, 'the geometry cannot be read or transformed from the file''s coordinate system' AS message
      FROM ${rows} AND r.geom IS NULL AND r.attrs ? '_geometry'`,
  });
  if (polygonal) {
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'MISSING_GEOMETRY',
      rows: sql`SELECT r.seq, 'no boundary: ' || ${kind.toLowerCase()}::text || 's are drawn as polygons' AS message
        FROM ${rows} AND r.geom IS NULL AND NOT r.attrs ? '_geometry'`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'WRONG_GEOMETRY_TYPE',
      rows: sql`SELECT r.seq, 'a ' || ${kind.toLowerCase()}::text || ' is a polygon, found ' || ST_GeometryType(r.geom) AS message
        FROM ${rows} AND r.geom IS NOT NULL AND ST_Dimension(r.geom) <> 2`,
    });
    // repair what GEOS can (self-intersections, ring order), saying what it was
    await flag(database, importId, {
      severity: 'WARNING',
      field: 'geometry',
      reason: 'REPAIRED',
      rows: sql`SELECT r.seq, 'invalid polygon repaired (' || ST_IsValidReason(r.geom) || ')' AS message
        FROM ${rows} AND ST_Dimension(r.geom) = 2 AND NOT ST_IsValid(r.geom)`,
    });
    await database.rows(sql`
      UPDATE ${WORK} r SET geom = ST_CollectionExtract(ST_MakeValid(r.geom), 3)
      WHERE r.import_id = ${importId} AND ST_Dimension(r.geom) = 2 AND NOT ST_IsValid(r.geom)`);
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'INVALID_GEOMETRY',
      rows: sql`SELECT r.seq, 'the polygon has no area once made valid' AS message
        FROM ${rows} AND ST_Dimension(r.geom) = 2 AND (ST_IsEmpty(r.geom) OR ST_Area(r.geom) = 0)`,
    });
    if (kind !== 'REGION') {
      await flag(database, importId, {
        severity: 'ERROR',
        field: 'geometry',
        reason: 'MULTIPART',
        rows: sql`SELECT r.seq, 'the polygon has ' || ST_NumGeometries(r.geom) || ' separate parts: a ' || ${kind.toLowerCase()}::text || ' is one polygon' AS message
          FROM ${rows} AND ST_Dimension(r.geom) = 2 AND ST_NumGeometries(r.geom) > 1`,
      });
      await database.rows(sql`
        UPDATE ${WORK} r SET geom = ST_GeometryN(r.geom, 1)
        WHERE r.import_id = ${importId} AND ST_GeometryType(r.geom) = 'ST_MultiPolygon' AND ST_NumGeometries(r.geom) = 1`);
    } else
      await database.rows(sql`
        UPDATE ${WORK} r SET geom = ST_Multi(r.geom)
        WHERE r.import_id = ${importId} AND ST_GeometryType(r.geom) = 'ST_Polygon'`);
  }
  if (pointlike) {
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'WRONG_GEOMETRY_TYPE',
      rows: sql`SELECT r.seq, 'a ' || ${kind.toLowerCase()}::text || ' is a point (or, for a resource, its service area), found ' || ST_GeometryType(r.geom) AS message
        FROM ${rows} AND r.geom IS NOT NULL AND ST_Dimension(r.geom) = 1`,
    });
  }
  // in China, or the axes are swapped, or the system is wrong
  await flag(database, importId, {
    severity: 'ERROR',
    field: 'geometry',
    reason: 'SWAPPED_LON_LAT',
    rows: sql`SELECT r.seq, 'lies outside China at ' || ST_AsText(ST_PointOnSurface(r.geom), 5) || ', but inside it with longitude and latitude swapped: swap the columns' AS message
      FROM ${rows} AND r.geom IS NOT NULL AND NOT ST_Intersects(r.geom, ${CHINA})
        AND ST_Intersects(ST_FlipCoordinates(r.geom), ${CHINA})`,
  });
  await flag(database, importId, {
    severity: 'ERROR',
    field: 'geometry',
    reason: 'OUTSIDE_CHINA',
    rows: sql`SELECT r.seq, 'lies outside China at ' || ST_AsText(ST_PointOnSurface(r.geom), 5) || ': is the coordinate system right?' AS message
      FROM ${rows} AND r.geom IS NOT NULL AND NOT ST_Intersects(r.geom, ${CHINA})
        AND NOT ST_Intersects(ST_FlipCoordinates(r.geom), ${CHINA})`,
  });

  // ---- the existing row each updates (none: NULL) ----
  const target =
    kind === 'BUILDING'
      ? sql`LEFT JOIN (buildings b JOIN compounds c ON c.id = b.compound_id)
          ON c.code = w.parent_code AND b.number = w.attrs->>'number'`
      : sql`LEFT JOIN ${sql.raw(TABLE[kind])} b ON b.code = w.code`;
  const table = sql.raw(TABLE[kind]);
  // what each row's target was when the file was first checked (the dry run the user saw),
  // taken as the target is found: one rewrite of the rows, not two
  const fingerprint = sql`coalesce((SELECT md5(t::text) FROM ${table} t WHERE t.id = r.target_id), '')`;
  await database.rows(sql`
    UPDATE ${WORK} r SET target_id = m.id,
      attrs = CASE WHEN r.attrs ? '_seen' THEN r.attrs
        ELSE r.attrs || jsonb_build_object('_seen', coalesce((SELECT md5(t::text) FROM ${table} t WHERE t.id = m.id), '')) END
    FROM (SELECT w.seq, b.id FROM ${WORK} w ${target} WHERE w.import_id = ${importId}) m
    WHERE r.import_id = ${importId} AND r.seq = m.seq
      AND (r.target_id IS DISTINCT FROM m.id OR NOT r.attrs ? '_seen')`);

  await KIND_CHECKS[kind](database, importId, scope);
  await retirementChecks(database, importId, kind, scope, fresh);

  // a code kept by another jurisdiction is not taken over by naming one's own community (said
  // once: a row outside by its own community already says so)
  if (!scope.all && (kind === 'COMPOUND' || kind === 'GRID' || kind === 'RESOURCE'))
    await flag(database, importId, {
      severity: 'ERROR',
      field: '编码',
      reason: 'OUTSIDE_JURISDICTION',
      rows: sql`SELECT r.seq, 'code ' || r.code || ' is ' || t.name || ' of ' || coalesce('community ' || c.code, 'no community')
          || ', outside your jurisdiction' AS message
        FROM ${rows} AND r.target_id IS NOT NULL
          AND NOT r.problems @> '[{"reason": "OUTSIDE_JURISDICTION"}]'
        JOIN ${table} t ON t.id = r.target_id
        LEFT JOIN regions c ON c.id = t.community_id
        WHERE ${
          kind === 'RESOURCE'
            ? sql`CASE WHEN t.community_id IS NOT NULL THEN ${outsideScope(scope, sql`c.id`)}
                ELSE NOT EXISTS (SELECT 1 FROM regions g WHERE NOT ${outsideScope(scope, sql`g.id`)}
                  AND ST_Intersects(g.boundary, t.location)) END`
            : outsideScope(scope, sql`c.id`)
        }`,
    });

  // the apply writes what the dry run showed: a target changed (or created) since then by
  // someone else would be overwritten unseen, so the row is refused until the file is checked again
  if (!fresh)
    await flag(database, importId, {
      severity: 'ERROR',
      field: '编码',
      reason: 'CHANGED_SINCE_PREVIEW',
      rows: sql`SELECT r.seq, 'code ' || r.code || CASE WHEN r.attrs->>'_seen' = '' THEN ' was created' ELSE ' was changed' END
        || ' by someone else after this file was checked: upload it again to see what it would change now' AS message
      FROM ${rows} AND r.attrs->>'_seen' <> ${fingerprint}
        AND NOT (r.target_id IS NOT NULL AND ${UNCHANGED[kind]})`,
    });

  // ---- action (none while the row has an error; a new import's is decided as it is saved) ----
  if (!fresh)
    await database.rows(sql`
      UPDATE ${WORK} r SET action = m.action
      FROM (SELECT r.seq, ${actionOf(kind)} AS action FROM ${WORK} r WHERE r.import_id = ${importId}) m
      WHERE r.import_id = ${importId} AND r.seq = m.seq AND r.action IS DISTINCT FROM m.action`);
}

/**
 * "The file is the whole list": the live places of the file's kind that it leaves out are staged
 * as rows that retire them (撤销), numbered after the file's rows. Only places the file speaks for
 * are candidates, so a file of one community never retires another's: compounds and top-level
 * grids of the communities its rows lie in, micro-grids of the grids it names, buildings of the
 * compounds it names, resources of the same kind in the same community — and only within the
 * importer's jurisdiction.
 */
async function stageRetirements(
  database: Database,
  importId: number,
  kind: ImportKind,
  scope: RegionScope,
) {
  const file = sql`(SELECT * FROM ${WORK} f WHERE f.import_id = ${importId})`;
  // the community each file row names or lies in
  const communities = (where: SQL) => sql`(
    SELECT c.id FROM ${file} r JOIN regions c ON c.level = 'COMMUNITY'
      AND (c.code = r.parent_code OR (r.parent_code IS NULL AND r.geom IS NOT NULL
        AND ST_Intersects(c.boundary, ST_PointOnSurface(r.geom))))
    WHERE ${where})`;
  const notInFile = (code: SQL) => sql`NOT EXISTS (SELECT 1 FROM ${file} r WHERE r.code = ${code})`;
  const candidates: Partial<Record<ImportKind, SQL>> = {
    COMPOUND: sql`SELECT t.code, t.name, NULL AS parent_code, t.community_id, NULL AS number
      FROM compounds t WHERE t.retired_at IS NULL AND ${notInFile(sql`t.code`)}
        AND t.community_id IN ${communities(sql`true`)} AND NOT ${outsideScope(scope, sql`t.community_id`)}`,
    GRID: sql`SELECT t.code, t.name, NULL AS parent_code, t.community_id, NULL AS number
      FROM grids t LEFT JOIN grids p ON p.id = t.parent_id
      WHERE t.retired_at IS NULL AND ${notInFile(sql`t.code`)} AND NOT ${outsideScope(scope, sql`t.community_id`)}
        AND CASE WHEN t.parent_id IS NULL
          THEN t.community_id IN ${communities(sql`NOT r.attrs ? 'parentGrid'`)}
          ELSE p.code IN (SELECT r.attrs->>'parentGrid' FROM ${file} r) END`,
    BUILDING: sql`SELECT c.code || '/' || t.number AS code, t.number AS name, c.code AS parent_code,
        c.community_id, t.number
      FROM buildings t JOIN compounds c ON c.id = t.compound_id
      WHERE t.retired_at IS NULL AND ${notInFile(sql`c.code || '/' || t.number`)}
        AND c.code IN (SELECT r.parent_code FROM ${file} r) AND NOT ${outsideScope(scope, sql`c.community_id`)}`,
    RESOURCE: sql`SELECT t.code, t.name, NULL AS parent_code, t.community_id, NULL AS number
      FROM resources t WHERE t.retired_at IS NULL AND ${notInFile(sql`t.code`)}
        AND NOT ${outsideScope(scope, sql`t.community_id`)}
        AND (t.community_id, t.kind::text) IN (
          SELECT c.id, coalesce(r.attrs->>'kind', (SELECT e.kind::text FROM resources e WHERE e.code = r.code))
          FROM ${file} r JOIN regions c ON c.code = r.parent_code AND c.level = 'COMMUNITY')`,
  };
  const candidatesOf = candidates[kind];
  if (!candidatesOf) return;
  await database.rows(sql`
    INSERT INTO ${WORK} (import_id, seq, at, code, name, parent_code, attrs, problems)
    SELECT ${importId}, base.seq + row_number() OVER (ORDER BY x.code), 'not in the file: ' || x.code,
      x.code, x.name, x.parent_code,
      jsonb_strip_nulls(jsonb_build_object('_retire', true, 'parentId', x.community_id, 'number', x.number)),
      '[]'::jsonb
    FROM (${candidatesOf}) x
    CROSS JOIN (SELECT coalesce(max(seq), 0) AS seq FROM ${file} f) base`);
}

/** What retiring each place would leave behind: refused while a resource holds open work. */
async function retirementChecks(
  database: Database,
  importId: number,
  kind: ImportKind,
  scope: RegionScope,
  fresh: boolean,
) {
  const retiring = retiringOf(importId);
  const table = sql.raw(TABLE[kind]);
  if (kind !== 'REGION' && kind !== 'PROPERTY_COMPANY') {
    // a row of the file that names a retired place brings it back: said, so an old file does not
    // bring places back unseen
    await flag(database, importId, {
      severity: 'WARNING',
      field: '编码',
      reason: 'BRINGS_BACK',
      rows: sql`SELECT r.seq, r.code || ' was retired on ' || to_char(t.retired_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
          || ': this row brings it back' || ${
            kind === 'COMPOUND'
              ? sql`coalesce(' with its ' || (SELECT count(*) FROM buildings b WHERE b.compound_id = t.id
                  AND b.retired_at = t.retired_at HAVING count(*) > 0) || ' building(s) retired with it', '')`
              : sql`''`
          } AS message
        FROM ${rowsOf(importId)} JOIN ${table} t ON t.id = r.target_id WHERE t.retired_at IS NOT NULL`,
    });
  }
  // most imports retire nothing: one look instead of a scan per check
  const [any] = await database.rows<{ found: boolean }>(
    sql`SELECT EXISTS (SELECT 1 FROM ${retiring}) AS found`,
  );
  if (!any?.found) return;
  if (!fresh)
    await flag(database, importId, {
      severity: 'ERROR',
      field: '编码',
      reason: 'CHANGED_SINCE_PREVIEW',
      rows: sql`SELECT r.seq, r.code || ' was changed by someone else after this file was checked: upload it again to see what it would change now' AS message
      FROM ${retiring} AND r.attrs->>'_seen' <> coalesce((SELECT md5(t::text) FROM ${table} t WHERE t.id = r.target_id), '')`,
    });
  await flag(database, importId, {
    severity: 'ERROR',
    field: '编码',
    reason: 'UNKNOWN_CODE',
    rows: sql`SELECT r.seq, 'nothing has the code ' || r.code || ' to retire' AS message
      FROM ${retiring} AND r.target_id IS NULL`,
  });
  if (kind === 'REGION' || kind === 'PROPERTY_COMPANY') {
    await flag(database, importId, {
      severity: 'ERROR',
      field: '编码',
      reason: 'NOT_RETIRABLE',
      rows: sql`SELECT r.seq, 'regions and property companies are not retired here' AS message
        FROM ${retiring}`,
    });
    return;
  }
  await flag(database, importId, {
    severity: 'ERROR',
    field: '编码',
    reason: 'ALREADY_RETIRED',
    rows: sql`SELECT r.seq, r.code || ' was retired on ' || to_char(t.retired_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS message
      FROM ${retiring} JOIN ${table} t ON t.id = r.target_id WHERE t.retired_at IS NOT NULL`,
  });
  const community =
    kind === 'BUILDING'
      ? sql`(SELECT c.community_id FROM compounds c WHERE c.id = t.compound_id)`
      : sql`t.community_id`;
  if (!scope.all)
    await flag(database, importId, {
      severity: 'ERROR',
      field: '编码',
      reason: 'OUTSIDE_JURISDICTION',
      rows: sql`SELECT r.seq, r.code || ' is outside your jurisdiction' AS message
        FROM ${retiring} JOIN ${table} t ON t.id = r.target_id
        WHERE CASE WHEN ${community} IS NOT NULL THEN ${outsideScope(scope, community)}
          -- a resource of no community (a street's or department's team): where it stands
          ELSE NOT EXISTS (SELECT 1 FROM regions g WHERE NOT ${outsideScope(scope, sql`g.id`)}
            AND ST_Intersects(g.boundary, t.${sql.raw(kind === 'RESOURCE' || kind === 'BUILDING' ? 'location' : 'boundary')})) END`,
    });
  if (kind === 'RESOURCE')
    await flag(database, importId, {
      severity: 'ERROR',
      field: '编码',
      reason: 'HAS_OPEN_WORK',
      rows: sql`SELECT r.seq, r.code || ' still holds ' || count(*) || ' open ticket(s) (' || string_agg(u.code, '、' ORDER BY u.code)
          || '): send them to someone else first' AS message
        FROM ${retiring} JOIN ticket_assignments a ON a.resource_id = r.target_id AND a.status IN ('OFFERED', 'ACCEPTED')
        JOIN tickets u ON u.id = a.ticket_id AND u.status IN ('DISPATCHED', 'IN_PROGRESS', 'SUSPENDED')
        GROUP BY r.seq, r.code`,
    });
  if (kind === 'COMPOUND' || kind === 'GRID')
    await flag(database, importId, {
      severity: 'WARNING',
      field: '编码',
      reason: 'OPEN_TICKETS_STAY',
      rows: sql`SELECT r.seq, count(*) || ' open ticket(s) stay with ' || r.code || ' until closed (or re-placed with rederiveTickets)' AS message
        FROM ${retiring} JOIN tickets u ON u.${sql.raw(kind === 'COMPOUND' ? 'compound_id' : 'grid_id')} = r.target_id
          AND u.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')
        GROUP BY r.seq, r.code`,
    });
  if (kind === 'COMPOUND' || kind === 'GRID')
    await flag(database, importId, {
      severity: 'WARNING',
      field: '编码',
      reason: kind === 'COMPOUND' ? 'BUILDINGS_RETIRE' : 'MICRO_GRIDS_RETIRE',
      rows: sql`SELECT r.seq, 'its ' || count(*) || ${kind === 'COMPOUND' ? ' building(s)' : ' micro-grid(s)'}::text || ' retire with it' AS message
        FROM ${retiring} JOIN ${sql.raw(kind === 'COMPOUND' ? 'buildings' : 'grids')} x
          ON x.${sql.raw(kind === 'COMPOUND' ? 'compound_id' : 'parent_id')} = r.target_id AND x.retired_at IS NULL
        GROUP BY r.seq`,
    });
}

/** The row is the same as the one it would update (absent attributes keep theirs). */
const same = (column: string, value: SQL) =>
  sql`(${value} IS NULL OR t.${sql.raw(column)} IS NOT DISTINCT FROM ${value})`;
const attr = (key: string, type = 'text') => sql`(r.attrs->>${key})::${sql.raw(type)}`;
const attrArray = (key: string) =>
  sql`(SELECT array_agg(v ORDER BY o) FROM jsonb_array_elements_text(r.attrs->${key}) WITH ORDINALITY AS a(v, o))`;
const sameGeometry = (column: string) =>
  sql`(r.geom IS NULL OR ST_Equals(t.${sql.raw(column)}, r.geom))`;

const UNCHANGED: Record<ImportKind, SQL> = {
  REGION: sql`EXISTS (SELECT 1 FROM regions t WHERE t.id = r.target_id AND t.name = r.name
    AND ${same('parent_id', attr('parentId', 'int'))} AND ${sameGeometry('boundary')})`,
  COMPOUND: sql`EXISTS (SELECT 1 FROM compounds t WHERE t.id = r.target_id AND t.name = r.name AND t.retired_at IS NULL
    AND ${same('community_id', attr('parentId', 'int'))} AND ${sameGeometry('boundary')}
    AND ${same('households', attr('households', 'int'))} AND ${same('year_built', attr('yearBuilt', 'smallint'))}
    AND ${same('property_company_id', attr('propertyCompanyId', 'int'))} AND ${same('tags', attrArray('tags'))})`,
  GRID: sql`EXISTS (SELECT 1 FROM grids t WHERE t.id = r.target_id AND t.name = r.name AND t.retired_at IS NULL
    AND ${same('community_id', attr('parentId', 'int'))} AND t.parent_id IS NOT DISTINCT FROM ${attr('parentGridId', 'int')}
    AND ${same('kinds', attrArray('kinds'))} AND ${sameGeometry('boundary')})`,
  BUILDING: sql`EXISTS (SELECT 1 FROM buildings t WHERE t.id = r.target_id AND t.retired_at IS NULL
    AND ${same('floors', attr('floors', 'smallint'))} AND ${same('households', attr('households', 'int'))}
    AND ${sameGeometry('location')})`,
  PROPERTY_COMPANY: sql`EXISTS (SELECT 1 FROM property_companies t WHERE t.id = r.target_id AND t.name = r.name
    AND ${same('phone', attr('phone'))} AND ${same('has_party_branch', attr('hasPartyBranch', 'boolean'))})`,
  RESOURCE: sql`EXISTS (SELECT 1 FROM resources t WHERE t.id = r.target_id AND t.name = r.name AND t.retired_at IS NULL
    AND ${same('kind', sql`${attr('kind')}::resource_kind`)} AND ${same('community_id', attr('parentId', 'int'))}
    AND ${sameGeometry('location')}
    AND ${same('capabilities', attrArray('capabilities'))} AND ${same('capacity', attr('capacity', 'int'))}
    AND ${same('availability', sql`r.attrs->'availability'`)} AND ${same('may_decline', attr('mayDecline', 'boolean'))}
    AND ${same('contact_name', attr('contactName'))} AND ${same('contact_phone', attr('contactPhone'))}
    AND (r.attrs->'serviceAreaWkt' IS NULL OR ST_Equals(t.service_area, ${attr('serviceAreaWkt')}::geometry))
    AND (r.attrs->'claims' IS NULL OR (SELECT array_agg(coalesce(g.code, c.code) ORDER BY coalesce(g.code, c.code))
          FROM resource_claims rc LEFT JOIN grids g ON g.id = rc.grid_id LEFT JOIN compounds c ON c.id = rc.compound_id
          WHERE rc.resource_id = t.id AND g.retired_at IS NULL AND c.retired_at IS NULL) IS NOT DISTINCT FROM
        (SELECT array_agg(v ORDER BY v) FROM jsonb_array_elements_text(r.attrs->'claims') v)))`,
};

/** The rows of the file that name no region the viewer may write. */
const outsideScope = (scope: RegionScope, regionPk: SQL) =>
  scope.all
    ? sql`false`
    : scope.regionPks.length === 0
      ? sql`true`
      : sql`NOT (${regionPk} = ANY(ARRAY[${sql.join(
          scope.regionPks.map((pk) => sql`${pk}`),
          sql`, `,
        )}]::int[]))`;

/** The community a row names by its code (attrs.parentId), or the row's UNKNOWN_COMMUNITY. */
async function namedCommunity(database: Database, importId: number) {
  await database.rows(sql`
    UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('parentId', c.id)
    FROM regions c WHERE r.import_id = ${importId} AND c.code = r.parent_code AND c.level = 'COMMUNITY'
        AND NOT r.attrs @> jsonb_build_object('parentId', c.id)`);
  await flag(database, importId, {
    severity: 'ERROR',
    field: '所属社区',
    reason: 'UNKNOWN_COMMUNITY',
    rows: sql`SELECT r.seq, 'no community has the code ' || r.parent_code AS message
      FROM ${rowsOf(importId)} AND r.parent_code IS NOT NULL AND NOT r.attrs ? 'parentId'`,
  });
}

/**
 * A compound's or grid's community: the code it names, or else the community its shape lies in
 * (found by PostGIS, and said as a warning so the user sees the guess).
 */
async function placeInCommunity(database: Database, importId: number, scope: RegionScope) {
  const rows = rowsOf(importId);
  await namedCommunity(database, importId);
  await database.rows(sql`
    UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('parentId', c.id, 'parentByPosition', c.code)
    FROM regions c
    WHERE r.import_id = ${importId} AND r.parent_code IS NULL AND r.geom IS NOT NULL
      AND c.level = 'COMMUNITY' AND ST_Intersects(c.boundary, ST_PointOnSurface(r.geom))
        AND NOT r.attrs @> jsonb_build_object('parentId', c.id, 'parentByPosition', c.code)`);
  await flag(database, importId, {
    severity: 'WARNING',
    field: '所属社区',
    reason: 'COMMUNITY_BY_POSITION',
    rows: sql`SELECT r.seq, 'no community named: placed in ' || (r.attrs->>'parentByPosition') || ', the community it lies in' AS message
      FROM ${rows} AND r.attrs ? 'parentByPosition'`,
  });
  await flag(database, importId, {
    severity: 'ERROR',
    field: '所属社区',
    reason: 'NO_COMMUNITY',
    rows: sql`SELECT r.seq, 'no community named and none contains it: add a 所属社区 column or import the communities first' AS message
      FROM ${rows} AND r.parent_code IS NULL AND r.geom IS NOT NULL AND NOT r.attrs ? 'parentId'`,
  });
  await flag(database, importId, {
    severity: 'ERROR',
    field: '所属社区',
    reason: 'OUTSIDE_JURISDICTION',
    rows: sql`SELECT r.seq, 'community ' || c.code || ' is outside your jurisdiction' AS message
      FROM ${rows} AND r.attrs ? 'parentId' JOIN regions c ON c.id = (r.attrs->>'parentId')::int
      WHERE ${outsideScope(scope, sql`c.id`)}`,
  });
  // lies in the community it names (its inner point, and most of its area)
  await flag(database, importId, {
    severity: 'ERROR',
    field: 'geometry',
    reason: 'OUTSIDE_COMMUNITY',
    rows: sql`SELECT r.seq, 'lies outside its community ' || c.code || ' (' || c.name || ')' AS message
      FROM ${rows} AND r.geom IS NOT NULL AND r.parent_code IS NOT NULL
      JOIN regions c ON c.id = (r.attrs->>'parentId')::int
      WHERE NOT ST_Intersects(c.boundary, ST_PointOnSurface(r.geom))`,
  });
  await flag(database, importId, {
    severity: 'WARNING',
    field: 'geometry',
    reason: 'PARTLY_OUTSIDE_COMMUNITY',
    rows: sql`SELECT r.seq, round((100 * (1 - ST_Area(ST_Intersection(c.boundary, r.geom)) / ST_Area(r.geom)))::numeric, 1)
        || '% of it lies outside its community ' || c.code AS message
      FROM ${rows} AND ST_Dimension(r.geom) = 2 AND NOT ${hasError}
      JOIN regions c ON c.id = (r.attrs->>'parentId')::int
      WHERE ST_Intersects(c.boundary, ST_PointOnSurface(r.geom)) AND NOT ST_Within(r.geom, c.boundary)
        AND ST_Area(ST_Intersection(c.boundary, r.geom)) < 0.9 * ST_Area(r.geom)`,
  });
}

const KIND_CHECKS: Record<
  ImportKind,
  (database: Database, importId: number, scope: RegionScope) => Promise<void>
> = {
  async REGION(database, importId, scope) {
    const rows = rowsOf(importId);
    // level: as written, else by the name's ending (街道/镇/乡, 社区/村, 区/县/市)
    await database.rows(sql`
      UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('level', CASE
        WHEN r.name ~ '(街道|镇|乡)$' THEN 'STREET' WHEN r.name ~ '(社区|村|居委会)$' THEN 'COMMUNITY'
        WHEN r.name ~ '(区|县|市)$' THEN 'DISTRICT' END)
      WHERE r.import_id = ${importId} AND NOT r.attrs ? 'level' AND r.name IS NOT NULL`);
    await flag(database, importId, {
      severity: 'ERROR',
      field: '级别',
      reason: 'UNKNOWN_LEVEL',
      rows: sql`SELECT r.seq, 'is it a street or a community? add a 级别 column (街道/社区)' AS message
        FROM ${rows} AND (r.attrs->>'level') IS NULL`,
    });
    await database.rows(sql`
      UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('parentId', p.id)
      FROM regions p WHERE r.import_id = ${importId} AND p.code = r.parent_code
        AND NOT r.attrs @> jsonb_build_object('parentId', p.id)`);
    const expectedParent = sql`CASE r.attrs->>'level' WHEN 'STREET' THEN 'DISTRICT' WHEN 'COMMUNITY' THEN 'STREET' END`;
    await flag(database, importId, {
      severity: 'ERROR',
      field: '上级编码',
      reason: 'UNKNOWN_PARENT',
      rows: sql`SELECT r.seq, CASE WHEN r.parent_code IS NULL THEN 'a ' || lower(r.attrs->>'level') || ' needs its parent (上级编码)'
          ELSE 'no region has the code ' || r.parent_code END AS message
        FROM ${rows} AND r.attrs->>'level' <> 'DISTRICT' AND NOT r.attrs ? 'parentId'
          AND NOT EXISTS (SELECT 1 FROM ${WORK} p WHERE p.import_id = r.import_id AND p.code = r.parent_code
            AND p.attrs->>'level' = ${expectedParent})`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: '上级编码',
      reason: 'WRONG_PARENT_LEVEL',
      rows: sql`SELECT r.seq, r.parent_code || ' is a ' || lower(p.level::text) || ', not the ' || lower(${expectedParent}) || ' a ' || lower(r.attrs->>'level') || ' belongs to' AS message
        FROM ${rows} JOIN regions p ON p.id = (r.attrs->>'parentId')::int
        WHERE p.level::text <> ${expectedParent} OR r.attrs->>'level' = 'DISTRICT'`,
    });
    // a street's staff may keep their communities; a district's, their streets; all, anything
    await flag(database, importId, {
      severity: 'ERROR',
      field: '上级编码',
      reason: 'OUTSIDE_JURISDICTION',
      rows: sql`SELECT r.seq, 'outside your jurisdiction' AS message FROM ${rows}
        AND ${
          scope.all
            ? sql`false`
            : sql`(r.attrs->>'level' = 'DISTRICT'
          OR (r.target_id IS NOT NULL AND ${outsideScope(scope, sql`r.target_id`)})
          OR (r.target_id IS NULL AND NOT coalesce(
            NOT ${outsideScope(scope, sql`(r.attrs->>'parentId')::int`)},
            -- a community of a street this file creates: judged by that street's parent
            (SELECT NOT ${outsideScope(scope, sql`(p.attrs->>'parentId')::int`)} FROM ${WORK} p
              WHERE p.import_id = r.import_id AND p.code = r.parent_code AND p.target_id IS NULL),
            false)))`
        }`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'OUTSIDE_PARENT',
      rows: sql`SELECT r.seq, 'lies outside its parent ' || p.code || ' (' || p.name || ')' AS message
        FROM ${rows} AND ST_Dimension(r.geom) = 2 JOIN regions p ON p.id = (r.attrs->>'parentId')::int
        WHERE NOT ST_Intersects(p.boundary, ST_PointOnSurface(r.geom))`,
    });
  },

  async COMPOUND(database, importId, scope) {
    const rows = rowsOf(importId);
    await placeInCommunity(database, importId, scope);
    await database.rows(sql`
      UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('propertyCompanyId', p.id)
      FROM property_companies p
      WHERE r.import_id = ${importId} AND (p.code = r.attrs->>'propertyCompany' OR p.name = r.attrs->>'propertyCompany')
        AND NOT r.attrs @> jsonb_build_object('propertyCompanyId', p.id)`);
    await flag(database, importId, {
      severity: 'ERROR',
      field: '物业公司',
      reason: 'UNKNOWN_PROPERTY_COMPANY',
      rows: sql`SELECT r.seq, 'no property company has the code or name ' || (r.attrs->>'propertyCompany') || ': import the property companies first' AS message
        FROM ${rows} AND r.attrs ? 'propertyCompany' AND NOT r.attrs ? 'propertyCompanyId'`,
    });
    await flag(database, importId, {
      severity: 'WARNING',
      field: 'geometry',
      reason: 'NOT_IN_GRID',
      rows: sql`SELECT r.seq, 'no grid covers it: nobody is on duty for it until a grid is drawn' AS message
        FROM ${rows} AND ST_Dimension(r.geom) = 2 AND NOT ${hasError}
          AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.parent_id IS NULL AND g.retired_at IS NULL
            AND ST_Intersects(g.boundary, ST_PointOnSurface(r.geom)))`,
    });
  },

  async GRID(database, importId, scope) {
    const rows = rowsOf(importId);
    await placeInCommunity(database, importId, scope);
    // a micro-grid names its grid (in the database or in this file)
    await database.rows(sql`
      UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('parentGridId', g.id)
      FROM grids g WHERE r.import_id = ${importId} AND g.code = r.attrs->>'parentGrid' AND g.retired_at IS NULL
        AND NOT r.attrs @> jsonb_build_object('parentGridId', g.id)`);
    await flag(database, importId, {
      severity: 'ERROR',
      field: '上级网格',
      reason: 'UNKNOWN_GRID',
      rows: sql`SELECT r.seq, 'no grid in use has the code ' || (r.attrs->>'parentGrid') AS message
        FROM ${rows} AND r.attrs ? 'parentGrid' AND NOT r.attrs ? 'parentGridId'
          AND NOT EXISTS (SELECT 1 FROM ${WORK} p WHERE p.import_id = r.import_id AND p.code = r.attrs->>'parentGrid')`,
    });
    // the grids as they will be: this file's, and those already there that it does not replace
    const after = sql`(
      SELECT r.code, r.seq, r.geom, r.attrs->>'parentGrid' AS parent_code, (r.attrs->>'parentId')::int AS community_id
        FROM ${WORK} r WHERE r.import_id = ${importId} AND ST_Dimension(r.geom) = 2
      UNION ALL
      SELECT g.code, NULL, g.boundary, p.code, g.community_id FROM grids g LEFT JOIN grids p ON p.id = g.parent_id
        WHERE g.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM ${WORK} r WHERE r.import_id = ${importId} AND r.code = g.code))`;
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'GRID_OVERLAP',
      rows: sql`SELECT r.seq, 'overlaps grid ' || o.code || ' by ' || round(ST_Area(i.shared)::numeric) || ' m²' AS message
        FROM ${rows} AND ST_Dimension(r.geom) = 2 AND NOT ${hasError}
        JOIN ${after} o ON o.code IS DISTINCT FROM r.code AND o.parent_code IS NOT DISTINCT FROM r.attrs->>'parentGrid'
          AND ST_Intersects(o.geom, r.geom) AND NOT ST_Touches(o.geom, r.geom)
        CROSS JOIN LATERAL (SELECT ST_Intersection(r.geom, o.geom)::geography AS shared) i
        WHERE ST_Area(i.shared) > ${OVERLAP_M2} AND ST_Area(i.shared) > ${SLIVER_M} * ST_Perimeter(i.shared) / 2`,
    });
    // one level: a micro-grid naming itself, another micro-grid, or one that names it back would
    // be written with no parent at all (a top-level grid no overlap check has seen)
    await flag(database, importId, {
      severity: 'ERROR',
      field: '上级网格',
      reason: 'PARENT_NOT_A_GRID',
      rows: sql`SELECT r.seq, CASE WHEN p.code = r.code THEN 'a micro-grid cannot lie in itself'
          ELSE (r.attrs->>'parentGrid') || ' is itself a micro-grid (of ' || p.parent_code || '): a micro-grid lies in a grid' END AS message
        FROM ${rows} AND r.attrs ? 'parentGrid'
        JOIN ${after} p ON p.code = r.attrs->>'parentGrid'
        WHERE p.parent_code IS NOT NULL`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: 'geometry',
      reason: 'OUTSIDE_GRID',
      rows: sql`SELECT r.seq, 'a micro-grid must lie in its grid ' || (r.attrs->>'parentGrid') AS message
        FROM ${rows} AND ST_Dimension(r.geom) = 2 AND r.attrs ? 'parentGrid'
        JOIN ${after} p ON p.code = r.attrs->>'parentGrid'
        WHERE ${areaM2(sql`ST_Difference(r.geom, p.geom)`)} > ${OVERLAP_M2}`,
    });
    // each community the file touches: the part its grids leave uncovered, and the compounds no
    // grid covers, said on the file's first grid of that community
    await flag(database, importId, {
      severity: 'WARNING',
      field: 'geometry',
      reason: 'GRID_GAP',
      rows: sql`SELECT first.seq, 'the grids leave ' || round(gap.m2::numeric) || ' m² (' || round((100 * gap.m2 / gap.total)::numeric, 1)
          || '%) of community ' || c.code || ' uncovered' AS message
        FROM regions c
        JOIN LATERAL (SELECT min(r.seq) AS seq FROM ${WORK} r WHERE r.import_id = ${importId}
          AND (r.attrs->>'parentId')::int = c.id AND r.attrs->>'parentGrid' IS NULL) first ON first.seq IS NOT NULL
        JOIN LATERAL (SELECT ${areaM2(sql`ST_Difference(c.boundary, coalesce(ST_Union(a.geom), 'GEOMETRYCOLLECTION EMPTY'::geometry))`)} AS m2,
            ${areaM2(sql`c.boundary`)} AS total
          FROM ${after} a WHERE a.community_id = c.id AND a.parent_code IS NULL) gap ON true
        WHERE gap.m2 > ${GAP_SHARE} * gap.total`,
    });
    await flag(database, importId, {
      severity: 'WARNING',
      field: 'geometry',
      reason: 'COMPOUNDS_NOT_IN_GRID',
      rows: sql`SELECT first.seq, count(*) || ' compounds of community ' || c.code || ' lie in no grid: '
          || string_agg(k.name, '、' ORDER BY k.code) AS message
        FROM regions c
        JOIN LATERAL (SELECT min(r.seq) AS seq FROM ${WORK} r WHERE r.import_id = ${importId}
          AND (r.attrs->>'parentId')::int = c.id AND r.attrs->>'parentGrid' IS NULL) first ON first.seq IS NOT NULL
        JOIN compounds k ON k.community_id = c.id AND k.retired_at IS NULL
        WHERE NOT EXISTS (SELECT 1 FROM ${after} a WHERE a.parent_code IS NULL
          AND ST_Intersects(a.geom, ST_PointOnSurface(k.boundary)))
        GROUP BY first.seq, c.code`,
    });
  },

  async BUILDING(database, importId, scope) {
    const rows = rowsOf(importId);
    await database.rows(sql`
      UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('parentId', c.id, 'communityId', c.community_id)
      FROM compounds c WHERE r.import_id = ${importId} AND c.code = r.parent_code
        AND (c.retired_at IS NULL OR r.attrs ? '_retire')
        AND NOT r.attrs @> jsonb_build_object('parentId', c.id, 'communityId', c.community_id)`);
    await flag(database, importId, {
      severity: 'ERROR',
      field: '所属小区',
      reason: 'UNKNOWN_COMPOUND',
      rows: sql`SELECT r.seq, CASE WHEN r.parent_code IS NULL THEN 'a building needs its compound (所属小区编码)'
          ELSE 'no compound in use has the code ' || r.parent_code END AS message
        FROM ${rows} AND NOT r.attrs ? 'parentId'`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: '所属小区',
      reason: 'OUTSIDE_JURISDICTION',
      rows: sql`SELECT r.seq, 'compound ' || r.parent_code || ' is outside your jurisdiction' AS message
        FROM ${rows} AND r.attrs ? 'communityId' AND ${outsideScope(scope, sql`(r.attrs->>'communityId')::int`)}`,
    });
    // a footprint stands for its inner point; no position at all: its compound's
    await database.rows(sql`
      UPDATE ${WORK} r SET geom = ST_PointOnSurface(r.geom)
      WHERE r.import_id = ${importId} AND ST_Dimension(r.geom) = 2`);
    await flag(database, importId, {
      severity: 'WARNING',
      field: 'geometry',
      reason: 'PLACED_AT_COMPOUND',
      rows: sql`SELECT r.seq, 'no position: placed at the middle of compound ' || r.parent_code AS message
        FROM ${rows} AND r.geom IS NULL AND NOT r.attrs ? '_geometry' AND r.target_id IS NULL AND r.attrs ? 'parentId'`,
    });
    await database.rows(sql`
      UPDATE ${WORK} r SET geom = ST_PointOnSurface(c.boundary) FROM compounds c
      WHERE r.import_id = ${importId} AND r.geom IS NULL AND NOT r.attrs ? '_geometry' AND r.target_id IS NULL
        AND c.id = (r.attrs->>'parentId')::int`);
    await flag(database, importId, {
      severity: 'WARNING',
      field: 'geometry',
      reason: 'OUTSIDE_COMPOUND',
      rows: sql`SELECT r.seq, 'stands outside its compound ' || c.code AS message
        FROM ${rows} AND r.geom IS NOT NULL JOIN compounds c ON c.id = (r.attrs->>'parentId')::int
        WHERE NOT ST_Intersects(c.boundary, r.geom)`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: '层数',
      reason: 'MISSING_FLOORS',
      rows: sql`SELECT r.seq, 'a new building needs its number of floors (层数)' AS message
        FROM ${rows} AND r.target_id IS NULL AND NOT r.attrs ? 'floors'`,
    });
  },

  async PROPERTY_COMPANY() {
    // no place: a property company serves compounds anywhere in the district
  },

  async RESOURCE(database, importId, scope) {
    const rows = rowsOf(importId);
    await namedCommunity(database, importId);
    await flag(database, importId, {
      severity: 'ERROR',
      field: '类型',
      reason: 'MISSING_KIND',
      rows: sql`SELECT r.seq, 'a new resource needs its kind (类型: 在职党员, 志愿服务队, 社会组织 …)' AS message
        FROM ${rows} AND r.target_id IS NULL AND NOT r.attrs ? 'kind'`,
    });
    // a polygon is the service area, the resource stands at its inner point
    await database.rows(sql`
      UPDATE ${WORK} r SET attrs = r.attrs || jsonb_build_object('serviceAreaWkt', ST_AsEWKT(ST_Multi(ST_CollectionExtract(ST_MakeValid(r.geom), 3)))),
        geom = ST_PointOnSurface(ST_MakeValid(r.geom))
      WHERE r.import_id = ${importId} AND ST_Dimension(r.geom) = 2`);
    // no position: the building or compound it names (code, or a compound's unique name)
    await database.rows(sql`
      UPDATE ${WORK} r SET geom = coalesce(
        (SELECT b.location FROM buildings b JOIN compounds c ON c.id = b.compound_id
          WHERE c.code || '/' || b.number = r.place_by AND b.retired_at IS NULL),
        (SELECT ST_PointOnSurface(c.boundary) FROM compounds c WHERE c.code = r.place_by AND c.retired_at IS NULL),
        (SELECT ST_PointOnSurface(min(c.boundary::text)::geometry) FROM compounds c
          WHERE c.name = r.place_by AND c.retired_at IS NULL HAVING count(*) = 1))
      WHERE r.import_id = ${importId} AND r.geom IS NULL AND r.place_by IS NOT NULL`);
    await flag(database, importId, {
      severity: 'ERROR',
      field: '所属小区',
      reason: 'UNPLACEABLE',
      rows: sql`SELECT r.seq, CASE WHEN r.place_by IS NULL THEN 'no position: give 经度/纬度, WKT, or the compound or building it is in'
          ELSE 'cannot place it: no building or compound (code, or a name only one compound has) is ' || r.place_by END AS message
        FROM ${rows} AND r.geom IS NULL AND NOT r.attrs ? '_geometry' AND r.target_id IS NULL`,
    });
    // (the apply writes the row's geom, or keeps the resource's location where the row has none)
    // a resource of no community (a street's or department's team) is judged by where it stands
    await flag(database, importId, {
      severity: 'ERROR',
      field: '所属社区',
      reason: 'OUTSIDE_JURISDICTION',
      rows: sql`SELECT r.seq, 'outside your jurisdiction' AS message FROM ${rows}
        AND ${
          scope.all
            ? sql`false`
            : sql`(CASE WHEN r.attrs ? 'parentId' THEN ${outsideScope(scope, sql`(r.attrs->>'parentId')::int`)}
                ELSE NOT EXISTS (SELECT 1 FROM regions g WHERE NOT ${outsideScope(scope, sql`g.id`)}
                  AND r.geom IS NOT NULL AND ST_Intersects(g.boundary, r.geom)) END)`
        }`,
    });
    await flag(database, importId, {
      severity: 'WARNING',
      field: '能力',
      reason: 'UNKNOWN_CAPABILITY',
      rows: sql`SELECT r.seq, 'capabilities no category asks for: ' || string_agg(v, '、') AS message
        FROM ${rows} AND r.attrs ? 'capabilities', jsonb_array_elements_text(r.attrs->'capabilities') v
        -- (NOT IN: one hashed set of the categories' capabilities, not a scan per value)
        WHERE v NOT IN (SELECT c FROM categories k, unnest(k.capabilities) c WHERE c IS NOT NULL)
        GROUP BY r.seq`,
    });
    await flag(database, importId, {
      severity: 'ERROR',
      field: '认领责任区',
      reason: 'UNKNOWN_ZONE',
      rows: sql`SELECT r.seq, 'claims ' || string_agg(v, '、') || ': no grid or compound has that code' AS message
        FROM ${rows} AND r.attrs ? 'claims', jsonb_array_elements_text(r.attrs->'claims') v
        WHERE NOT EXISTS (SELECT 1 FROM grids g WHERE g.code = v AND g.retired_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM compounds c WHERE c.code = v AND c.retired_at IS NULL)
        GROUP BY r.seq`,
    });
  },
};
