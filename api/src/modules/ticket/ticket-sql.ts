import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { tickets } from '../../db/schema';

// What "open" and "overdue" mean, once, for every query over tickets `t` (lists, the ticket's own
// overdue flag, the figures of places). Overdue is judged at the product's clock (ctx.now(),
// which YITU_CLOCK_OFFSET_MS shifts), the same clock the services set deadlines with.

/** The tickets alias (`t`) these conditions are written over: queries that use them import it. */
export const t = alias(tickets, 't');

/** 未办结: every status but closed, rejected as a duplicate and transferred out. */
export const openTicket = sql`${t.status} NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')`;

/** The product's clock in SQL: a time as a value, or an expression that gives it. */
export const clockSql = (now: Date | SQL) =>
  now instanceof Date ? sql`${now.toISOString()}::timestamptz` : now;

/** 超期: open, not suspended, and past its resolve-by deadline at `now`. */
export const overdueTicket = (now: Date | SQL) =>
  sql`(${openTicket} AND ${t.status} <> 'SUSPENDED' AND COALESCE(${t.resolveBy} < ${clockSql(now)}, false))`;

/** 紧急: urgent and still open. */
export const urgentTicket = sql`(${t.emergencyKind} IS NOT NULL AND ${openTicket})`;

/** The key staff lists are paged by: urgent open tickets first, then the rest, each by id. */
export const urgentFirstKey = sql`(CASE WHEN ${urgentTicket} THEN ${t.id}::bigint ELSE ${t.id}::bigint + 2147483648 END)`;
