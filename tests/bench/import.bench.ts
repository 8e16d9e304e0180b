// pnpm bench:import [--compounds 10000] [--resources 100000] [--rounds 3] [--cpu-prof dir]
// 建档 at a district's scale: a generated district (1 street, 100 communities), its compounds and
// its resources imported from GeoJSON files as the upload does it (read, stage, every check,
// then apply in one transaction), against ogr2ogr (GDAL) loading the same files into the same
// PostgreSQL server, rounds alternating. Each Yitu import runs in a child process of its own, so
// its peak RSS is that import's (after the same work on the file's first 20 features, undone:
// warm, as a server is); ogr2ogr's is read from /usr/bin/time -v (or /proc VmHWM).
// Engine: DATABASE_URL (fresh databases there) or PGlite (Yitu alone: ogr2ogr cannot load it).
// Prints medians, the ratio Yitu/ogr2ogr per file, and where Yitu's time went (per statement).
import { fork, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import {
  applyImport,
  createDb,
  ensureCategories,
  migrate,
  previewImport,
  repoRoot,
  type Database,
} from '@yitu/api/testing';
import { testViewer } from '../support/viewer';
import { makeBenchPlace, type BenchPlace } from './support';

const { values } = parseArgs({
  options: {
    compounds: { type: 'string', default: '10000' },
    resources: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
    // a V8 CPU profile of each Yitu import child into this directory (node --cpu-prof)
    'cpu-prof': { type: 'string' },
  },
});

type Kind = 'REGION' | 'COMPOUND' | 'RESOURCE';
interface Job {
  place: BenchPlace;
  file: string;
  kind: Kind;
}
interface Timing {
  phase: 'preview' | 'apply';
  sql: string;
  ms: number;
}
interface YituRun {
  previewMs: number;
  applyMs: number;
  maxRssKb: number;
  baselineRssKb: number;
  create: number;
  errors: number;
  warnings: number;
  statements: Timing[];
}

// ---- the child: one import, timed per statement ----

async function runChild(job: Job) {
  const statements: Timing[] = [];
  let phase: Timing['phase'] = 'preview';
  const database = timed(await createDb(job.place), statements, () => phase);
  // every permission and region, as the district's administrator; the service is called as the
  // upload route and the applyImport resolver call it (their audit lines are not timed)
  const viewer = testViewer(
    ['places:read', 'places:write'],
    { all: true },
    { via: 'token', tokenName: 'import-bench' },
  );

  // as in a server that has imported before: the same work on the file's first features, undone
  await database
    .transaction(async (tx) => {
      const warm = { fileName: 'warm-up.geojson', bytes: fs.readFileSync(warmUpFile(job.file)) };
      const id = await previewImport(tx, viewer, warm, { kind: job.kind });
      await applyImport(tx, viewer, id, { rederiveTickets: false, now: new Date() });
      throw new Undo();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Undo)) throw error;
    });
  statements.length = 0;
  const baselineRssKb = process.resourceUsage().maxRSS;
  const started = performance.now();
  const bytes = fs.readFileSync(job.file);
  const importId = await previewImport(
    database,
    viewer,
    { fileName: path.basename(job.file), bytes },
    { kind: job.kind },
  );
  const previewed = performance.now();
  phase = 'apply';
  const summary = await database.transaction((tx) =>
    applyImport(tx, viewer, importId, { rederiveTickets: false, now: new Date() }),
  );
  const applied = performance.now();
  const run: YituRun = {
    previewMs: previewed - started,
    applyMs: applied - previewed,
    maxRssKb: process.resourceUsage().maxRSS,
    baselineRssKb,
    create: summary.create,
    errors: summary.errors,
    warnings: summary.warnings,
    statements,
  };
  await database.close();
  process.send!(run);
}

class Undo extends Error {}
const warmUpFile = (file: string) =>
  path.join(path.dirname(file), `warm-up-${path.basename(file)}`);

