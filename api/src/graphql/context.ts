import type { Database } from '../db';
import type { SessionCookie } from '../auth/credentials';
import { Guard } from '../auth/guard';
import { anonymousViewer, type Viewer } from '../auth/viewer';
import type { WorkingCalendar } from '../modules/ticket/working-calendar';
import { Loaders } from './loaders';

export interface Context {
  database: Database;
  loaders: Loaders;
  /** The product's clock (shiftable by config for deadline demos and tests). */
  now: () => Date;
  /** The working calendar deadlines are counted on (holidays from config: YITU_HOLIDAYS). */
  calendar: WorkingCalendar;
  /** Who asks, and the request's authorization state (auth/policy.ts decides). */
  auth: Guard;
  /** Sets or clears the session cookie (HTTP requests only). */
  session?: SessionCookie;
}

export const createContext = (
  database: Database,
  now: () => Date,
  calendar: WorkingCalendar,
  viewer: Viewer = anonymousViewer(),
  session?: Context['session'],
): Context => ({
  database,
  loaders: new Loaders(),
  now,
  calendar,
  auth: new Guard(viewer, database, now),
  ...(session ? { session } : {}),
});
