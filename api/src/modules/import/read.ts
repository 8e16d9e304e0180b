import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { parseShp, parseDbf } from 'shpjs';
import { badInput } from '../../errors';

// Files as offices hold them → one list of records, each with a geometry (or none: a table
// placed later by code or name) and its attributes as written. Formats are read by maintained
// libraries (shpjs/parsedbf, csv-parse, exceljs, fflate); coordinates are left in the file's
// own system for PostGIS to transform (crs.ts names it).

export interface SourceRecord {
  /** Where it is in the file, as a person would find it: "feature 3", "row 5". */
  at: string;
  geometry: GeoJSONGeometry | null;
  properties: Record<string, unknown>;
}

export interface SourceFile {
  fileName: string;
  format: 'GEOJSON' | 'SHAPEFILE' | 'CSV' | 'XLSX';
  /** The system the file itself declares (.prj, a GeoJSON crs member), if any. */
  declaredCrs: { prj: string } | { name: string } | undefined;
  records: SourceRecord[];
  /** Things read but worth saying, e.g. which text encoding was assumed. */
  notes: string[];
}

export interface GeoJSONGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: unknown;
}

export interface ReadLimits {
  /** Vertices one feature may have; a hand-drawn compound has tens, a street a few thousand. */
  maxVertices: number;
  maxRecords: number;
}

export const READ_LIMITS: ReadLimits = { maxVertices: 100_000, maxRecords: 500_000 };

const refuse = (fileName: string, reason: string, message: string, field = 'file') =>
  badInput(field, reason, `${fileName}: ${message}`);

/** Reads one uploaded file by its name and its first bytes. Throws BAD_USER_INPUT naming the file. */
export async function readImportFile(
  fileName: string,
  bytes: Uint8Array,
  limits: ReadLimits = READ_LIMITS,
): Promise<SourceFile> {
  if (bytes.length === 0) throw refuse(fileName, 'EMPTY_FILE', 'the file is empty');
  const lower = fileName.toLowerCase();
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b; // "PK": zip, and so also xlsx
  let file: SourceFile;
  if (lower.endsWith('.xlsx')) file = await readXlsx(fileName, bytes);
  else if (lower.endsWith('.zip') || (isZip && !lower.endsWith('.csv')))
    file = readZippedShapefile(fileName, bytes);
  else if (lower.endsWith('.shp'))
    throw refuse(
      fileName,
      'SHAPEFILE_NOT_ZIPPED',
      'a shapefile is several files (.shp, .shx, .dbf, .prj, .cpg): zip them together and upload the .zip',
    );
  else if (lower.endsWith('.csv') || lower.endsWith('.txt')) file = readCsv(fileName, bytes);
  else if (lower.endsWith('.json') || lower.endsWith('.geojson') || bytes[0] === 0x7b)
    file = readGeoJson(fileName, bytes);
  else
    throw refuse(
      fileName,
      'UNKNOWN_FORMAT',
      'not a format Yitu reads: upload GeoJSON (.geojson), a zipped shapefile (.zip), CSV or xlsx',
    );
  if (file.records.length === 0)
    throw refuse(fileName, 'EMPTY_FILE', 'the file holds no features or rows');
  if (file.records.length > limits.maxRecords)
    throw refuse(
      fileName,
      'TOO_MANY_RECORDS',
      `${file.records.length} records, more than the ${limits.maxRecords} one import takes: split the file`,
    );
  for (const record of file.records)
    if (record.geometry) checkGeometry(fileName, record, limits.maxVertices);
  return file;
}

// ---- text ----

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Text as offices save it: UTF-8 (with or without a byte-order mark) or, from Excel and older
 * GIS tools on Chinese Windows, GB18030/GBK. A file that starts with the UTF-8 mark but is not
 * UTF-8 after it was re-encoded halfway: refused, naming the first line that does not decode.
 */
export function decodeText(
  fileName: string,
  bytes: Uint8Array,
): { text: string; encoding: string } {
  const hasBom = UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'UTF-8' };
  } catch {
    if (hasBom) {
      const line = firstUndecodableLine(body);
      throw badInput(
        `row ${line}`,
        'ENCODING_MISMATCH',
        `${fileName}: starts with a UTF-8 byte-order mark but row ${line} is not UTF-8 (GBK saved after the mark?): save the whole file as UTF-8, or as GBK without the mark`,
      );
    }
    return { text: new TextDecoder('gb18030').decode(body), encoding: 'GB18030' };
  }
}

