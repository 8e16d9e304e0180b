import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { addWorkingHours, type WorkingCalendar } from './working-calendar';
import { LADDER, TRANSITIONS } from './ticket-machine';

// The deadline job: a ticket whose deadline has passed climbs one rung of the ladder
// (compound → community → street → department) and gets a fresh deadline at the new level.
// The state is the ticket row itself, so it is exactly once per breach: the escalated ticket
// is no longer overdue, a restart finds nothing new, and several API processes share the work
// through FOR UPDATE SKIP LOCKED without escalating one ticket twice.

/** Working hours the next level gets to settle an escalated matter. */
export const ESCALATED_RESOLVE_HOURS = 24;
const BATCH = 200;

export async function escalateOverdue(
  database: Database,
  now: Date,
  calendar: WorkingCalendar,
): Promise<number> {
  const deadline = addWorkingHours(calendar, now, ESCALATED_RESOLVE_HOURS).toISOString();
  const at = now.toISOString();
  const rows = await database.rows<{ ticketId: number }>(sql`
    WITH due AS (
      SELECT id, level, status FROM tickets
      WHERE status = ANY(${`{${Object.keys(TRANSITIONS.ESCALATE).join(',')}}`}::ticket_status[])
        AND level <> ${LADDER.at(-1)!}
        AND (resolve_by < ${at} OR (status = 'REPORTED' AND respond_by < ${at}))
      ORDER BY id LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    ), moved AS (
      UPDATE tickets t SET
        -- one rung up the state machine's ladder
        level = (${`{${LADDER.join(',')}}`}::ticket_level[])[array_position(${`{${LADDER.join(',')}}`}::ticket_level[], due.level) + 1],
        resolve_by = ${deadline},
        respond_by = CASE WHEN due.status = 'REPORTED' THEN ${deadline}::timestamptz ELSE t.respond_by END,
        version = t.version + 1,
        updated_at = ${at}
      FROM due WHERE t.id = due.id
      RETURNING t.id, due.level AS from_level, t.level AS to_level, t.status
    )
    INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, reason, data, at)
    SELECT id, 'ESCALATE', status, status, 'system:deadline', '办理时限已过，自动上报',
      jsonb_build_object('fromLevel', from_level, 'toLevel', to_level, 'automatic', true), ${at}
    FROM moved
    RETURNING ticket_id AS "ticketId"`);
  return rows.length;
}

/** Runs the job now and then every intervalMs; the timer only wakes the job up. */
export function startEscalationJob(
  database: Database,
  clock: () => Date,
  calendar: WorkingCalendar,
  intervalMs: number,
  log: (message: string) => void,
): () => void {
  if (intervalMs <= 0) return () => {};
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      let moved = 0;
      for (;;) {
        const n = await escalateOverdue(database, clock(), calendar);
        moved += n;
        if (n < BATCH) break;
      }
      if (moved > 0) log(`deadline job: escalated ${moved} overdue ticket(s)`);
    } catch (error) {
      log(`deadline job failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