/** The database with every statement timed (the transaction's too). */
function timed(database: Database, into: Timing[], phase: () => Timing['phase']): Database {
  const dialect = new PgDialect();
  return {
    ...database,
    rows: async <T>(query: SQL) => {
      const started = performance.now();
      try {
        return await database.rows<T>(query);
      } finally {
        const ms = performance.now() - started;
        into.push({ phase: phase(), sql: labelOf(dialect.sqlToQuery(query)), ms });
      }
    },
    transaction: (fn) => database.transaction((tx) => fn(timed(tx, into, phase))),
    copyFrom: async (table, columns, chunks) => {
      const started = performance.now();
      try {
        return await database.copyFrom(table, columns, chunks);
      } finally {
        // the lines are encoded as the server takes them: Node's encoding is inside this time
        into.push({
          phase: phase(),
          sql: `COPY ${table} (rows encoded meanwhile)`,
          ms: performance.now() - started,
        });
      }
    },
  };
}

/** A check by the reason it flags; any other statement by its text (stage batches share one). */
function labelOf({ sql: text, params }: { sql: string; params: unknown[] }): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const reason = params.find(
    (p): p is string =>
      typeof p === 'string' && /^[A-Z][A-Z_]{3,}$/.test(p) && p !== 'WARNING' && p !== 'ERROR',
  );
  if (reason && /^UPDATE \S+ r SET problems = r\.problems \|\|/.test(flat))
    return `check ${reason}`;
  return flat;
}

// ---- the parent: files, rounds, ogr2ogr, the table ----

