import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { YituError } from '../../errors';
import { crsFromName, crsFromPrj } from './crs';
import { fieldOfHeader, itemOf, parseSchedule } from './fields';
import { readImportFile } from './read';

const samples = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../tests/fixtures/district',
);
const sample = (name: string) => fs.readFileSync(path.join(samples, name));

/** The refusal a read throws: its reason and where it points. */
async function refusal(name: string, bytes: Uint8Array) {
  try {
    await readImportFile(name, bytes);
  } catch (error) {
    if (!(error instanceof YituError)) throw error;
    return { reason: error.reason, field: error.field, message: error.message };
  }
  throw new Error('expected a refusal');
}

const xlsx = async (fill: (sheet: ExcelJS.Worksheet) => void) => {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('Sheet1'));
  return new Uint8Array(await book.xlsx.writeBuffer());
};

describe('reading the files offices hold', () => {
  it('reads a GBK shapefile without .cpg, in a Gauss-Krüger zone, from its zip', async () => {
    const file = await readImportFile('communities.zip', sample('2-communities-gk-gbk.zip'));
    expect(file.format).toBe('SHAPEFILE');
    expect(file.records).toHaveLength(3);
    expect(file.records[0]!.properties).toMatchObject({
      社区名称: '丰乐社区',
      街道编码: '341102900',
    });
    expect(file.notes.join(' ')).toMatch(/GB18030|GBK/);
    // coordinates stay in the zone (metres, with the zone number in front of the easting)
    const ring = (file.records[0]!.geometry!.coordinates as number[][][])[0]!;
    expect(ring[0]![0]).toBeGreaterThan(39_000_000);
    expect(crsFromPrj('communities.zip', (file.declaredCrs as { prj: string }).prj)).toMatchObject({
      kind: 'GAUSS_KRUGER',
      centralMeridian: 117,
      falseEasting: 39_500_000,
    });
  });

  it('reads GBK CSV, UTF-8 CSV with a BOM, GeoJSON and xlsx', async () => {
    const companies = await readImportFile('wy.csv', sample('3-property-companies-gbk.csv'));
    expect(companies.records[0]!.properties).toMatchObject({ 名称: '琅琊物业服务有限公司(示例)' });
    expect(companies.notes).toEqual(['read as GB18030 (not UTF-8)']);
    const grids = await readImportFile('grids.csv', sample('5-grids-wkt.csv'));
    expect(Object.keys(grids.records[0]!.properties)[0]).toBe('网格编码');
    const compounds = await readImportFile('c.geojson', sample('4-compounds-gcj02.geojson'));
    expect(compounds.records).toHaveLength(6);
    const resources = await readImportFile('r.xlsx', sample('7-resources.xlsx'));
    expect(resources.records).toHaveLength(7);
    expect(resources.records[0]!.at).toBe('row 2');
  });

  it('refuses bad files with the file, and the row or field, named', async () => {
    expect(await refusal('a.geojson', new Uint8Array())).toMatchObject({ reason: 'EMPTY_FILE' });
    expect(await refusal('a.zip', new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]))).toMatchObject({
      reason: 'CORRUPT_ZIP',
    });
    const noShp = zipSync({ 'a.dbf': new Uint8Array([3]), 'a.prj': new Uint8Array([1]) });
    expect(await refusal('a.zip', noShp)).toMatchObject({ reason: 'NO_SHP' });
    expect((await refusal('a.zip', noShp)).message).toMatch(/^a\.zip: .*a\.dbf/);
    expect(await refusal('a.geojson', Buffer.from('{"type":"Feature"'))).toMatchObject({
      reason: 'INVALID_JSON',
    });
    // GBK bytes after a UTF-8 byte-order mark: the row named
    const gbkAfterBom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('code,name\n'),
      sample('3-property-companies-gbk.csv').subarray(40),
    ]);
    expect(await refusal('wy.csv', gbkAfterBom)).toMatchObject({
      reason: 'ENCODING_MISMATCH',
      field: 'row 2',
    });
    const formula = await xlsx((s) => {
      s.addRow(['编码', '户数']);
      s.addRow(['A', { formula: '1+1', result: 2 }]);
    });
    expect(await refusal('f.xlsx', formula)).toMatchObject({
      reason: 'FORMULA',
      field: 'Sheet1!B2',
    });
    const merged = await xlsx((s) => {
      s.addRow(['小区', '', '经度']);
      s.addRow(['A', 'B', 1]);
      s.mergeCells('A1:B1');
    });
    expect(await refusal('m.xlsx', merged)).toMatchObject({
      reason: 'MERGED_HEADER',
      field: 'Sheet1!A1',
    });
    const million = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'Polygon',
        coordinates: [Array.from({ length: 1_000_001 }, (_, i) => [118 + i * 1e-9, 32])],
      },
    };
    expect(await refusal('big.geojson', Buffer.from(JSON.stringify(million)))).toMatchObject({
      reason: 'TOO_MANY_VERTICES',
      field: 'feature 1.geometry',
    });
    expect(await refusal('a.shp', Buffer.from('x'))).toMatchObject({
      reason: 'SHAPEFILE_NOT_ZIPPED',
    });
  });
});

