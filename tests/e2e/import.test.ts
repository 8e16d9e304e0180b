import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '@yitu/api/testing';
import {
  CHROMIUM,
  launchChromium,
  mapIdle,
  openPage,
  type InPage,
  submitSignIn,
} from '../support/chromium';
import { engineName } from '../support/db';
import { startEmptyServer, type RunningServer } from '../support/server';

// A real street's first day, in Chromium: an empty start (no demo city), an administrator signs
// in, lands on 数据管理, and brings the sample district in file by file (tests/fixtures/district,
// the README's "your district in ten minutes"), reading each dry run before confirming it.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samples = path.join(repoRoot, 'tests/fixtures/district');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName(), 'import');
const PASSWORD = 'first-day-2026';

/** The codes a map layer has drawn. */
const rendered = (page: Page, layer: string) =>
  page.evaluate((l) => {
    const map = (globalThis as unknown as InPage).__yituMap!;
    return [...new Set(map.queryRenderedFeatures({ layers: [l] }).map((f) => f.properties.code))];
  }, layer);

describe(`an empty start brings its district in through 数据管理 (${engineName()})`, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    if (!fs.existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: apt-get install chromium (or set YITU_CHROMIUM)`,
      );
    server = await startEmptyServer((database) =>
      createAccount(database, {
        username: 'chief',
        displayName: '系统管理员',
        role: 'ADMIN',
        password: PASSWORD,
      }).then(() => undefined),
    );
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** One sample file through the panel: choose, preview, read the counts, confirm. */
  async function importSample(
    file: string,
    kind: string,
    crs: string,
    expected: { create: number; errors?: number },
    shot: string,
  ) {
    await page.getByTestId('import-kind').selectOption(kind);
    await page.getByTestId('import-crs').selectOption(crs);
    await page.getByTestId('import-file').setInputFiles(path.join(samples, file));
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-report').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-count-create').textContent()).toContain(
      String(expected.create),
    );
    expect(await page.getByTestId('import-count-errors').textContent()).toContain(
      String(expected.errors ?? 0),
    );
    await mapIdle(page);
    await page.screenshot({ path: path.join(shots, `${shot}-preview.png`) });
    await page.getByTestId('import-apply').click();
    await page.getByTestId('import-done').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-done').textContent()).toContain(file);
  }

  it('opens on the import panel, and the sample district comes in file by file', async () => {
    await page.goto(server.url);
    await submitSignIn(page, 'chief', PASSWORD);
    await page.getByTestId('import-empty').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, '0-empty-start.png') });

    await importSample('1-regions-gcj02.geojson', 'REGION', 'GCJ02', { create: 2 }, '1-regions');
    await importSample('2-communities-gk-gbk.zip', 'REGION', '', { create: 3 }, '2-communities');
    await importSample(
      '3-property-companies-gbk.csv',
      'PROPERTY_COMPANY',
      '',
      { create: 2 },
      '3-companies',
    );
    await importSample(
      '4-compounds-gcj02.geojson',
      'COMPOUND',
      'GCJ02',
      { create: 6 },
      '4-compounds',
    );
    // 清流社区's north half has no grid yet (drawn below): a gap and a compound in no grid, warned
    await importSample('5-grids-wkt.csv', 'GRID', '', { create: 5 }, '5-grids');
    await importSample('6-buildings.csv', 'BUILDING', '', { create: 18 }, '6-buildings');
    await importSample('7-resources.xlsx', 'RESOURCE', 'BD09', { create: 7 }, '7-resources');

    // the map now holds the district: its title, its compounds and grids
    await page.getByTestId('import-toggle').click();
    await mapIdle(page);
    expect(await page.locator('h1').first().textContent()).toBe('一图 · 琅琊区社区治理');
    await showArea([118.299, 32.339, 118.321, 32.361]);
    expect((await rendered(page, 'compound-fill')).length).toBe(6);
    expect((await rendered(page, 'grid-hit')).length).toBe(5);
    await page.screenshot({ path: path.join(shots, '8-district.png') });
  });

  it('shows a file’s problems on the map and refuses to apply it until they are fixed', async () => {
    await page.getByTestId('import-toggle').click();
    // a grid drawn over its neighbour: refused, with the overlap named
    const overlapping =
      '网格编码,网格名称,所属社区,WKT\n' +
      'SF-G99,越界网格,341102900001,"POLYGON((118.303 32.341, 118.309 32.341, 118.309 32.343, 118.303 32.343, 118.303 32.341))"\n';
    const file = path.join(shots, 'overlap.csv');
    fs.writeFileSync(file, overlapping);
    await page.getByTestId('import-kind').selectOption('GRID');
    await page.getByTestId('import-crs').selectOption('');
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-problem-GRID_OVERLAP').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);
    await mapIdle(page);
    await page.screenshot({ path: path.join(shots, '9-overlap-refused.png') });
    const shown = await page.evaluate(() =>
      (globalThis as unknown as InPage)
        .__yituMap!.querySourceFeatures('import-preview')
        .map((f) => f.properties.severity),
    );
    expect(shown).toContain('ERROR');
    await page.getByTestId('import-discard').click();
    await page.getByTestId('import-report').waitFor({ state: 'detached' });
  });

  /** Moves the map to [west, south, east, north], right of the import panel when it is open. */
  async function showArea(box: [number, number, number, number], besidePanel = false) {
    await page.evaluate(
      ([[w, s, e, n], beside]) =>
        (globalThis as unknown as InPage).__yituMap!.fitBounds(
          [
            [w, s],
            [e, n],
          ],
          { padding: beside ? { left: 640, top: 40, right: 40, bottom: 40 } : 40, duration: 0 },
        ),
      [box, besidePanel] as const,
    );
    await mapIdle(page);
  }

  /** Clicks the map at WGS84 points (the map shows WGS84 here: no basemap is configured). */
  async function clickAt(points: [number, number][]) {
    const box = (await page.getByTestId('map').boundingBox())!;
    for (const p of points) {
      const [x, y] = await page.evaluate(
        (lonLat) => {
          const px = (globalThis as unknown as InPage).__yituMap!.project(lonLat);
          return [px.x, px.y];
        },
        p as [number, number],
      );
      await page.mouse.click(box.x + x, box.y + y);
      await page.waitForTimeout(150);
    }
  }
  const gridAt = (lon: number, lat: number) =>
    page.evaluate(
      async ([lo, la]) => {
        const res = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `{ gridAt(lon: ${lo}, lat: ${la}) { code } }` }),
        });
        return ((await res.json()) as { data: { gridAt: { code: string } | null } }).data.gridAt;
      },
      [lon, lat],
    );

  it('draws a grid that overlaps its neighbour, sees it refused, redraws it, and gridAt finds it', async () => {
    expect(await gridAt(118.3165, 32.355)).toBeNull();
    if ((await page.getByTestId('draw-place').count()) === 0)
      await page.getByTestId('import-toggle').click();
    await page.getByTestId('draw-place').waitFor();
    await showArea([118.312, 32.338, 118.321, 32.362], true);
    await page.getByTestId('draw-code').fill('SF-G32');
    await page.getByTestId('draw-name').fill('清流社区第2网格(示例)');
    // drawn too far south: it overlaps 清流社区第1网格
    await page.getByTestId('draw-new').click();
    const overlapping: [number, number][] = [
      [118.3142, 32.3465],
      [118.3192, 32.3465],
      [118.3192, 32.3585],
      [118.3142, 32.3585],
    ];
    await clickAt([...overlapping, overlapping[0]!]);
    await page.getByTestId('draw-problem-GRID_OVERLAP').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('draw-save').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(shots, '10-draw-overlap.png') });

    // redrawn on the neighbours' corners (they snap): nothing in the way, saved
    await page.getByTestId('draw-new').click();
    const north: [number, number][] = [
      [118.3133333, 32.35],
      [118.32, 32.35],
      [118.32, 32.36],
      [118.3133333, 32.36],
    ];
    await clickAt([...north, north[0]!]);
    await expect
      .poll(() => page.getByTestId('draw-save').isDisabled(), { timeout: 30_000 })
      .toBe(false);
    expect(await page.getByTestId('draw-problem-GRID_OVERLAP').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, '11-draw-fixed.png') });
    await page.getByTestId('draw-save').click();
    await page.getByTestId('draw-saved').waitFor({ timeout: 30_000 });
    expect((await gridAt(118.3165, 32.355))?.code).toBe('SF-G32');
    await page.getByTestId('import-toggle').click();
    await mapIdle(page);
    await showArea([118.299, 32.339, 118.321, 32.361]);
    expect((await rendered(page, 'grid-hit')).length).toBe(6);
    await page.screenshot({ path: path.join(shots, '12-grid-drawn.png') });
  });

  it('moves a resource to where it now is, with one click', async () => {
    await page.getByTestId('import-toggle').click();
    await page.getByTestId('draw-place').waitFor();
    await showArea([118.299, 32.339, 118.321, 32.361], true);
    await page.getByTestId('draw-kind').selectOption('RESOURCE');
    await page.getByTestId('draw-code').fill('SF-ZY-1');
    await page.getByTestId('draw-move').click();
    await clickAt([[118.3165, 32.3555]]);
    await expect
      .poll(() => page.getByTestId('draw-save').isDisabled(), { timeout: 30_000 })
      .toBe(false);
    await page.getByTestId('draw-save').click();
    await page.getByTestId('draw-saved').waitFor({ timeout: 30_000 });
    const where = await page.evaluate(async () => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ resources(first: 1, filter: { search: "SF-ZY-1" }) { nodes { location } } }',
        }),
      });
      const body = (await res.json()) as {
        data: { resources: { nodes: { location: { coordinates: number[] } }[] } };
      };
      return body.data.resources.nodes[0]!.location.coordinates;
    });
    // a click lands within a few metres at this zoom
    expect(Math.abs(where[0]! - 118.3165)).toBeLessThan(0.0001);
    expect(Math.abs(where[1]! - 32.3555)).toBeLessThan(0.0001);
    await mapIdle(page);
    await page.screenshot({ path: path.join(shots, '13-resource-moved.png') });
  });

  it('retires the drawn grid after showing what it leaves behind, and brings it back', async () => {
    await page.getByTestId('draw-kind').selectOption('GRID');
    await page.getByTestId('draw-code').fill('SF-G32');
    await page.getByTestId('draw-retire').click();
    // the dry run first: the gap it would leave in its community, then the confirmation
    await page.getByTestId('draw-retire-confirm').waitFor({ timeout: 30_000 });
    await page.getByTestId('draw-problem-GRID_GAP').waitFor();
    expect((await gridAt(118.3165, 32.355))?.code).toBe('SF-G32');
    await page.screenshot({ path: path.join(shots, '14-retire-check.png') });
    await page.getByTestId('draw-retire-confirmed').click();
    await page.getByTestId('draw-saved').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('draw-saved').textContent()).toContain('已撤销 SF-G32');
    expect(await gridAt(118.3165, 32.355)).toBeNull();
    await page.getByTestId('import-toggle').click();
    await mapIdle(page);
    await showArea([118.299, 32.339, 118.321, 32.361]);
    expect(await rendered(page, 'grid-hit')).not.toContain('SF-G32');
    await page.screenshot({ path: path.join(shots, '15-grid-retired.png') });

    await page.getByTestId('import-toggle').click();
    await page.getByTestId('draw-place').waitFor();
    await page.getByTestId('draw-kind').selectOption('GRID');
    await page.getByTestId('draw-code').fill('SF-G32');
    await page.getByTestId('draw-restore').click();
    await page.getByTestId('draw-saved').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('draw-saved').textContent()).toContain('已恢复 SF-G32');
    expect((await gridAt(118.3165, 32.355))?.code).toBe('SF-G32');
  });
});
