import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { badInput, ErrorCode, YituError } from '../../errors';
import { excelJs, shapefiles } from '../../libraries';

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
  /** Bytes the parts of a zip (shapefile, xlsx) may unpack to: a zip bomb stops here. */
  maxUnzippedBytes: number;
}

export const READ_LIMITS: ReadLimits = {
  maxVertices: 100_000,
  maxRecords: 500_000,
  maxUnzippedBytes: 256 * 1024 * 1024,
};

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
  if (lower.endsWith('.xlsx')) file = await readXlsx(fileName, bytes, limits);
  else if (lower.endsWith('.zip') || (isZip && !lower.endsWith('.csv')))
    file = await readZippedShapefile(fileName, bytes, limits);
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
  for (const record of file.records) {
    checkText(fileName, record);
    if (record.geometry)
      checkGeometry(
        record.geometry,
        `${record.at}.geometry`,
        `${fileName}: ${record.at}`,
        limits.maxVertices,
      );
  }
  return file;
}

// U+0000 and lone surrogates are not text to PostgreSQL (a 500 at the insert): said here instead
// eslint-disable-next-line no-control-regex -- U+0000 is what it looks for
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(fileName: string, record: SourceRecord) {
  for (const [key, value] of Object.entries(record.properties)) {
    const where = `${record.at}.${key.replace(NOT_TEXT, '?')}`;
    if (NOT_TEXT.test(key) || (typeof value === 'string' && NOT_TEXT.test(value)))
      throw badInput(
        where,
        'INVALID_TEXT',
        `${fileName}: ${where} holds U+0000 or a lone surrogate, which is not text: remove it`,
      );
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      throw badInput(
        where,
        'NOT_A_VALUE',
        `${fileName}: ${where} is an object, not a value (text, number, 是/否 or a list)`,
      );
  }
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

/** A zip's entries as its central directory lists them: nothing is unpacked. */
function zipEntries(fileName: string, bytes: Uint8Array) {
  const entries: { name: string; size: number }[] = [];
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        entries.push({ name: entry.name, size: entry.originalSize });
        return false;
      },
    });
  } catch (error) {
    throw refuse(fileName, 'CORRUPT_ZIP', `not a readable zip (${(error as Error).message})`);
  }
  return entries;
}

/**
 * The entries `names` of a zip, unpacked. fflate unpacks each into a buffer of the size its
 * header declares (never more), so the declared sizes bound the memory: a zip bomb is refused
 * before anything is unpacked.
 */