describe('coordinate systems', () => {
  it('names the systems users choose and refuses others', () => {
    expect(crsFromName('gcj02')).toMatchObject({ kind: 'GCJ02' });
    expect(crsFromName('EPSG:4528')).toMatchObject({ kind: 'EPSG', srid: 4528 });
    expect(crsFromName('urn:ogc:def:crs:OGC:1.3:CRS84')).toMatchObject({ srid: 4326 });
    expect(() => crsFromName('EPSG:2384')).toThrow(/not a coordinate system Yitu imports/);
  });

  it('reads EPSG and ESRI .prj, and refuses Xi’an 1980 rather than guessing', () => {
    const xian80 =
      'PROJCS["Xian_1980_3_Degree_GK_Zone_39",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    expect(() => crsFromPrj('x.zip', xian80)).toThrow(/Xian_1980.*not on CGCS2000/);
    expect(
      crsFromPrj(
        'w.zip',
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      ),
    ).toMatchObject({ srid: 4326 });
  });
});

describe('columns as offices name them', () => {
  it('maps Chinese and English headers, per kind', () => {
    expect(fieldOfHeader('经度')).toBe('lon');
    expect(fieldOfHeader('Latitude')).toBe('lat');
    expect(fieldOfHeader('小区编码', 'COMPOUND')).toBe('code');
    expect(fieldOfHeader('小区编码', 'BUILDING')).toBe('compound');
    expect(fieldOfHeader('所属社区（编码）', 'GRID')).toBe('community');
  });

  it('reads full-width digits with a warning, and schedules as matching reads them', () => {
    const item = itemOf('RESOURCE', {
      at: 'row 2',
      geometry: null,
      properties: {
        编码: 'R1',
        名称: '甲',
        类型: '在职党员',
        经度: '１１８．３',
        纬度: '32.3',
        服务时间: '周一至周三 9:00-12:00',
      },
    });
    expect(item.geometry).toEqual({ type: 'Point', coordinates: [118.3, 32.3] });
    expect(item.problems).toMatchObject([
      { severity: 'WARNING', reason: 'FULL_WIDTH', field: '经度' },
    ]);
    expect(item.attrs).toMatchObject({
      kind: 'PARTY_MEMBER',
      availability: {
        weekly: [
          [1, '09:00', '12:00'],
          [2, '09:00', '12:00'],
          [3, '09:00', '12:00'],
        ],
      },
    });
    expect(parseSchedule('每月8、18、28日')).toEqual({ monthlyDays: [8, 18, 28] });
    expect(parseSchedule('有空就来')).toBeUndefined();
  });
});
