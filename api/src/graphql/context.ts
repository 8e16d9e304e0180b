import type { Database } from '../db';
import { Loaders } from './loaders';

export interface Context {
  database: Database;
  loaders: Loaders;
}

export const createContext = (database: Database): Context => ({
  database,
  loaders: new Loaders(),
});
