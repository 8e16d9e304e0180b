import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { PhotoStorage } from './photo.storage';

// Photos are uploaded before the report or resolution that carries them; one that no ticket
// took within a day was abandoned (or never meant for a ticket) and is removed, row and files.
// The row goes first, in one statement, so several API processes never remove a photo twice
// and a photo attached meanwhile (ticket_id set) is kept.

export const UNATTACHED_PHOTO_HOURS = 24;
const INTERVAL_MS = 60 * 60 * 1000;

export async function removeUnattachedPhotos(
  database: Database,
  storage: PhotoStorage,
  now: Date,
): Promise<number> {
  const cutoff = new Date(now.getTime() - UNATTACHED_PHOTO_HOURS * 3600_000).toISOString();
  const removed = await database.rows<{ key: string; bytes: number }>(sql`
    DELETE FROM photos WHERE ticket_id IS NULL AND created_at < ${cutoff}
    RETURNING key, bytes`);
  if (removed.length === 0) return 0;
  for (const { key } of removed) {
    await storage.delete(key);
    await storage.delete(`${key}.thumb.jpg`);
  }
  await database.rows(sql`
    INSERT INTO audit_log (at, actor, action, result, details)
    VALUES (${now.toISOString()}, 'system:photo-retention', 'removeUnattachedPhotos', 'OK',
      ${JSON.stringify({
        photos: removed.length,
        bytes: removed.reduce((sum, p) => sum + Number(p.bytes), 0),
        olderThanHours: UNATTACHED_PHOTO_HOURS,
      })}::jsonb)`);
  return removed.length;
}

/**
 * Runs now (resolving once this first sweep is done, so a restart with a later clock has swept
 * before it is ready) and then every hour on the product's clock; resolves to the stop function.
 */
export async function startPhotoRetentionJob(
  database: Database,
  storage: PhotoStorage,
  clock: () => Date,
  log: (message: string) => void,
): Promise<() => void> {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const n = await removeUnattachedPhotos(database, storage, clock());
      if (n > 0) log(`photo job: removed ${n} photo(s) no ticket took within a day`);
    } catch (error) {
      log(`photo job failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  await tick();
  const timer = setInterval(() => void tick(), INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
