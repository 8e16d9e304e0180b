import type { Database } from '../db';
import { Loaders } from './loaders';

export interface Context {
  database: Database;
  loaders: Loaders;
  /** The product's clock (shiftable by config for deadline demos and tests). */
  now: () => Date;
}

export const createContext = (database: Database, now: () => Date = () => new Date()): Context => ({
  database,
  loaders: new Loaders(),
  now,
});
