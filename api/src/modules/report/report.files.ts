import { stringify } from 'csv-stringify/sync';
import { registerCjkFont } from '../../pdf-font';
import type { Assessment } from './assessment';
import { excelJs, pdfKit } from '../../libraries';

// The monthly assessment as files to send upward: xlsx (numbers as numbers, rates formatted as
// percentages, units in the headers), CSV with a UTF-8 BOM (Excel otherwise reads Chinese as
// GBK) and a printable PDF with the CJK font embedded (subset by pdfkit) and its charts drawn.

const RATE_UNIT = '%';

/** A row's value as the file shows it: rates as percentages with one decimal, hours with one. */
const shown = (value: number | null, unit: string) =>
  value === null
    ? null
    : unit === RATE_UNIT
      ? Math.round(value * 1000) / 10
      : Math.round(value * 10) / 10;

const levelName: Record<string, string> = {
  DISTRICT: '区',
  STREET: '街道',
  COMMUNITY: '社区',
  GRID: '网格',
};

const localTime = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export async function assessmentXlsx(a: Assessment, version: number | null): Promise<Buffer> {
  const book = new (await excelJs()).Workbook();
  book.creator = 'Yitu 一图';
  const cover = book.addWorksheet('封面');
  cover.addRows([
    ['月度考评报告'],
    ['考评单位', a.unit.name],
    ['单位层级', levelName[a.unit.level] ?? a.unit.level],
    ['考评月份', a.period.label],
    ['统计口径', '北京时间（UTC+8）自然月'],
    ['生成时间', localTime(a.generatedAt)],
    ['版本', version ?? '实时（未存档）'],
    ['排名最低样本', a.minClosed],
    ['排名规则', a.tieBreak],
  ]);
  cover.getColumn(1).width = 14;
  cover.getColumn(2).width = 60;

  const table = book.addWorksheet('指标');
  table.addRow(['指标', '本月', '上月（环比）', '去年同月（同比）', '单位', '计算公式']);
  for (const i of a.indicators) {
    const row = table.addRow([
      i.name,
      i.current,
      i.previous,
      i.lastYear,
      i.unit === RATE_UNIT ? '%' : i.unit,
      i.formula,
    ]);
    // rates stay 0–1 numbers in the cell, shown as percentages
    const format = i.unit === RATE_UNIT ? '0.0%' : i.unit === '小时' ? '0.0' : '0';
    for (const c of [2, 3, 4]) row.getCell(c).numFmt = format;
  }
  table.columns.forEach((column, n) => (column.width = [16, 10, 12, 14, 6, 60][n]));

  const ranks = book.addWorksheet('排名');
  ranks.addRow([
    '名次',
    '单位代码',
    '单位',
    '受理量（件）',
    '办结数（件）',
    '办结率',
    '按期办结率',
    '满意率',
    '备注',
  ]);
  for (const u of a.rankings) {
    const row = ranks.addRow([
      u.rank,
      u.code,
      u.name,
      u.received,
      u.closed,
      u.resolutionRate,
      u.onTimeRate,
      u.satisfactionRate,
      u.note,
    ]);
    for (const c of [6, 7, 8]) row.getCell(c).numFmt = '0.0%';
  }

  const grown = book.addWorksheet('增长类别');
  grown.addRow(['类别代码', '类别', '本月（件）', '上月（件）', '增加（件）']);
  for (const g of a.categoriesGrown)
    grown.addRow([g.code, g.name, g.received, g.previousReceived, g.change]);

  const overdue = book.addWorksheet('超期工单');
  overdue.addRow(['工单编号', '类别', '小区', '层级', '责任人', '办理时限', '超期（小时）']);
  for (const o of a.overdue)
    overdue.addRow([o.code, o.category, o.compound, o.level, o.owner, o.resolveBy, o.hoursOverdue]);

  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Rows as CSV lines (csv-stringify, CRLF as Excel writes them). A text cell that starts as a
 * formula would (=, +, -, @: place names and descriptions come from files and residents) is
 * escaped, so Excel shows it instead of running it.
 */
const csvLines = (rows: unknown[][]) =>
  stringify(rows, { record_delimiter: 'windows', escape_formulas: true }).replace(/\r\n$/, '');

/** Tables as one CSV file with a UTF-8 byte-order mark (Excel opens Chinese as UTF-8), a blank line between them. */
export const csvFile = (...tables: unknown[][][]) =>
  Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(tables.map(csvLines).join('\r\n\r\n') + '\r\n', 'utf8'),
  ]);

