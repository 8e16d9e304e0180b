// The explicit entry through which tests reach into the API package (nothing else imports api).
export { loadConfig, repoRoot } from './config';
export { createDb, migrate, migrationsFolder, tables, type Database } from './db';
export { generateCity, seedDemoCity, seedIfEmpty, ensureCategories } from './seed';
export { tilingProblems, type TilingProblem } from './modules/region/integrity';
export { startApp } from './http/app';
