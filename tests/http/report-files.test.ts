import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAs, issueToken, signIn } from '../support/auth';
import { engineName } from '../support/db';
import { insertReportFixture } from '../support/report-fixture';
import { startServer, type RunningServer } from '../support/server';

// The report files over HTTP, read back: the assessment as xlsx (sheets, numbers as numbers), CSV
// (UTF-8 with a BOM, Chinese intact) and PDF (rendered to PNG with pdftoppm, kept in
// $TMPDIR/yitu-report-pdf to look at), and the ticket list masked by role with its audit line.

describe(`report files on ${engineName()}`, () => {
  let server: RunningServer;
  const ids: Record<string, string> = {};
  const cookies: Record<string, string> = {};
  const get = async (file: string, headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/reports/${file}`, { headers });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const as = (username: string) => ({ cookie: cookies[username]! });

  beforeAll(async () => {
    server = await startServer({}, insertReportFixture);
    for (const username of ['fx-street', 'fx-comm', 'fx-comm2'])
      cookies[username] = await signIn(server.url, username);
    const street = await clientAs(server.url, 'fx-street');
    const places = await street.request<{
      regions: { nodes: { id: string; code: string }[] };
      compounds: { nodes: { id: string; code: string }[] };
    }>(
      `{ regions(first: 10, filter: { search: "FX-" }) { nodes { id code } }
         compounds(first: 10, filter: { search: "FX-" }) { nodes { id code } } }`,
    );
    for (const node of [...places.regions.nodes, ...places.compounds.nodes])
      ids[node.code] = node.id;
    await street.request(
      `mutation($id: ID!) { generateMonthlyAssessment(regionId: $id, month: "2026-10", minClosed: 3) { version } }`,
      { id: ids['FX-S'] },
    );
  }, 120_000);
  afterAll(() => server?.stop());

  it('writes the kept assessment as xlsx with its sheets and numbers', async () => {
    const { res, bytes } = await get(
      `assessment.xlsx?region=${ids['FX-S']}&month=2026-10&version=1`,
      as('fx-street'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      '封面',
      '指标',
      '排名',
      '增长类别',
      '超期工单',
    ]);
    const table = book.getWorksheet('指标')!;
    const row = (name: string) => {
      let found: ExcelJS.Row | undefined;
      table.eachRow((r) => {
        if (r.getCell(1).value === name) found = r;
      });
      return found!;
    };
    // 按期办结率 2 ÷ (5 − 1) this October, none due in September, 1 of 1 in October 2025
    expect(row('按期办结率').getCell(2).value).toBe(0.5);
    expect(row('按期办结率').getCell(2).numFmt).toBe('0.0%');
    expect(row('按期办结率').getCell(3).value).toBeNull();
    expect(row('按期办结率').getCell(4).value).toBe(1);
    expect(row('受理量').getCell(2).value).toBe(9);
    expect(row('平均办理时长').getCell(2).value).toBe(160);
    const ranks = book.getWorksheet('排名')!;
    expect(ranks.getRow(2).values).toEqual([
      undefined,
      1,
      'FX-C',
      '测试社区',
      8,
      3,
      0.75,
      0.5,
      0.5,
    ]);
    expect(ranks.getRow(3).getCell(9).value).toBe('样本不足');
    expect(book.getWorksheet('超期工单')!.getRow(2).getCell(7).value).toBe(6);
  });

  it('writes CSV as UTF-8 with a BOM, Chinese intact', async () => {
    const { res, bytes } = await get(
      `assessment.csv?region=${ids['FX-S']}&month=2026-10`,
      as('fx-street'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
    expect(text.split('\r\n')[0]).toBe('考评单位,测试街道,考评月份,2026-10');
    expect(text).toContain('\r\n按期办结率,50,,100,%,');
    // computed now, with the default minimum of 5 closed: FX-C's 3 are too few to rank
    expect(text).toContain('\r\n,测试社区,3,50,50,样本不足\r\n');
  });

  it('prints the assessment as a PDF with the Chinese font embedded', async () => {
    const { res, bytes } = await get(
      `assessment.pdf?region=${ids['FX-S']}&month=2026-10&version=1`,
      as('fx-street'),
    );
    expect(res.status).toBe(200);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = path.join(os.tmpdir(), 'yitu-report-pdf');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `assessment-${engineName()}.pdf`);
    fs.writeFileSync(file, bytes);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    // the CJK font is there, embedded (subset) — not left to the reader's machine
    expect(fonts).toMatch(/NotoSansCJK\S*\s+CID TrueType|NotoSansCJK\S*\s+CID Type 0C/);
    expect(
      fonts
        .split('\n')
        .filter((l) => /NotoSansCJK/.test(l))
        .every((l) => / yes /.test(l)),
    ).toBe(true);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      file,
      path.join(dir, `assessment-${engineName()}`),
    ]);
    expect(
      fs
        .readdirSync(dir)
        .some((f) => f.startsWith(`assessment-${engineName()}`) && f.endsWith('.png')),
    ).toBe(true);
  });

  it('refuses another community’s report to a community user, and audits it', async () => {
    for (const format of ['pdf', 'xlsx']) {
      const { res } = await get(
        `assessment.${format}?region=${ids['FX-C2']}&month=2026-10`,
        as('fx-comm'),
      );
      expect(res.status).toBe(403);
    }
    const own = await get(`assessment.pdf?region=${ids['FX-C']}&month=2026-10`, as('fx-comm'));
    expect(own.res.status).toBe(200);
  });

  it('lists tickets masked by role, each list audited', async () => {
    const query = `tickets.csv?place=${ids['FX-C']}&month=2026-10&status=IN_PROGRESS`;
    const staff = new TextDecoder().decode((await get(query, as('fx-street'))).bytes.subarray(3));
    // a street's staff may call residents back: the number whole
    expect(staff.split('\r\n')[1]).toMatch(
      /^RP-T7,2026-10-26 09:00,QR,停车管理,IN_PROGRESS,COMPOUND,测试P小区,测试居民,13900000000,/,
    );
    const token = await issueToken(server.url, { username: 'fx-street', scopes: ['read:tickets'] });
    const third = await get(query, { authorization: `Bearer ${token}` });
    expect(third.res.status).toBe(200);
    const masked = new TextDecoder().decode(third.bytes.subarray(3));
    expect(masked.split('\r\n')[1]).toContain(',测***,139****0000,');
    expect(masked).not.toContain('13900000000');
    // the whole of October: 8 tickets of FX-C, in xlsx
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      (await get(`tickets.xlsx?place=${ids['FX-C']}&month=2026-10`, as('fx-street')))
        .bytes as unknown as ArrayBuffer,
    );
    expect(book.getWorksheet('工单明细')!.rowCount).toBe(1 + 8);

    const admin = await clientAs(server.url, 'admin');
    const { auditLog } = await admin.request<{
      auditLog: { actor: string; result: string; details: string }[];
    }>(`{ auditLog(action: "GET /reports", last: 3) { actor result details } }`);
    // newest first: the street's whole October, the token's masked list, the street's list
    const details = auditLog.map((l) => ({
      ...l,
      details: JSON.parse(l.details) as Record<string, unknown>,
    }));
    expect(
      details.map((l) => [
        l.actor,
        l.result,
        l.details.kind,
        l.details.rows,
        l.details.masked ?? null,
      ]),
    ).toEqual([
      ['account:fx-street', 'OK', 'tickets', 8, null],
      [expect.stringMatching(/^token:/), 'OK', 'tickets', 1, ['报告人', '联系电话']],
      ['account:fx-street', 'OK', 'tickets', 1, null],
    ]);
  });

  it('writes any place’s period figures as xlsx and CSV, refused outside and audited', async () => {
    const { res, bytes } = await get(
      `figures.xlsx?place=${ids['FX-C']}&month=2026-10`,
      as('fx-street'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['统计报表']);
    const sheet = book.getWorksheet('统计报表')!;
    const row = (name: string) => {
      let found: ExcelJS.Row | undefined;
      sheet.eachRow((r) => {
        if (r.getCell(1).value === name) found = r;
      });
      return [2, 3, 4, 5].map((c) => found!.getCell(c).value);
    };
    expect(sheet.getRow(1).getCell(2).value).toBe('测试社区');
    // October 2026 in FX-C against September (nothing) and October 2025 (T0), as numbers
    expect(row('受理量（上报）')).toEqual(['件', 8, 0, 1]);
    expect(row('派单')).toEqual(['件', 6, 0, 1]);
    expect(row('处置')).toEqual(['件', 3, 0, 1]);
    expect(row('核查通过')).toEqual(['件', 3, 0, 1]);
    expect(row('办结数')).toEqual(['件', 3, 0, 1]);
    expect(row('办结率')).toEqual(['%', 0.75, null, 1]);
    expect(row('平均办结时长')).toEqual(['小时', 160, null, 96]);
    // T2 (168 h) and T4 (216 h); T1's 96 h and T0's in 3–5 days
    expect(row('办结时长 7–10 天')).toEqual(['件', 2, 0, 0]);
    expect(row('办结时长 3–5 天')).toEqual(['件', 1, 0, 1]);
    let rateFormat = '';
    sheet.eachRow((r) => {
      if (r.getCell(1).value === '按期办结率') rateFormat = r.getCell(3).numFmt;
    });
    expect(rateFormat).toBe('0.0%');

    // a compound's November as CSV: UTF-8 with a BOM, rates in percent
    const csv = await get(`figures.csv?place=${ids['FX-P']}&month=2026-11`, as('fx-street'));
    expect(csv.res.status).toBe(200);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(csv.bytes.subarray(3));
    expect(text.split('\r\n')[0]).toBe('统计对象,测试P小区,统计期,2026-11');
    expect(text).toContain('\r\n派单,件,2,6,0\r\n');
    expect(text).toContain('\r\n核查通过,件,3,3,0\r\n');
    expect(text).toContain('\r\n按期办结率,%,100,50,\r\n');

    // another community's figures: refused, and the refusal audited
    const refused = await get(`figures.xlsx?place=${ids['FX-C']}&month=2026-10`, as('fx-comm2'));
    expect(refused.res.status).toBe(403);
    const admin = await clientAs(server.url, 'admin');
    const { auditLog } = await admin.request<{
      auditLog: { actor: string; result: string; details: string }[];
    }>(`{ auditLog(action: "GET /reports", last: 3) { actor result details } }`);
    expect(
      auditLog.map((l) => {
        const d = JSON.parse(l.details) as Record<string, unknown>;
        return [l.actor, l.result, d.kind ?? d.file, d.period ?? null];
      }),
    ).toEqual([
      ['account:fx-comm2', expect.stringMatching(/^FORBIDDEN/), 'figures.xlsx', null],
      ['account:fx-street', 'OK', 'figures', '2026-11'],
      ['account:fx-street', 'OK', 'figures', '2026-10'],
    ]);
  });
});
