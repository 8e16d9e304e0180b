import { sql } from 'drizzle-orm';
import { registerCjkFont } from '../../pdf-font';
import type { Database } from '../../db';
import { badInput } from '../../errors';
import { pdfKit, qrCode, sharpImages } from '../../libraries';

// QR posters (二维码海报): the resident's way in, one A4 page per compound, in Chinese: the
// compound's name, what to report, the QR code to <public base URL>/r/<code>, emergencies'
// numbers and the community's phone. PDF (pdfkit, the CJK font's glyphs embedded as a subset)
// for one compound or all of a community or street; PNG (sharp from SVG) for one.

export interface Poster {
  code: string;
  name: string;
  communityPk: number;
  communityName: string;
  /** The community office's phone (regions.metadata.phone), when known. */
  phone: string | null;
}

const MAX_POSTERS = 500;

/** The compounds of one compound code, or of a community or street by its region code. */
export async function postersOf(
  database: Database,
  target: { compoundCode: string } | { regionCode: string },
): Promise<Poster[]> {
  const where =
    'compoundCode' in target
      ? sql`c.code = ${target.compoundCode}`
      : sql`(k.code = ${target.regionCode} OR s.code = ${target.regionCode})`;
  const rows = await database.rows<Poster>(sql`
    SELECT c.code, c.name, k.id AS "communityPk", k.name AS "communityName",
      NULLIF(k.metadata->>'phone', '') AS phone
    FROM compounds c JOIN regions k ON k.id = c.community_id LEFT JOIN regions s ON s.id = k.parent_id
    WHERE ${where} AND c.retired_at IS NULL
    ORDER BY k.code, c.code LIMIT ${MAX_POSTERS + 1}`);
  if (rows.length === 0) {
    throw 'compoundCode' in target
      ? badInput('compound', 'UNKNOWN_COMPOUND', `no compound has the code ${target.compoundCode}`)
      : badInput(
          'region',
          'NO_COMPOUNDS',
          `no community or street ${target.regionCode} with compounds`,
        );
  }
  if (rows.length > MAX_POSTERS)
    throw badInput(
      'region',
      'TOO_MANY',
      `at most ${MAX_POSTERS} posters at once: print by community`,
    );
  return rows;
}

/** Where the QR code points. */
export const reportUrl = (baseUrl: string, code: string) =>
  `${baseUrl}/r/${encodeURIComponent(code)}`;

const WHAT = [
  '楼道堆物、占用消防通道',
  '飞线充电、私拉电线',
  '路灯、电梯、健身器材损坏',
  '垃圾清运、环境卫生',
  '噪音扰民、邻里纠纷',
  '独居老人需要帮助',
];
const RED = '#b71c1c';

