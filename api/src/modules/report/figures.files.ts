import { LEVEL_ZH } from '../ticket/ticket-status';
import { csvFile } from './report.files';
import type { Figures, PeriodReportData } from './report.service';
import { excelJs } from '../../libraries';

// A place's period figures (periodReport) as files: one row per figure with its unit, the
// period, the one before (环比) and the same one a year earlier (同比). In the xlsx every value
// is a number (rates 0–1 shown as percentages); the CSV has a BOM and rates in percent.

type Unit = '件' | '%' | '小时';
interface FigureLine {
  name: string;
  unit: Unit;
  of: (f: Figures) => number | null;
}

const CHANNEL_NAMES: Record<string, string> = {
  QR: '扫码',
  PATROL: '巡查',
  HOTLINE: '热线',
  STAFF: '工作人员',
};
const days = (h: number) => h / 24;

/** The lines, in the order a report reads: the loop, the assessment rates, times, then breakdowns. */
function linesOf(sample: Figures): FigureLine[] {
  const count = (name: string, of: FigureLine['of']): FigureLine => ({ name, unit: '件', of });
  const rate = (name: string, of: FigureLine['of']): FigureLine => ({ name, unit: '%', of });
  const hours = (name: string, of: FigureLine['of']): FigureLine => ({ name, unit: '小时', of });
  return [
    count('受理量（上报）', (f) => f.received),
    count('受理', (f) => f.accepted),
    count('派单', (f) => f.dispatched),
    count('处置', (f) => f.resolved),
    count('核查通过', (f) => f.verified),
    count('办结数', (f) => f.closed),
    count('应结案数', (f) => f.due),
    count('缓办数', (f) => f.suspendedDue),
    count('应结案已办结', (f) => f.closedDue),
    count('按期结案数', (f) => f.closedOnTime),
    rate('办结率', (f) => f.resolutionRate),
    rate('按期办结率', (f) => f.onTimeRate),
    count('返工', (f) => f.reworked),
    rate('返工率', (f) => f.reworkRate),
    count('居民评价', (f) => f.residentRatings),
    rate('满意率', (f) => f.satisfactionRate),
    count('回访', (f) => f.returnVisits),
    rate('回访满意率', (f) => f.returnVisitSatisfactionRate),
    hours('平均响应时长', (f) => f.meanResponseHours),
    hours('响应时长中位数', (f) => f.medianResponseHours),
    hours('平均办结时长', (f) => f.meanResolutionHours),
    hours('办结时长中位数', (f) => f.medianResolutionHours),
    ...sample.resolutionHistogram.map((b, i) =>
      count(
        `办结时长 ${days(b.fromHours)}${b.toHours === null ? ' 天以上' : `–${days(b.toHours)} 天`}`,
        (f) => f.resolutionHistogram[i]!.count,
      ),
    ),
    ...sample.escalations.map((e, i) =>
      count(`上报至${LEVEL_ZH[e.level] ?? e.level}`, (f) => f.escalations[i]!.count),
    ),
    ...sample.closedByLevel.map((l, i) =>
      rate(`${LEVEL_ZH[l.level] ?? l.level}层级办结占比`, (f) => f.closedByLevel[i]!.share),
    ),
    count('重开', (f) => f.reopened),
    count('重复件', (f) => f.duplicates),
    ...sample.byChannel.map((c, i) =>
      count(`渠道：${CHANNEL_NAMES[c.channel] ?? c.channel}`, (f) => f.byChannel[i]!.count),
    ),
  ];
}

const HEADER = (r: PeriodReportData) => [
  '指标',
  '单位',
  `本期 ${r.current.period.label}`,
  `上期（环比）${r.previous.period.label}`,
  `去年同期（同比）${r.lastYear.period.label}`,
];

export async function figuresXlsx(r: PeriodReportData): Promise<Buffer> {
  const book = new (await excelJs()).Workbook();
  book.creator = 'Yitu 一图';
  const sheet = book.addWorksheet('统计报表');
  sheet.addRows([['统计对象', r.subject], ['统计期', `${r.current.period.label}（北京时间）`], []]);
  sheet.addRow(HEADER(r));
  for (const line of linesOf(r.current)) {
    const row = sheet.addRow([
      line.name,
      line.unit,
      line.of(r.current),
      line.of(r.previous),
      line.of(r.lastYear),
    ]);
    // rates stay 0–1 numbers in the cell, shown as percentages
    const format = line.unit === '%' ? '0.0%' : line.unit === '小时' ? '0.0' : '0';
    for (const c of [3, 4, 5]) row.getCell(c).numFmt = format;
  }
  sheet.columns.forEach((column, n) => (column.width = [22, 6, 14, 22, 24][n]));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The same table as CSV with a BOM; rates in percent with one decimal, hours with one. */
export function figuresCsv(r: PeriodReportData): Buffer {
  const shown = (v: number | null, unit: Unit) =>
    v === null ? null : unit === '%' ? Math.round(v * 1000) / 10 : Math.round(v * 10) / 10;
  const rows: unknown[][] = [
    ['统计对象', r.subject, '统计期', r.current.period.label],
    [],
    HEADER(r),
    ...linesOf(r.current).map((l) => [
      l.name,
      l.unit,
      shown(l.of(r.current), l.unit),
      shown(l.of(r.previous), l.unit),
      shown(l.of(r.lastYear), l.unit),
    ]),
  ];
  return csvFile(rows);
}
