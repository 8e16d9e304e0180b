import type { Database } from '../db';

export interface Context {
  database: Database;
}
