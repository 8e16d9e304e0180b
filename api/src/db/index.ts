export {
  copyValue,
  createDb,
  DataDirLockedError,
  type Database,
  type Db,
  type Engine,
} from './client';
export { migrate, migrationsFolder } from './migrate';
export * as tables from './schema';