async function main() {
  const compounds = Number(values.compounds);
  const resources = Number(values.resources);
  const rounds = Number(values.rounds);
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-import-bench-'));
  const files = generate(work, compounds, resources);
  const template = await makeBenchPlace();
  const copies: Awaited<ReturnType<typeof makeBenchPlace>>[] = [];
  try {
    const database = await createDb(template.place);
    await migrate(database);
    await ensureCategories(database);
    const [server] = await database.rows<{ version: string }>(
      sql`SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version() AS version`,
    );
    await database.close();
    const ogr =
      engine === 'postgres'
        ? spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' }).stdout.trim()
        : undefined;
    console.log(
      `import on ${engine} (PostgreSQL ${server!.version}), ${rounds} rounds, ` +
        `${os.cpus().length} cores, load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    if (engine === 'pglite')
      console.log(
        'ogr2ogr cannot load PGlite (an in-process database): Yitu alone; set DATABASE_URL for the comparison',
      );
    else console.log(`against ${ogr} loading the same files into the same server`);
    for (const f of files)
      console.log(
        `  ${path.basename(f.path)}: ${f.features.toLocaleString('en')} features, ${(fs.statSync(f.path).size / 1e6).toFixed(1)} MB`,
      );

    const yitu = new Map<string, YituRun[]>();
    const ogrRuns = new Map<string, { ms: number; maxRssKb: number | null }[]>();
    const floorRuns = new Map<string, number[]>();
    for (let round = 1; round <= rounds; round++) {
      // each round on a fresh copy of the empty migrated database
      const copy = await makeBenchPlace(`yitu_bench_${process.pid}_r${round}`, template.place);
      copies.push(copy);
      const order = round % 2 === 1 ? ['yitu', 'ogr2ogr'] : ['ogr2ogr', 'yitu'];
      for (const who of order) {
        if (who === 'ogr2ogr' && engine !== 'postgres') continue;
        for (const f of files) {
          const name = path.basename(f.path);
          if (who === 'yitu') {
            const run = await inChild({ place: copy.place, file: f.path, kind: f.kind });
            if (run.errors > 0 || run.create !== f.features)
              throw new Error(
                `${name}: ${run.errors} errors, ${run.create} created of ${f.features} (generator or import broke)`,
              );
            yitu.set(name, [...(yitu.get(name) ?? []), run]);
            console.log(
              `  round ${round} Yitu    ${name}: preview ${seconds(run.previewMs)}, apply ${seconds(run.applyMs)}, ` +
                `peak RSS ${mb(run.maxRssKb)} (${run.warnings.toLocaleString('en')} warnings)`,
            );
          } else {
            const run = await runOgr(copy.place.databaseUrl!, f.path, f.table);
            ogrRuns.set(name, [...(ogrRuns.get(name) ?? []), run]);
            console.log(
              `  round ${round} ogr2ogr ${name}: ${seconds(run.ms)}, peak RSS ${run.maxRssKb ? mb(run.maxRssKb) : '?'}`,
            );
          }
        }
      }
      if (engine === 'postgres')
        for (const f of files) {
          const ms = await floorWrite(copy.place, f.kind, f.table);
          if (ms === null) continue;
          const name = path.basename(f.path);
          floorRuns.set(name, [...(floorRuns.get(name) ?? []), ms]);
          console.log(`  round ${round} floor   ${name}: the write alone ${seconds(ms)}`);
        }
      await copy.drop();
      copies.pop();
    }

    console.log(
      `\nmedians of ${rounds} rounds (peak RSS: the whole process, for Yitu a Node process ` +
        `${engine === 'pglite' ? 'holding the embedded database' : 'talking to the server'}):`,
    );
    const header = ['file', 'features', 'Yitu preview', 'apply', 'total', 'peak RSS'];
    if (engine === 'postgres') header.push('ogr2ogr', 'peak RSS', 'Yitu/ogr2ogr');
    const table = [header];
    for (const f of files) {
      const name = path.basename(f.path);
      const runs = yitu.get(name)!;
      const total = median(runs.map((r) => r.previewMs + r.applyMs));
      const row = [
        name,
        f.features.toLocaleString('en'),
        seconds(median(runs.map((r) => r.previewMs))),
        seconds(median(runs.map((r) => r.applyMs))),
        seconds(total),
        mb(Math.max(...runs.map((r) => r.maxRssKb))),
      ];
      if (engine === 'postgres') {
        const o = ogrRuns.get(name)!;
        const ogrMs = median(o.map((r) => r.ms));
        const rss = o.map((r) => r.maxRssKb ?? 0);
        row.push(seconds(ogrMs), mb(Math.max(...rss)), `${(total / ogrMs).toFixed(2)}×`);
      }
      table.push(row);
    }
    printTable(table);
    if (floorRuns.size > 0) {
      console.log(
        `\nthe floor: what any import with a dry run pays before its first check. The rows are ` +
          `read and saved once (ogr2ogr's own load stands in for that), then written once into ` +
          `a table built like the live one (its indexes, constraints, foreign keys and ` +
          `triggers; from ogr2ogr's table, already parsed, in one INSERT). Last column: Yitu's ` +
          `own reading of the file and its staging COPY, in place of ogr2ogr's load:`,
      );
      const floorTable = [
        ['file', 'ogr2ogr', 'the write', 'floor', 'floor/ogr2ogr', 'Yitu/floor', 'Yitu read+COPY'],
      ];
      for (const [name, writes] of floorRuns) {
        const ogrMs = median(ogrRuns.get(name)!.map((r) => r.ms));
        const write = median(writes);
        const total = median(yitu.get(name)!.map((r) => r.previewMs + r.applyMs));
        // Yitu's own reading (Node: the file, the fields) and staging COPY: its first two steps
        const staged = median(
          yitu.get(name)!.map((r) => {
            const preview = r.statements.filter((s) => s.phase === 'preview');
            const inSql = preview.reduce((sum, s) => sum + s.ms, 0);
            const copy = preview.filter((s) => s.sql.startsWith('COPY '));
            return r.previewMs - inSql + copy.reduce((sum, s) => sum + s.ms, 0);
          }),
        );
        floorTable.push([
          name,
          seconds(ogrMs),
          seconds(write),
          seconds(ogrMs + write),
          `${((ogrMs + write) / ogrMs).toFixed(2)}×`,
          `${(total / (ogrMs + write)).toFixed(2)}×`,
          `${seconds(staged)}: + the write = ${((staged + write) / ogrMs).toFixed(2)}× ogr2ogr`,
        ]);
      }
      printTable(floorTable);
    }
    console.log(
      `Yitu's RSS before reading the file (Node, modules${engine === 'pglite' ? ', PGlite' : ''}): ` +
        mb(median([...yitu.values()].flat().map((r) => r.baselineRssKb))),
    );

    // where the time went, in the round with the median total
    for (const f of files) {
      if (f.kind === 'REGION') continue;
      const name = path.basename(f.path);
      const runs = [...yitu.get(name)!].sort(
        (a, b) => a.previewMs + a.applyMs - (b.previewMs + b.applyMs),
      );
      const run = runs[Math.floor(runs.length / 2)]!;
      console.log(`\n${name}: where Yitu's ${seconds(run.previewMs + run.applyMs)} went`);
      for (const phase of ['preview', 'apply'] as const) {
        const mine = run.statements.filter((s) => s.phase === phase);
        const bySql = new Map<string, { ms: number; count: number; first: number }>();
        mine.forEach((s, i) => {
          const seen = bySql.get(s.sql) ?? { ms: 0, count: 0, first: i };
          bySql.set(s.sql, { ms: seen.ms + s.ms, count: seen.count + 1, first: seen.first });
        });
        const inSql = mine.reduce((sum, s) => sum + s.ms, 0);
        const total = phase === 'preview' ? run.previewMs : run.applyMs;
        console.log(
          `  ${phase} ${seconds(total)}: ${seconds(total - inSql)} outside SQL` +
            `${phase === 'preview' ? ' (read the file, map fields)' : ''}, ` +
            `${mine.length} statements ${seconds(inSql)}; the slowest:`,
        );
        for (const [text, s] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8))
          console.log(
            `    ${seconds(s.ms).padStart(7)}  #${String(s.first + 1).padEnd(3)} ${s.count > 1 ? `×${s.count} ` : ''}${text.slice(0, 110)}`,
          );
      }
    }
  } finally {
    for (const copy of copies) await copy.drop();
    await template.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function inChild(job: Job): Promise<YituRun> {
  return new Promise((resolve, reject) => {
    const profile = values['cpu-prof'];
    const child = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(job)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: profile
        ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`]
        : process.execArgv,
    });
    let result: YituRun | undefined;
    child.on('message', (message) => (result = message as YituRun));
    child.on('error', reject);
    child.on('exit', (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`import child exited ${code}`)),
    );
  });
}

/**
 * The write an import cannot skip, timed alone: ogr2ogr's table (the file, parsed) inserted in one
 * statement into an empty table built like the live one (LIKE … INCLUDING ALL: indexes, checks,
 * defaults; then its foreign key to regions and its triggers), nothing checked, rolled back.
 * Compounds and resources only (regions are too few to time).
 */
async function floorWrite(place: BenchPlace, kind: Kind, source: string): Promise<number | null> {
  const shapes: Partial<Record<Kind, { table: string; columns: string; select: string }>> = {
    COMPOUND: {
      table: 'compounds',
      columns: 'code, name, community_id, boundary, households',
      select: `s."编码", s."名称", c.id, s.geom, s."户数"`,
    },
    RESOURCE: {
      table: 'resources',
      columns: 'code, kind, name, community_id, location, capabilities',
      // one kind for all: no index, check or key reads it, so the write costs the same
      select: `s."编码", 'PARTY_MEMBER',
        s."名称", c.id, s.geom, string_to_array(s."服务能力", '、')`,
    },
  };
  const shape = shapes[kind];
  if (!shape) return null;
  const database = await createDb(place);
  let ms = 0;
  try {
    await database
      .transaction(async (tx) => {
        await tx.rows(sql.raw(`CREATE TABLE floor (LIKE ${shape.table} INCLUDING ALL)`));
        await tx.rows(
          sql.raw(`ALTER TABLE floor ADD FOREIGN KEY (community_id) REFERENCES regions (id)`),
        );
        const triggers = await tx.rows<{ def: string }>(
          sql.raw(`
          SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger
          WHERE tgrelid = '${shape.table}'::regclass AND NOT tgisinternal`),
        );
        for (const { def } of triggers)
          await tx.rows(sql.raw(def.replace(` ON public.${shape.table} `, ' ON public.floor ')));
        await tx.rows(sql.raw(`ANALYZE ${source}`));
        const started = performance.now();
        await tx.rows(
          sql.raw(`
          INSERT INTO floor (${shape.columns})
          SELECT ${shape.select} FROM ${source} s LEFT JOIN regions c ON c.code = s."所属社区"`),
        );
        ms = performance.now() - started;
        throw new Undo();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Undo)) throw error;
      });
  } finally {
    await database.close();
  }
  return ms;
}

/** ogr2ogr loading one file into a table of the database at `url`, timed with its peak RSS. */
function runOgr(url: string, file: string, table: string) {
  const u = new URL(url);
  const target =
    `PG:dbname=${u.pathname.slice(1)} host=${u.hostname} port=${u.port || 5432} ` +
    `user=${decodeURIComponent(u.username) || 'postgres'}` +
    (u.password ? ` password=${decodeURIComponent(u.password)}` : '');
  const args = ['-f', 'PostgreSQL', target, file, '-nln', table];
  args.push('-lco', 'GEOMETRY_NAME=geom', '-overwrite');
  const withTime = fs.existsSync('/usr/bin/time');
  return new Promise<{ ms: number; maxRssKb: number | null }>((resolve, reject) => {
    const started = performance.now();
    const child = withTime
      ? spawn('/usr/bin/time', ['-v', 'ogr2ogr', ...args])
      : spawn('ogr2ogr', args);
    let stderr = '';
    let hwm: number | null = null;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // without GNU time: the kernel's high-water mark, read while it runs
    const poll = withTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(
              fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'),
            );
            if (m) hwm = Math.max(hwm ?? 0, Number(m[1]));
          } catch {
            // exited between polls
          }
        }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`ogr2ogr ${path.basename(file)}: ${stderr}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ ms, maxRssKb: rss ? Number(rss[1]) : hwm });
    });
  });
}