function unzipBounded(
  fileName: string,
  bytes: Uint8Array,
  names: readonly string[],
  limits: ReadLimits,
): Record<string, Uint8Array> {
  const wanted = new Set(names);
  const total = zipEntries(fileName, bytes)
    .filter((e) => wanted.has(e.name))
    .reduce((sum, e) => sum + e.size, 0);
  if (total > limits.maxUnzippedBytes)
    throw new YituError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${fileName}: unzips to ${Math.ceil(total / 1024 / 1024)} MB, more than the ${Math.floor(limits.maxUnzippedBytes / 1024 / 1024)} MB one import takes: split it`,
      'file',
      'UNZIPPED_TOO_LARGE',
      { limit: limits.maxUnzippedBytes },
    );
  try {
    return unzipSync(bytes, { filter: (entry) => wanted.has(entry.name) });
  } catch (error) {
    throw refuse(fileName, 'CORRUPT_ZIP', `not a readable zip (${(error as Error).message})`);
  }
}

async function readZippedShapefile(
  fileName: string,
  bytes: Uint8Array,
  limits: ReadLimits,
): Promise<SourceFile> {
  const { parseShp, parseDbf } = await shapefiles();
  const names = zipEntries(fileName, bytes)
    .map((e) => e.name)
    .filter((n) => !n.startsWith('__MACOSX') && !n.endsWith('/'));
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
  const partName = (ext: string) =>
    names.find((n) => n.toLowerCase() === `${base}.${ext}`.toLowerCase());
  const entries = unzipBounded(
    fileName,
    bytes,
    ['shp', 'shx', 'dbf', 'prj', 'cpg'].flatMap((ext) => partName(ext) ?? []),
    limits,
  );
  const part = (ext: string) => {
    const name = partName(ext);
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
    ? cpgEncoding(fileName, `${base}.cpg`, new TextDecoder().decode(cpg))
    : dbfEncoding(dbf, (why) => notes.push(`${base}.dbf: ${why}`));
  checkDbfHeader(fileName, `${base}.dbf`, dbf, limits);
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
 * The encoding a .cpg names, as TextDecoder knows it. Windows code pages are written as numbers
 * ("936", "ANSI 936"), which TextDecoder does not take; a name nobody knows is refused, since
 * parsedbf would read the text as UTF-8 and the names would come in garbled.
 */
function cpgEncoding(fileName: string, cpgName: string, text: string): string {
  const label = text.trim();
  const page = /^(?:ANSI\s*|CP|windows-)?(\d+)$/i.exec(label)?.[1];
  const byPage: Record<string, string> = {
    '936': 'gb18030',
    '54936': 'gb18030',
    '65001': 'utf-8',
    '950': 'big5',
  };
  const candidate = page ? (byPage[page] ?? `windows-${page}`) : label;
  try {
    new TextDecoder(candidate);
    return candidate;
  } catch {
    throw refuse(
      fileName,
      'UNKNOWN_ENCODING',
      `${cpgName} names the text encoding "${label.slice(0, 40)}", which Yitu does not know: write UTF-8 or GBK in it`,
    );
  }
}

/**
 * parsedbf believes the header's record count and length: a header claiming 2³¹ records in a
 * 1 kB file would make it loop until the process runs out of memory. Checked against the bytes.
 */
function checkDbfHeader(fileName: string, dbfName: string, dbf: Uint8Array, limits: ReadLimits) {
  const corrupt = (why: string) =>
    refuse(fileName, 'CORRUPT_DBF', `${dbfName} cannot be read (${why})`);
  if (dbf.length < 32) throw corrupt('shorter than its 32-byte header');
  const view = toView(dbf);
  const records = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  if (records > limits.maxRecords)
    throw refuse(
      fileName,
      'TOO_MANY_RECORDS',
      `${dbfName} says it has ${records} records, more than the ${limits.maxRecords} one import takes: split the file`,
    );
  // the last record may lack its end-of-file byte (0x1A) but not its own bytes
  if (records > 0 && (recordLength === 0 || headerLength + records * recordLength > dbf.length))
    throw corrupt(
      `its header says ${records} records of ${recordLength} bytes after ${headerLength} bytes of header, but it has ${dbf.length} bytes`,
    );
}

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

/** rows[0] is the header; lineOf(i) is the line or sheet row the user sees rows[i] on. */
function tableRecords(
  fileName: string,
  rows: unknown[][],
  lineOf: (index: number) => number,
): SourceRecord[] {
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
    records.push({ at: `row ${lineOf(i + 1)}`, geometry: null, properties });
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
    records: tableRecords(fileName, rows, (i) => i + 1),
    notes: encoding === 'UTF-8' ? [] : [`read as ${encoding} (not UTF-8)`],
  };
}

async function readXlsx(
  fileName: string,
  bytes: Uint8Array,
  limits: ReadLimits,
): Promise<SourceFile> {
  // exceljs's unzipper trusts no size: the parts are unpacked here, bounded, and handed over stored
  let stored: Uint8Array;
  try {
    const parts = zipEntries(fileName, bytes).map((e) => e.name);
    stored = zipSync(unzipBounded(fileName, bytes, parts, limits), { level: 0 });
  } catch (error) {
    if (!(error instanceof YituError) || error.reason !== 'CORRUPT_ZIP') throw error;
    throw refuse(fileName, 'CORRUPT_XLSX', 'not a readable xlsx workbook (not a zip)');
  }
  const Excel = await excelJs();
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(stored) as unknown as ArrayBuffer);
  } catch (error) {
    throw refuse(
      fileName,
      'CORRUPT_XLSX',
      `not a readable xlsx workbook (${(error as Error).message})`,
    );
  }
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw refuse(fileName, 'EMPTY_FILE', 'every sheet is empty');
  // only the rows that hold something (a stray cell at XFD1048576 must not make a million), and
  // the columns up to the header's last cell: a column without a header is not read anyway
  // (actualColumnCount counts the columns used, so a blank column would hide the last one)
  const rows: unknown[][] = [];
  const sheetRows: number[] = [];
  let headerRow = 0;
  let width = 0;
  sheet.eachRow((row, r) => {
    if (!headerRow) {
      headerRow = r;
      width = row.cellCount;
    }
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
      if (cell.type === Excel.ValueType.Formula)
        throw badInput(
          where,
          'FORMULA',
          `${fileName}: cell ${where} holds a formula (=${cell.formula}): paste values only (选择性粘贴 → 数值)`,
        );
      values.push(cellValue(cell.value));
    }
    rows.push(values);
    sheetRows.push(r);
  });
  return {
    fileName,
    format: 'XLSX',
    declaredCrs: undefined,
    records: tableRecords(fileName, rows, (i) => sheetRows[i]!),
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

/**
 * Refuses a geometry PostGIS should not be handed: an unknown type, positions that are not
 * finite [x, y] numbers, rings that are not closed (GEOS cannot judge them: PGlite's PostGIS then
 * answers no row at all), too many vertices. `field` names it in the error, `where` starts the
 * message.
 */
export function checkGeometry(
  g: GeoJSONGeometry,
  field: string,
  where: string,
  maxVertices: number,
) {
  const walk = new CoordinateWalk(field, where, maxVertices, g?.type);
  if (g === null || typeof g !== 'object' || !GEOMETRY_TYPES.has(g.type))
    throw walk.fail(
      'UNSUPPORTED_GEOMETRY',
      `geometry type ${String((g as GeoJSONGeometry | null)?.type)} is not one Yitu stores`,
    );
  walk.visit(g.coordinates, POSITION_DEPTH[g.type]!);
}

// (methods, not closures made per feature: a file has 100,000 features)
class CoordinateWalk {
  private vertices = 0;
  private readonly polygonal: boolean;
  constructor(
    private readonly field: string,
    private readonly where: string,
    private readonly maxVertices: number,
    type: string | undefined,
  ) {
    this.polygonal = type === 'Polygon' || type === 'MultiPolygon';
  }

  fail(reason: string, message: string) {
    return badInput(this.field, reason, `${this.where}: ${message}`);
  }

  visit(c: unknown, depth: number): void {
    if (!Array.isArray(c))
      throw this.fail('INVALID_COORDINATES', 'coordinates are not arrays of numbers');
    if (depth === 0) {
      if (c.length < 2 || !c.every((n) => typeof n === 'number' && Number.isFinite(n)))
        throw this.fail(
          'INVALID_COORDINATES',
          // nested arrays are not printed: a deep one would overflow the stack
          `a position must be [x, y] numbers, found ${c.every((n) => !Array.isArray(n)) ? JSON.stringify(c).slice(0, 60) : 'nested arrays'}`,
        );
      if (++this.vertices > this.maxVertices)
        throw this.fail(
          'TOO_MANY_VERTICES',
          `more than ${this.maxVertices} vertices: simplify it before importing`,
        );
      return;
    }
    for (const child of c) this.visit(child, depth - 1);
    // a ring (the arrays of positions in a polygon) closes on its first position
    if (depth === 1 && this.polygonal) {
      const first = c[0] as number[] | undefined;
      const last = c[c.length - 1] as number[] | undefined;
      if (c.length < 4 || first![0] !== last![0] || first![1] !== last![1])
        throw this.fail(
          'UNCLOSED_RING',
          `a polygon's ring must have at least 4 positions and end where it starts (${c.length} positions${c.length ? `, from ${JSON.stringify(first)} to ${JSON.stringify(last)}` : ''})`,
        );
    }
  }
}
