// pnpm bench:map [--repeats N]
// How long the staff map takes in Debian's headless Chromium to reach MapLibre's idle with the
// demo city drawn (all 111 compounds rendered), against the same page's own shell (HTML and
// scripts loaded, DOMContentLoaded) measured in the same run. Engine: DATABASE_URL or PGlite.
import { parseArgs } from 'node:util';
import { loadConfig, migrate, seedDemoCity, startApp } from '@yitu/api/testing';
import { launchChromium } from '../support/chromium';
import { openBenchDatabase } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '7' } } });
const repeats = Number(values.repeats);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { database, cleanup } = await openBenchDatabase();
try {
  await migrate(database);
  await seedDemoCity(database, { asOf: new Date('2026-11-23T00:00:00Z') });
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), database);
  const [name, value] = (await signIn(app.url, 'command')).split('=') as [string, string];
  const browser = await launchChromium();
  const shell: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < repeats + 1; i++) {
    // a new context each time: nothing cached from the run before
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addCookies([{ name, value, url: app.url }]);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(app.url, { waitUntil: 'domcontentloaded' });
    const shellMs = Date.now() - started;
    await page.waitForFunction(
      () => {
        const map = (globalThis as { __yituMap?: import('maplibre-gl').Map }).__yituMap;
        if (!map || !map.loaded() || map.isMoving()) return false;
        const codes = map.queryRenderedFeatures({ layers: ['compound-fill'] });
        return new Set(codes.map((f) => f.properties.code as string)).size === 111;
      },
      undefined,
      { timeout: 60_000, polling: 20 },
    );
    const idleMs = Date.now() - started;
    if (i > 0) {
      // the first run warms the server (plans, caches) and is not counted
      shell.push(shellMs);
      idle.push(idleMs);
    }
    await context.close();
  }
  console.log(`engine ${database.engine}, ${repeats} cold page loads in headless Chromium`);
  console.log(`page shell (DOMContentLoaded): median ${median(shell)} ms  [${shell.join(', ')}]`);
  console.log(`map idle, 111 compounds drawn: median ${median(idle)} ms  [${idle.join(', ')}]`);
  console.log(
    `ratio map idle / shell: ×${(median(idle) / median(shell)).toFixed(1)}; ` +
      `target: idle under 3,000 ms (median ${median(idle) < 3000 ? 'meets it' : 'misses it'})`,
  );
  await browser.close();
  await app.stop();
} finally {
  await cleanup();
}