/** One PDF, an A4 page per poster. */
export async function posterPdf(posters: Poster[], baseUrl: string, font: string): Promise<Buffer> {
  const [PDFDocument, QRCode] = await Promise.all([pdfKit(), qrCode()]);
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: 0 });
  doc.info.Title = posters.length === 1 ? `${posters[0]!.name} 二维码海报` : '二维码海报';
  registerCjkFont(doc, font);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const W = 595.28;
  for (const p of posters) {
    doc.addPage({ size: 'A4', margin: 0 });
    doc.rect(0, 0, W, 120).fill(RED);
    doc
      .font('cjk')
      .fillColor('#fff')
      .fontSize(40)
      .text('有事扫一扫', 0, 28, { width: W, align: 'center' });
    doc.fontSize(16).text('社区问题随手报 · 一图', 0, 80, { width: W, align: 'center' });
    doc
      .fillColor('#222')
      .fontSize(34)
      .text(p.name, 40, 148, { width: W - 80, align: 'center' });
    doc
      .fillColor('#555')
      .fontSize(15)
      .text(p.communityName, 40, 196, { width: W - 80, align: 'center' });
    // the QR code as vector squares: crisp at any print size
    const url = reportUrl(baseUrl, p.code);
    const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const side = 250;
    const cell = side / (size + 8);
    const x0 = (W - side) / 2;
    const y0 = 232;
    doc.rect(x0, y0, side, side).fill('#fff');
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++)
        if (qr.modules.get(r, c)) doc.rect(x0 + (c + 4) * cell, y0 + (r + 4) * cell, cell, cell);
    doc.fill('#000');
    doc
      .fillColor('#555')
      .fontSize(11)
      .text(url, 40, y0 + side + 6, { width: W - 80, align: 'center' });
    doc.fillColor('#222').fontSize(18).text('可以反映：', 70, 530);
    doc.fontSize(15);
    WHAT.forEach((w, i) =>
      doc.text(`· ${w}`, 70 + (i % 2) * 230, 562 + Math.floor(i / 2) * 28, { width: 225 }),
    );
    doc
      .fontSize(13)
      .fillColor('#555')
      .text('扫码后填写姓名、电话和问题，可拍照上传；提交后会收到查看进度的专属链接。', 70, 652, {
        width: W - 140,
      });
    doc.rect(40, 700, W - 80, 58).fill('#fde8e8');
    doc
      .fillColor(RED)
      .fontSize(15)
      .text(
        '紧急情况请直接拨打：火灾、燃气泄漏、电梯困人 119 · 有人受伤 120 · 人身危险 110',
        54,
        710,
        {
          width: W - 108,
        },
      );
    doc
      .fillColor('#222')
      .fontSize(16)
      .text(p.phone ? `社区电话：${p.phone}` : `社区：${p.communityName}`, 40, 778, {
        width: W - 80,
        align: 'center',
      });
    doc
      .fillColor('#999')
      .fontSize(9)
      .text(`小区编码 ${p.code}`, 40, 812, { width: W - 80, align: 'center' });
  }
  doc.end();
  return done;
}

const escapeXml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );

/** One poster as a PNG (A4 at 150 dpi): the same layout, drawn as SVG and rasterised by sharp. */
export async function posterPng(p: Poster, baseUrl: string): Promise<Buffer> {
  const url = reportUrl(baseUrl, p.code);
  const qr = (await qrCode()).create(url, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  let path = '';
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) if (qr.modules.get(r, c)) path += `M${c + 4} ${r + 4}h1v1h-1z`;
  const W = 1240;
  const text = (y: number, px: number, fill: string, s: string, weight = 400) =>
    `<text x="${W / 2}" y="${y}" font-size="${px}" font-weight="${weight}" fill="${fill}" text-anchor="middle">${escapeXml(s)}</text>`;
  const side = 520;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="1754" font-family="Noto Sans CJK SC, sans-serif">
  <rect width="100%" height="100%" fill="#fff"/>
  <rect width="${W}" height="250" fill="${RED}"/>
  ${text(130, 84, '#fff', '有事扫一扫', 700)}
  ${text(205, 34, '#fff', '社区问题随手报 · 一图')}
  ${text(360, 70, '#222', p.name, 700)}
  ${text(420, 32, '#555', p.communityName)}
  <svg x="${(W - side) / 2}" y="470" width="${side}" height="${side}" viewBox="0 0 ${size + 8} ${size + 8}" shape-rendering="crispEdges">
    <rect width="100%" height="100%" fill="#fff"/><path d="${path}" fill="#000"/>
  </svg>
  ${text(1030, 24, '#555', url)}
  ${WHAT.map((w, i) => text(1110 + i * 46, 32, '#222', w)).join('\n  ')}
  <rect x="80" y="1420" width="${W - 160}" height="120" fill="#fde8e8"/>
  ${text(1472, 30, RED, '紧急情况：火灾、燃气泄漏、电梯困人 119')}
  ${text(1516, 30, RED, '有人受伤 120 · 人身危险 110')}
  ${text(1620, 36, '#222', p.phone ? `社区电话：${p.phone}` : `社区：${p.communityName}`)}
  ${text(1690, 20, '#999', `小区编码 ${p.code}`)}
</svg>`;
  return (await sharpImages())(Buffer.from(svg)).png().toBuffer();
}
