import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { YituError } from '../../errors';
import { itemOf } from './fields';
import { readImportFile, READ_LIMITS } from './read';

// Files made to hurt the reader: each must be refused with a code naming the file and the place
// in it, quickly and within bounded memory, never crash the process or come in garbled.

const samples = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../tests/fixtures/district',
);
const layer = unzipSync(fs.readFileSync(path.join(samples, '2-communities-gk-gbk.zip')));
const partOf = (ext: string) => Object.entries(layer).find(([n]) => n.endsWith(ext))!;
const [shpName, shp] = partOf('.shp');
const [dbfName, dbf] = partOf('.dbf');
const [prjName, prj] = partOf('.prj');

async function refusal(name: string, bytes: Uint8Array, limits = READ_LIMITS) {
  try {
    await readImportFile(name, bytes, limits);
  } catch (error) {
    if (!(error instanceof YituError)) throw error;
    return { code: error.code, reason: error.reason, field: error.field, message: error.message };
  }
  throw new Error('expected a refusal');
}

/** A zip whose headers say each entry unpacks to `declared` bytes (what a zip bomb does). */
function lyingZip(files: Record<string, Uint8Array>, declared: number) {
  const zip = zipSync(files);
  const view = new DataView(zip.buffer);
  const end = zip.length - 22;
  let at = view.getUint32(end + 16, true);
  // central directory entries: uncompressed size at +24, local header offset at +42
  for (let i = 0; i < view.getUint16(end + 10, true); i++) {
    view.setUint32(at + 24, declared, true);
    view.setUint32(view.getUint32(at + 42, true) + 22, declared, true);
    const [name, extra, comment] = [28, 30, 32].map((o) => view.getUint16(at + o, true));
    at += 46 + name! + extra! + comment!;
  }
  return zip;
}

const withDbf = (patch: (view: DataView) => void) => {
  const copy = dbf.slice();
  patch(new DataView(copy.buffer));
  return zipSync({ [shpName]: shp, [dbfName]: copy, [prjName]: prj });
};