/** The indicator table and the rankings as CSV (one table after the other, a blank line between). */
export function assessmentCsv(a: Assessment): Buffer {
  const header = [['考评单位', a.unit.name, '考评月份', a.period.label]];
  const indicators = [
    ['指标', '本月', '上月（环比）', '去年同月（同比）', '单位', '计算公式'],
    ...a.indicators.map((i) => [
      i.name,
      shown(i.current, i.unit),
      shown(i.previous, i.unit),
      shown(i.lastYear, i.unit),
      i.unit,
      i.formula,
    ]),
  ];
  const ranks = [
    ['名次', '单位', '办结数（件）', '按期办结率（%）', '满意率（%）', '备注'],
    ...a.rankings.map((u) => [
      u.rank,
      u.name,
      u.closed,
      shown(u.onTimeRate, RATE_UNIT),
      shown(u.satisfactionRate, RATE_UNIT),
      u.note,
    ]),
  ];
  return csvFile(header, indicators, ranks);
}

// ---- PDF ----

const A4 = { width: 595.28, height: 841.89, margin: 48 };

export async function assessmentPdf(
  a: Assessment,
  version: number | null,
  fontPath: string,
): Promise<Buffer> {
  const PDFDocument = await pdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: A4.margin,
    info: { Title: `${a.unit.name} ${a.period.label} 月度考评` },
  });
  registerCjkFont(doc, fontPath);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );

  const width = A4.width - 2 * A4.margin;
  // cover
  doc.fontSize(26).text('月度考评报告', { align: 'center' });
  doc
    .moveDown(0.5)
    .fontSize(16)
    .text(`${a.unit.name}（${levelName[a.unit.level] ?? a.unit.level}）`, { align: 'center' });
  doc.fontSize(12).text(`考评月份 ${a.period.label}（北京时间自然月）`, { align: 'center' });
  doc
    .fontSize(9)
    .fillColor('#555')
    .text(
      `生成于 ${localTime(a.generatedAt)} · ${version === null ? '实时数据，未存档' : `存档第 ${version} 版`}`,
      {
        align: 'center',
      },
    )
    .fillColor('black');
  doc.moveDown(1.2);

  // indicator table
  doc.fontSize(13).text('一、指标');
  doc.moveDown(0.3);
  const cols = [110, 60, 60, 60, 30];
  const formulaX = A4.margin + cols.reduce((s, c) => s + c, 0);
  const row = (cells: string[], size: number, formula: string) => {
    const y = doc.y;
    let x = A4.margin;
    doc.fontSize(size);
    cells.forEach((cell, i) => {
      doc.text(cell, x, y, { width: cols[i]! - 4, lineBreak: false });
      x += cols[i]!;
    });
    doc
      .fontSize(7)
      .fillColor('#555')
      .text(formula, formulaX, y, { width: width - (formulaX - A4.margin) });
    doc.fillColor('black');
    doc.y = Math.max(doc.y, y + size + 4);
    doc.x = A4.margin;
  };
  row(['指标', '本月', '上月', '去年同月', '单位'], 9, '计算公式');
  doc
    .moveTo(A4.margin, doc.y)
    .lineTo(A4.margin + width, doc.y)
    .strokeColor('#999')
    .stroke();
  doc.moveDown(0.2);
  const fmt = (v: number | null, unit: string) => {
    const s = shown(v, unit);
    return s === null ? '—' : unit === RATE_UNIT ? `${s}%` : String(s);
  };
  for (const i of a.indicators)
    row(
      [i.name, fmt(i.current, i.unit), fmt(i.previous, i.unit), fmt(i.lastYear, i.unit), i.unit],
      9,
      i.formula,
    );

  // chart: the four rates, this month against last month and a year before
  doc.moveDown(0.8);
  doc.fontSize(13).text('二、主要比率（本月 / 上月 / 去年同月）');
  const rates = ['resolutionRate', 'onTimeRate', 'satisfactionRate', 'reworkRate'].map((key) =>
    a.indicators.find((i) => i.key === key)!,
  );
  const chartTop = doc.y + 8;
  const chartHeight = 120;
  const groupWidth = width / rates.length;
  const colours = ['#1f6feb', '#8b949e', '#d29922'];
  doc
    .moveTo(A4.margin, chartTop + chartHeight)
    .lineTo(A4.margin + width, chartTop + chartHeight)
    .strokeColor('#333')
    .stroke();
  rates.forEach((indicator, g) => {
    [indicator.current, indicator.previous, indicator.lastYear].forEach((value, b) => {
      const x = A4.margin + g * groupWidth + 20 + b * 28;
      const h = (value ?? 0) * chartHeight;
      doc.rect(x, chartTop + chartHeight - h, 22, h).fill(colours[b]!);
      doc
        .fillColor('black')
        .fontSize(7)
        .text(fmt(value, RATE_UNIT), x - 4, chartTop + chartHeight - h - 10, {
          width: 30,
          align: 'center',
          lineBreak: false,
        });
    });
    doc.fontSize(9).text(indicator.name, A4.margin + g * groupWidth, chartTop + chartHeight + 4, {
      width: groupWidth,
      align: 'center',
      lineBreak: false,
    });
  });
  ['本月', '上月', '去年同月'].forEach((label, b) => {
    const x = A4.margin + b * 70;
    doc.rect(x, chartTop + chartHeight + 20, 8, 8).fill(colours[b]!);
    doc
      .fillColor('black')
      .fontSize(8)
      .text(label, x + 12, chartTop + chartHeight + 20, { lineBreak: false });
  });
  doc.x = A4.margin;
  doc.y = chartTop + chartHeight + 40;

  // rankings
  doc.fontSize(13).text('三、排名');
  doc
    .fontSize(8)
    .fillColor('#555')
    .text(`${a.tieBreak}（最低样本：办结 ${a.minClosed} 件）`)
    .fillColor('black');
  doc.moveDown(0.3);
  for (const u of a.rankings)
    doc
      .fontSize(9)
      .text(
        `${u.rank ?? '—'}  ${u.name}  办结 ${u.closed} 件  按期办结率 ${fmt(u.onTimeRate, RATE_UNIT)}  满意率 ${fmt(u.satisfactionRate, RATE_UNIT)}${u.note ? `  ${u.note}` : ''}`,
      );

  doc.moveDown(0.6);
  doc.fontSize(13).text('四、增长的类别');
  if (a.categoriesGrown.length === 0) doc.fontSize(9).text('无');
  for (const g of a.categoriesGrown)
    doc.fontSize(9).text(`${g.name}：${g.previousReceived} → ${g.received} 件（+${g.change}）`);

  doc.moveDown(0.6);
  doc.fontSize(13).text('五、月末超期工单');
  if (a.overdue.length === 0) doc.fontSize(9).text('无');
  for (const o of a.overdue)
    doc
      .fontSize(9)
      .text(
        `${o.code}  ${o.category ?? '未分类'}  ${o.compound ?? ''}  时限 ${o.resolveBy}  超期 ${o.hoursOverdue} 小时  责任人 ${o.owner ?? '—'}`,
      );
  doc.end();
  return done;
}
