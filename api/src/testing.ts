// The explicit entry through which tests reach into the API package (nothing else imports api).
// An entry, as main.ts is: decorator metadata before the first GraphQL type is declared.
import 'reflect-metadata';
export { loadConfig, repoRoot } from './config';
export { copyValue, createDb, migrate, tables, type Database } from './db';
export { ensureCategories, seedDemoCity } from './seed';
export { SEEDED_TABLES } from './seed/insert';
export { tilingProblems } from './modules/region/integrity';
export { startApp } from './http/app';
export { applyImport, previewImport } from './modules/import/import.service';
export type { Viewer } from './auth/viewer';
export { reportTicket, actOnTicket } from './modules/ticket/ticket.service';
export { matchSql, matchTickets } from './modules/matching/match.sql';
export {
  answerDispatch,
  gridDispatchPlan,
  applyDispatchPlan,
} from './modules/matching/dispatch.service';
export { communityLists } from './modules/matching/lists.repo';
export { createContext } from './graphql/context';
export { createCalendar } from './modules/ticket/working-calendar';
export { authenticateSecret, createAccount, issueToken } from './auth/credentials';
export { DEMO_PASSWORD } from './seed/accounts';
export { mayReadTicket, ROOT_RULES, ticketScope, TYPE_RULES } from './auth/policy';
export {
  layerByMvt,
  layersByMvt,
  layerByVtPbf,
  tileByMvtSql,
  LAYERS,
  LAYER_SPECS,
  EXTENT,
  BUFFER,
  CLUSTER_CELLS,
  tileBounds,
} from './modules/tile/tile.layers';
export { ticketVisibility } from './auth/policy';
export { layerByGcj02 } from './modules/tile/tile.gcj02';
export { figuresSql } from './modules/report/report.sql';
export { parsePeriod, previousPeriod, lastYearPeriod } from './modules/report/period';
