// pnpm bench:map [--scales 1,10,100] [--repeats N]
// How long the staff map takes in Debian's headless Chromium to reach MapLibre's idle with the
// city drawn from the vector tiles, at each scale (copies of the demo city side by side), against
// the same page's own shell (HTML and scripts loaded, DOMContentLoaded) measured in the same
// run, and the tab's memory then (CDP Performance.getMetrics: JS heap used, and the document and
// node counts). "Drawn": every compound rendered in the opening view, which fits every street (at
// scale 1 the 111 compounds as shapes; at scale 100 the whole city at a zoom where the tiles hold
// each compound as a dot). Engine: DATABASE_URL or PGlite; each scale gets its own database.
import { parseArgs } from 'node:util';
import { loadConfig, migrate, seedDemoCity, startApp } from '@yitu/api/testing';
import { launchChromium } from '../support/chromium';
import { openBenchDatabase } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    scales: { type: 'string', default: '1,10' },
  },
});
const repeats = Number(values.repeats);
const scales = values.scales.split(',').map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  scale: number;
  compounds: number;
  drawn: number;
  shell: number;
  idle: number;
  heapMb: number;
  nodes: number;
}
const rows: Row[] = [];

for (const scale of scales) {
  const { database, cleanup } = await openBenchDatabase();
  try {
    await migrate(database);
    const seeding = Date.now();
    await seedDemoCity(database, { asOf: new Date('2026-11-23T00:00:00Z'), scale });
    console.log(`scale ${scale}: seeded in ${((Date.now() - seeding) / 1000).toFixed(0)} s`);
    const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), database);
    const cookie = await signIn(app.url, 'command');
    const [name, value] = cookie.split('=') as [string, string];
    const total = (
      (await (
        await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ query: '{ compounds(first: 1) { totalCount } }' }),
        })
      ).json()) as { data: { compounds: { totalCount: number } } }
    ).data.compounds.totalCount;
    const browser = await launchChromium();
    const shell: number[] = [];
    const idle: number[] = [];
    const heap: number[] = [];
    const nodes: number[] = [];
    let drawn = 0;
    for (let i = 0; i < repeats + 1; i++) {
      // a new context each time: nothing cached from the run before
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addCookies([{ name, value, url: app.url }]);
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(app.url, { waitUntil: 'domcontentloaded' });
      const shellMs = Date.now() - started;
      // idle with its tiles in, and every compound drawn (shapes, or dots zoomed out)
      drawn = await page
        .waitForFunction(
          (all) => {
            const map = (globalThis as { __yituMap?: import('maplibre-gl').Map }).__yituMap;
            if (!map || !map.loaded() || map.isMoving() || !map.areTilesLoaded()) return false;
            const n = new Set(
              map
                .queryRenderedFeatures({ layers: ['compound-fill', 'compound-dot'] })
                .map((f) => f.properties.code as string),
            ).size;
            return n >= all ? n : false;
          },
          total,
          { timeout: 120_000, polling: 20 },
        )
        .then((h) => h.jsonValue() as Promise<number>);
      const idleMs = Date.now() - started;
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (m: string) => metrics.find((x) => x.name === m)?.value ?? 0;
      if (i > 0) {
        // the first run warms the server (plans, caches) and is not counted
        shell.push(shellMs);
        idle.push(idleMs);
        heap.push(metric('JSHeapUsedSize') / 2 ** 20);
        nodes.push(metric('Nodes'));
      }
      await context.close();
    }
    rows.push({
      scale,
      compounds: total,
      drawn,
      shell: median(shell),
      idle: median(idle),
      heapMb: median(heap),
      nodes: median(nodes),
    });
    console.log(
      `scale ${scale}: ${total} compounds (${drawn} in the opening view), shell ${median(shell)} ms, ` +
        `map idle median ${median(idle)} ms [${idle.join(', ')}], JS heap ${median(heap).toFixed(1)} MB`,
    );
    await browser.close();
    await app.stop();
  } finally {
    await cleanup();
  }
}

const base = rows[0]!;
console.log(
  `\nengine ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}, ${repeats} cold loads each`,
);
console.log(
  '| scale | compounds | drawn in view | shell | map idle | × scale 1 | JS heap | DOM nodes |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.scale} | ${r.compounds} | ${r.drawn} | ${r.shell} ms | ${r.idle} ms | ` +
      `×${(r.idle / base.idle).toFixed(2)} | ${r.heapMb.toFixed(1)} MB | ${r.nodes} |`,
  );
console.log('goal: map idle at the largest scale ≤ 1.5× scale 1');
