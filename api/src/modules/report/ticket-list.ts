import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput } from '../../errors';
import { maskName, maskPhone } from '../../auth/mask';
import type { Viewer } from '../../auth/viewer';
import { t } from '../ticket/ticket-sql';
import { TICKET_STATUSES } from '../ticket/ticket-status';
import type { Period } from './period';
import { csvFile } from './report.files';
import { excelJs } from '../../libraries';

// A ticket list to hand on (工单明细): the tickets reported in a period, of a place, status and
// category, among those the viewer may read. Residents' names and phones are masked unless a
// signed-in person whose role may reveal them asks (as every export does); the route writes the
// audit line with what was masked.

export const MAX_LIST_ROWS = 50_000;

interface ListRow {
  code: string;
  reportedAt: string;
  channel: string;
  category: string | null;
  status: string;
  level: string;
  compound: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  description: string;
  owner: string | null;
  resolveBy: string | null;
  closedAt: string | null;
  satisfaction: number | null;
}

const COLUMNS: [keyof ListRow, string][] = [
  ['code', '工单编号'],
  ['reportedAt', '上报时间'],
  ['channel', '渠道'],
  ['category', '类别'],
  ['status', '状态'],
  ['level', '层级'],
  ['compound', '小区'],
  ['reporterName', '报告人'],
  ['reporterPhone', '联系电话'],
  ['description', '描述'],
  ['owner', '首问责任人'],
  ['resolveBy', '办理时限'],
  ['closedAt', '办结时间'],
  ['satisfaction', '居民评价（1–5）'],
];

const local = (column: SQL) =>
  sql`to_char((${column} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD HH24:MI')`;

export interface TicketList {
  body: Buffer;
  rows: number;
  masked: string[];
  revealed: boolean;
}

export async function ticketList(
  database: Database,
  viewer: Viewer,
  where: SQL,
  period: Period,
  options: { status: string | null; format: 'xlsx' | 'csv' },
): Promise<TicketList> {
  if (options.status !== null && !(TICKET_STATUSES as readonly string[]).includes(options.status))
    throw badInput('status', 'UNKNOWN_STATUS', `status is one of ${TICKET_STATUSES.join(', ')}`);
  const rows = await database.rows<ListRow>(sql`
    SELECT ${t.code} AS code, ${local(sql`${t.reportedAt}`)} AS "reportedAt", ${t.channel} AS channel,
      k.name_zh AS category, ${t.status} AS status, ${t.level} AS level, c.name AS compound,
      ${t.reporterName} AS "reporterName", ${t.reporterPhone} AS "reporterPhone",
      ${t.description} AS description, ${t.owner} AS owner, ${local(sql`${t.resolveBy}`)} AS "resolveBy",
      ${local(sql`${t.closedAt}`)} AS "closedAt", ${t.satisfaction} AS satisfaction
    FROM tickets ${t}
    LEFT JOIN categories k ON k.code = ${t.categoryCode}
    LEFT JOIN compounds c ON c.id = ${t.compoundId}
    WHERE ${where} AND ${t.reportedAt} >= ${period.from.toISOString()}::timestamptz
      AND ${t.reportedAt} < ${period.to.toISOString()}::timestamptz
      ${options.status === null ? sql`` : sql`AND ${t.status} = ${options.status}`}
    ORDER BY ${t.reportedAt}, ${t.code} LIMIT ${MAX_LIST_ROWS + 1}`);
  if (rows.length > MAX_LIST_ROWS)
    throw badInput(
      'period',
      'TOO_MANY_ROWS',
      `at most ${MAX_LIST_ROWS} tickets per list: ask a shorter period or a smaller place`,
    );
  const revealed = viewer.via === 'session' && viewer.permissions.has('personal:reveal');
  const shown = rows.map((row) =>
    revealed
      ? row
      : {
          ...row,
          reporterName: row.reporterName === null ? null : maskName(row.reporterName),
          reporterPhone: row.reporterPhone === null ? null : maskPhone(row.reporterPhone),
        },
  );
  const masked = revealed ? [] : ['报告人', '联系电话'];
  if (options.format === 'csv') {
    const table = [COLUMNS.map(([, h]) => h), ...shown.map((r) => COLUMNS.map(([k]) => r[k]))];
    return { body: csvFile(table), rows: rows.length, masked, revealed };
  }
  const book = new (await excelJs()).Workbook();
  const sheet = book.addWorksheet('工单明细');
  sheet.addRow(COLUMNS.map(([, h]) => h));
  for (const r of shown) sheet.addRow(COLUMNS.map(([k]) => r[k]));
  return { body: Buffer.from(await book.xlsx.writeBuffer()), rows: rows.length, masked, revealed };
}