// ---- the district, generated (fixed seed) ----

function generate(dir: string, compoundCount: number, resourceCount: number) {
  const random = mulberry32(20_261_130);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const at = (x: number) => Math.round(x * 1e6) / 1e6;
  const ring = (w: number, s: number, e: number, n: number) => [
    [
      [at(w), at(s)],
      [at(e), at(s)],
      [at(e), at(n)],
      [at(w), at(n)],
      [at(w), at(s)],
    ],
  ];
  const feature = (properties: Record<string, unknown>, geometry: unknown) => ({
    type: 'Feature',
    properties,
    geometry,
  });
  const write = (name: string, features: unknown[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
    const first = features.slice(0, 20);
    fs.writeFileSync(
      warmUpFile(file),
      JSON.stringify({ type: 'FeatureCollection', features: first }),
    );
    return file;
  };

  // a 0.2° square district inside Anhui, one street over all of it, 10 × 10 communities tiling it
  const [W, S, SIDE, PER_SIDE] = [117.1, 31.8, 0.2, 10];
  const step = SIDE / PER_SIDE;
  const DISTRICT = '349901';
  const STREET = `${DISTRICT}001`;
  const regions: unknown[] = [
    feature(
      { 编码: DISTRICT, 名称: '试验区', 级别: '区' },
      { type: 'Polygon', coordinates: ring(W, S, W + SIDE, S + SIDE) },
    ),
    feature(
      { 编码: STREET, 名称: '试验街道', 级别: '街道', 上级编码: DISTRICT },
      { type: 'Polygon', coordinates: ring(W, S, W + SIDE, S + SIDE) },
    ),
  ];
  const communities: { code: string; name: string; w: number; s: number }[] = [];
  for (let i = 0; i < PER_SIDE * PER_SIDE; i++) {
    const c = {
      code: `${STREET}${String(i + 1).padStart(3, '0')}`,
      name: `第${i + 1}社区`,
      w: W + (i % PER_SIDE) * step,
      s: S + Math.floor(i / PER_SIDE) * step,
    };
    communities.push(c);
    regions.push(
      feature(
        { 编码: c.code, 名称: c.name, 级别: '社区', 上级编码: STREET },
        { type: 'Polygon', coordinates: ring(c.w, c.s, c.w + step, c.s + step) },
      ),
    );
  }

  // compounds: each community's share in a k × k grid of cells, one 6–12-gon inside each cell
  const perCommunity = Math.ceil(compoundCount / communities.length);
  const k = Math.ceil(Math.sqrt(perCommunity));
  const cell = step / k;
  const ESTATES = ['幸福', '和平', '阳光', '锦绣', '翠竹', '梧桐', '金桂', '紫荆', '春晖', '滨河'];
  const SUFFIXES = ['苑', '园', '小区', '花园', '家园', '新村'];
  const compounds: unknown[] = [];
  for (let n = 0; n < compoundCount; n++) {
    const c = communities[Math.floor(n / perCommunity)]!;
    const j = n % perCommunity;
    const [cx, cy] = [c.w + ((j % k) + 0.5) * cell, c.s + (Math.floor(j / k) + 0.5) * cell];
    const vertices = 6 + Math.floor(random() * 7);
    const points: number[][] = [];
    for (let v = 0; v < vertices; v++) {
      const angle = ((v + 0.3 * random()) / vertices) * 2 * Math.PI;
      const reach = 0.3 + 0.12 * random(); // of the cell: never reaches its edge
      points.push([
        at(cx + Math.cos(angle) * reach * cell),
        at(cy + Math.sin(angle) * reach * cell),
      ]);
    }
    points.push(points[0]!);
    compounds.push(
      feature(
        {
          编码: `${c.code}${String(j + 1).padStart(3, '0')}`,
          名称: `${pick(ESTATES)}${pick(SUFFIXES)}${j + 1}`,
          所属社区: c.code,
          户数: 50 + Math.floor(random() * 1950),
        },
        { type: 'Polygon', coordinates: [points] },
      ),
    );
  }

  // resources: a point in their community, a kind, 1–3 capabilities the categories ask for
  const categories = JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'api/src/seed/data/categories.json'), 'utf8'),
  ) as { categories: { capabilities: string[] }[] };
  const capabilities = [...new Set(categories.categories.flatMap((c) => c.capabilities))].sort();
  const KINDS: [number, string][] = [
    [0.6, '在职党员'],
    [0.75, '志愿服务队'],
    [0.85, '社会组织'],
    [0.95, '社区合伙人'],
    [1, '物业公司'],
  ];
  const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
  const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳'];
  const resources: unknown[] = [];
  const perCommunityResources = Math.ceil(resourceCount / communities.length);
  for (let n = 0; n < resourceCount; n++) {
    const c = communities[Math.floor(n / perCommunityResources)]!;
    const r = random();
    const kind = KINDS.find(([p]) => r < p)![1];
    const offers = new Set<string>();
    for (let m = 1 + Math.floor(random() * 3); offers.size < m;) offers.add(pick(capabilities));
    resources.push(
      feature(
        {
          编码: `ZY${String(n + 1).padStart(7, '0')}`,
          名称:
            kind === '在职党员'
              ? `${pick(SURNAMES)}${pick(GIVEN)}${pick(GIVEN)}`
              : `${c.name}${kind}${n + 1}`,
          类型: kind,
          所属社区: c.code,
          服务能力: [...offers].join('、'),
        },
        {
          type: 'Point',
          coordinates: [
            at(c.w + (0.01 + 0.98 * random()) * step),
            at(c.s + (0.01 + 0.98 * random()) * step),
          ],
        },
      ),
    );
  }

  return [
    {
      kind: 'REGION' as Kind,
      table: 'bench_regions',
      features: regions.length,
      path: write('regions.geojson', regions),
    },
    {
      kind: 'COMPOUND' as Kind,
      table: 'bench_compounds',
      features: compounds.length,
      path: write('compounds.geojson', compounds),
    },
    {
      kind: 'RESOURCE' as Kind,
      table: 'bench_resources',
      features: resources.length,
      path: write('resources.geojson', resources),
    },
  ].filter((f) => f.features > 0); // --resources 0: the compounds alone
}

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// ---- printing ----

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) =>
  ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function printTable(rows: string[][]) {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  '),
    );
}

if (values.child) await runChild(JSON.parse(values.child) as Job);
else await main();