function firstUndecodableLine(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

// ---- GeoJSON ----

function readGeoJson(fileName: string, bytes: Uint8Array): SourceFile {
  const { text } = decodeText(fileName, bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw refuse(fileName, 'INVALID_JSON', `not valid JSON (${(error as Error).message})`);
  }
  const root = json as {
    type?: unknown;
    features?: unknown;
    geometry?: unknown;
    properties?: unknown;
    crs?: { properties?: { name?: unknown } };
  };
  let features: unknown[];
  if (root?.type === 'FeatureCollection' && Array.isArray(root.features)) features = root.features;
  else if (root?.type === 'Feature') features = [root];
  else
    throw refuse(
      fileName,
      'NOT_GEOJSON',
      'not a GeoJSON FeatureCollection or Feature (a "type" of "FeatureCollection" with "features")',
    );
  const crsName = root.crs?.properties?.name;
  const records = features.map((raw, i): SourceRecord => {
    const feature = raw as { type?: unknown; geometry?: unknown; properties?: unknown };
    const at = `feature ${i + 1}`;
    if (feature?.type !== 'Feature')
      throw badInput(at, 'NOT_A_FEATURE', `${fileName}: ${at} is not a GeoJSON Feature`);
    const properties =
      feature.properties && typeof feature.properties === 'object'
        ? (feature.properties as Record<string, unknown>)
        : {};
    return { at, geometry: (feature.geometry as GeoJSONGeometry | null) ?? null, properties };
  });
  return {
    fileName,
    format: 'GEOJSON',
    declaredCrs: typeof crsName === 'string' ? { name: crsName } : undefined,
    records,
    notes: [],
  };
}

// ---- zipped shapefile ----

function readZippedShapefile(fileName: string, bytes: Uint8Array): SourceFile {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw refuse(fileName, 'CORRUPT_ZIP', `not a readable zip (${(error as Error).message})`);
  }
  const names = Object.keys(entries).filter((n) => !n.startsWith('__MACOSX') && !n.endsWith('/'));
  const shps = names.filter((n) => n.toLowerCase().endsWith('.shp'));
  if (shps.length === 0)
    throw refuse(
      fileName,
      'NO_SHP',
      `the zip holds no .shp (it has ${names.join(', ') || 'nothing'}): a shapefile needs its .shp, .shx and .dbf`,
    );
  if (shps.length > 1)
    throw refuse(
      fileName,
      'SEVERAL_LAYERS',
      `the zip holds ${shps.length} shapefiles (${shps.join(', ')}): upload one layer per zip`,
    );
  const base = shps[0]!.slice(0, -4);
  const part = (ext: string) => {
    const name = names.find((n) => n.toLowerCase() === `${base}.${ext}`.toLowerCase());
    return name ? entries[name] : undefined;
  };
  const dbf = part('dbf');
  if (!dbf)
    throw refuse(
      fileName,
      'NO_DBF',
      `${base}.dbf is missing: without it the features have no names or codes`,
    );
  const notes: string[] = [];
  const cpg = part('cpg');
  const encoding = cpg
    ? new TextDecoder().decode(cpg).trim()
    : dbfEncoding(dbf, (why) => notes.push(`${base}.dbf: ${why}`));
  let shapes: (GeoJSONGeometry | null)[];
  let rows: Record<string, unknown>[];
  try {
    shapes = parseShp(toView(entries[shps[0]!]!)) as (GeoJSONGeometry | null)[];
  } catch (error) {
    throw refuse(
      fileName,
      'CORRUPT_SHP',
      `${shps[0]} cannot be read (${(error as Error).message})`,
    );
  }
  try {
    rows = parseDbf(toView(dbf), encoding) as Record<string, unknown>[];
  } catch (error) {
    throw refuse(
      fileName,
      'CORRUPT_DBF',
      `${base}.dbf cannot be read (${(error as Error).message})`,
    );
  }
  if (rows.length !== shapes.length)
    throw refuse(
      fileName,
      'SHP_DBF_MISMATCH',
      `${shps[0]} has ${shapes.length} shapes but ${base}.dbf has ${rows.length} rows`,
    );
  const prj = part('prj');
  return {
    fileName,
    format: 'SHAPEFILE',
    declaredCrs: prj ? { prj: new TextDecoder().decode(prj) } : undefined,
    records: shapes.map((geometry, i) => ({
      at: `feature ${i + 1}`,
      geometry,
      properties: rows[i] ?? {},
    })),
    notes,
  };
}

const toView = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/**
 * The text encoding of a .dbf without a .cpg: its language driver byte when it names one
 * (0x4D = GB2312/936, what ArcGIS writes on Chinese Windows), else UTF-8 if every byte decodes
 * as UTF-8, else GB18030 (a superset of GBK) — Chinese offices' files usually are.
 */
function dbfEncoding(dbf: Uint8Array, note: (why: string) => void): string {
  const driver = dbf[29];
  if (driver === 0x4d || driver === 0x7a) {
    note('no .cpg; the language driver says GBK (936), read as GB18030');
    return 'gb18030';
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(32));
    return 'utf-8';
  } catch {
    note('no .cpg and the text is not UTF-8: read as GB18030 (GBK)');
    return 'gb18030';
  }
}

// ---- tables (CSV, xlsx) ----