describe('files made to hurt the reader', () => {
  it('refuses a zip bomb before unpacking it, and never unpacks parts it does not read', async () => {
    const bomb = lyingZip({ [shpName]: shp, [dbfName]: dbf, [prjName]: prj }, 2 ** 31);
    expect(await refusal('bomb.zip', bomb)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'UNZIPPED_TOO_LARGE',
      message: expect.stringMatching(/^bomb\.zip: unzips to \d+ MB/),
    });
    // a huge stowaway beside the layer is left packed: the layer reads
    const stowaway = zipSync({ [shpName]: shp, [dbfName]: dbf, [prjName]: prj });
    const junk = lyingZip({ 'junk.bin': new Uint8Array(100) }, 2 ** 31);
    const file = await readImportFile(
      'l.zip',
      zipSync({ ...unzipSync(stowaway), 'inner.zip': junk }),
    );
    expect(file.records).toHaveLength(3);
    // an xlsx is a zip too
    const book = new ExcelJS.Workbook();
    book.addWorksheet('S').addRow(['编码', '名称']);
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());
    expect(await refusal('b.xlsx', lyingZip(unzipSync(xlsx), 2 ** 30))).toMatchObject({
      reason: 'UNZIPPED_TOO_LARGE',
    });
  });

  it('refuses a .dbf whose header lies about its records, without looping over them', async () => {
    const started = Date.now();
    expect(
      await refusal(
        'd.zip',
        withDbf((v) => v.setUint32(4, 2 ** 31, true)),
      ),
    ).toMatchObject({
      reason: 'TOO_MANY_RECORDS',
      message: expect.stringContaining('社区边界.dbf says it has 2147483648 records'),
    });
    expect(
      await refusal(
        'd.zip',
        withDbf((v) => v.setUint32(4, 400, true)),
      ),
    ).toMatchObject({
      reason: 'CORRUPT_DBF',
      message: expect.stringMatching(/^d\.zip: 社区边界\.dbf cannot be read \(its header says 400/),
    });
    expect(
      await refusal(
        'd.zip',
        withDbf((v) => v.setUint16(10, 0, true)),
      ),
    ).toMatchObject({
      reason: 'CORRUPT_DBF',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reads the code page a .cpg names by number, and refuses one it does not know', async () => {
    const cpg = (text: string) =>
      zipSync({
        [shpName]: shp,
        [dbfName]: dbf,
        [prjName]: prj,
        [shpName.replace('.shp', '.cpg')]: new TextEncoder().encode(text),
      });
    const file = await readImportFile('c.zip', cpg('936'));
    expect(file.records[0]!.properties).toMatchObject({ 社区名称: '丰乐社区' });
    expect(await refusal('c.zip', cpg('klingon-9'))).toMatchObject({
      reason: 'UNKNOWN_ENCODING',
      message: expect.stringContaining('社区边界.cpg names the text encoding "klingon-9"'),
    });
  });

  it('reads a sheet with a stray far cell quickly, and a column after a blank one', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('S');
    sheet.getCell('A1').value = '编码';
    sheet.getCell('B1').value = '名称';
    sheet.getCell('D1').value = '电话'; // column C is blank
    sheet.getCell('A3').value = 'W-1';
    sheet.getCell('B3').value = '物业甲';
    sheet.getCell('D3').value = '0550-1234567';
    sheet.getCell('XFD1048576').value = 'stray';
    const started = Date.now();
    const file = await readImportFile('far.xlsx', new Uint8Array(await book.xlsx.writeBuffer()));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(file.records).toEqual([
      {
        at: 'row 3',
        geometry: null,
        properties: { 编码: 'W-1', 名称: '物业甲', 电话: '0550-1234567' },
      },
    ]);
  });

  it('refuses deep arrays, unclosed rings, NUL and objects with the feature and field named', async () => {
    const one = (properties: unknown, geometry: unknown) =>
      Buffer.from(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties, geometry }],
        }),
      );
    const deep = `${'['.repeat(50_000)}1${']'.repeat(50_000)}`;
    const deepFile = Buffer.from(
      `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":${deep}}}`,
    );
    expect(await refusal('d.geojson', deepFile)).toMatchObject({
      reason: 'INVALID_COORDINATES',
      field: 'feature 1.geometry',
    });
    const open = [
      [118.84, 32.84],
      [118.85, 32.84],
      [118.85, 32.85],
      [118.84, 32.85],
    ];
    expect(
      await refusal('o.geojson', one({}, { type: 'Polygon', coordinates: [open] })),
    ).toMatchObject({
      reason: 'UNCLOSED_RING',
      field: 'feature 1.geometry',
      message: expect.stringMatching(/^o\.geojson: feature 1: a polygon's ring must/),
    });
    expect(await refusal('n.csv', Buffer.from('编码,名称\nA\u0000B,甲\n'))).toMatchObject({
      reason: 'INVALID_TEXT',
      field: 'row 2.编码',
    });
    expect(await refusal('s.geojson', one({ 名称: 'x\ud800' }, null))).toMatchObject({
      reason: 'INVALID_TEXT',
      field: 'feature 1.名称',
    });
    expect(await refusal('o.geojson', one({ 编码: { a: 1 } }, null))).toMatchObject({
      reason: 'NOT_A_VALUE',
      field: 'feature 1.编码',
    });
  });

  it('says a code or text too long for its column, instead of failing the write', () => {
    const item = itemOf('PROPERTY_COMPANY', {
      at: 'row 2',
      geometry: null,
      properties: { 编码: 'C'.repeat(300), 名称: '名'.repeat(2_000) },
    });
    expect(item.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'TOO_LONG', field: '编码', severity: 'ERROR' }),
        expect.objectContaining({ reason: 'TOO_LONG', field: '名称', severity: 'ERROR' }),
      ]),
    );
  });
});
