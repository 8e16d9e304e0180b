// pnpm check:schema — fails when the committed graphql-env.d.ts (gql.tada's types for the web's
// operations) lags schema.graphql. `pnpm check:types` regenerates it before type-checking, so
// without this a stale committed copy would pass CI and then differ on every fresh clone.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const committed = path.join(here, 'graphql-env.d.ts');
const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-env-')), 'graphql-env.d.ts');
execFileSync('pnpm', ['exec', 'gql.tada', 'generate-output', '--output', fresh], {
  cwd: here,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const same =
  fs.existsSync(committed) && fs.readFileSync(committed, 'utf8') === fs.readFileSync(fresh, 'utf8');
fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
if (!same) {
  console.error('schema/graphql-env.d.ts is out of date: run `pnpm schema:emit` and commit it.');
  process.exit(1);
}
console.log('schema/graphql-env.d.ts matches schema.graphql');
