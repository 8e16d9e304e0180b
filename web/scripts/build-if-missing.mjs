// `pnpm start` serves web/dist: build it only when it is missing or older than its inputs,
// so a start after a fresh checkout works and a normal start costs nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(webDir, 'dist', 'index.html');
// The web's operations live in the schema package: a change there changes the app too.
const inputs = [
  'src',
  'index.html',
  'graphiql.html',
  'm.html',
  'public',
  'vite.config.ts',
  'package.json',
  '../schema/index.ts',
].map((p) => path.join(webDir, p));

/** The newest file under `p` as { file, mtime }, or null if `p` does not exist. */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return null;
  }
  if (!stat.isDirectory()) return { file: p, mtime: stat.mtimeMs };
  let best = null;
  for (const name of fs.readdirSync(p)) {
    const n = newest(path.join(p, name));
    if (n && (!best || n.mtime > best.mtime)) best = n;
  }
  return best;
}

const rel = (p) => path.relative(webDir, p) || '.';
const built = fs.existsSync(output) ? fs.statSync(output).mtimeMs : null;
const changed = inputs
  .map(newest)
  .filter((n) => n !== null)
  .reduce((a, b) => (!a || b.mtime > a.mtime ? b : a), null);

if (built !== null && (!changed || changed.mtime <= built)) {
  console.log(
    `[web] dist/index.html is up to date (${new Date(built).toISOString()}); skipping vite build`,
  );
  process.exit(0);
}

console.log(
  built === null
    ? '[web] dist/index.html is missing; running vite build'
    : `[web] ${rel(changed.file)} is newer than dist/index.html; running vite build`,
);
// vite's own bin through this node: works without npx or node_modules/.bin on PATH
const vite = path.join(webDir, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(process.execPath, [vite, 'build'], { cwd: webDir, stdio: 'inherit' });
if (result.error) throw result.error;
console.log(
  result.status === 0 ? '[web] vite build done' : `[web] vite build failed (${result.status})`,
);
process.exit(result.status ?? 1);