function tableRecords(fileName: string, rows: unknown[][], firstRow: number): SourceRecord[] {
  const header = (rows[0] ?? []).map((h) => (h == null ? '' : String(h).trim()));
  if (header.every((h) => h === ''))
    throw refuse(
      fileName,
      'NO_HEADER',
      'the first row must name the columns (名称, 编码, 经度, 纬度 …)',
    );
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') return;
    if (seen.has(h))
      throw badInput(
        `column ${i + 1}`,
        'DUPLICATE_COLUMN',
        `${fileName}: the column "${h}" appears twice (columns ${seen.get(h)! + 1} and ${i + 1})`,
      );
    seen.set(h, i);
  });
  const records: SourceRecord[] = [];
  rows.slice(1).forEach((row, i) => {
    if (row.every((v) => v == null || String(v).trim() === '')) return;
    const properties: Record<string, unknown> = {};
    header.forEach((h, c) => {
      if (h !== '' && row[c] != null && String(row[c]).trim() !== '') properties[h] = row[c];
    });
    records.push({ at: `row ${i + firstRow + 1}`, geometry: null, properties });
  });
  return records;
}

function readCsv(fileName: string, bytes: Uint8Array): SourceFile {
  const { text, encoding } = decodeText(fileName, bytes);
  let rows: string[][];
  try {
    rows = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw badInput(
      `row ${e.lines ?? '?'}`,
      'INVALID_CSV',
      `${fileName}: not valid CSV near row ${e.lines ?? '?'} (${e.message})`,
    );
  }
  return {
    fileName,
    format: 'CSV',
    declaredCrs: undefined,
    records: tableRecords(fileName, rows, 1),
    notes: encoding === 'UTF-8' ? [] : [`read as ${encoding} (not UTF-8)`],
  };
}

async function readXlsx(fileName: string, bytes: Uint8Array): Promise<SourceFile> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (error) {
    throw refuse(
      fileName,
      'CORRUPT_XLSX',
      `not a readable xlsx workbook (${(error as Error).message})`,
    );
  }
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw refuse(fileName, 'EMPTY_FILE', 'every sheet is empty');
  // the header is the first row with any value; merged header cells hide which column is which
  let headerRow = 0;
  sheet.eachRow((row, n) => {
    if (!headerRow && row.actualCellCount > 0) headerRow = n;
  });
  const rows: unknown[][] = [];
  const width = sheet.actualColumnCount || sheet.columnCount;
  for (let r = headerRow; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const values: unknown[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      const where = `${sheet.name}!${cell.address}`;
      if (cell.isMerged && r === headerRow)
        throw badInput(
          where,
          'MERGED_HEADER',
          `${fileName}: header cell ${where} is merged: give each column its own header cell`,
        );
      if (cell.type === ExcelJS.ValueType.Formula)
        throw badInput(
          where,
          'FORMULA',
          `${fileName}: cell ${where} holds a formula (=${cell.formula}): paste values only (选择性粘贴 → 数值)`,
        );
      values.push(cellValue(cell.value));
    }
    rows.push(values);
  }
  return {
    fileName,
    format: 'XLSX',
    declaredCrs: undefined,
    records: tableRecords(fileName, rows, headerRow),
    notes: [],
  };
}

function cellValue(value: ExcelJS.CellValue): unknown {
  if (value == null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value) return value.text; // hyperlink
    if ('result' in value) return value.result;
    return null;
  }
  return value;
}

// ---- geometry shape (PostGIS judges validity; this only guards what reaches it) ----

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
]);

// how deep a type's positions are nested in its coordinates
const POSITION_DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

function checkGeometry(fileName: string, record: SourceRecord, maxVertices: number) {
  const g = record.geometry!;
  const walk = new CoordinateWalk(fileName, record, maxVertices);
  if (!GEOMETRY_TYPES.has(g.type))
    throw walk.fail(
      'UNSUPPORTED_GEOMETRY',
      `geometry type ${String(g.type)} is not one Yitu stores`,
    );
  walk.visit(g.coordinates, POSITION_DEPTH[g.type]!);
}

// (methods, not closures made per feature: a file has 100,000 features)
class CoordinateWalk {
  private vertices = 0;
  constructor(
    private readonly fileName: string,
    private readonly record: SourceRecord,
    private readonly maxVertices: number,
  ) {}

  fail(reason: string, message: string) {
    const at = this.record.at;
    return badInput(`${at}.geometry`, reason, `${this.fileName}: ${at}: ${message}`);
  }

  visit(c: unknown, depth: number): void {
    if (!Array.isArray(c))
      throw this.fail('INVALID_COORDINATES', 'coordinates are not arrays of numbers');
    if (depth === 0) {
      if (c.length < 2 || !c.every((n) => typeof n === 'number' && Number.isFinite(n)))
        throw this.fail(
          'INVALID_COORDINATES',
          `a position must be [x, y] numbers, found ${JSON.stringify(c).slice(0, 60)}`,
        );
      if (++this.vertices > this.maxVertices)
        throw this.fail(
          'TOO_MANY_VERTICES',
          `more than ${this.maxVertices} vertices: simplify it before importing`,
        );
      return;
    }
    for (const child of c) this.visit(child, depth - 1);
  }
}
