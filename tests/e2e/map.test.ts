import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createAccount, type Database } from '@yitu/api/testing';
import { DEMO_PASSWORD, signIn } from '../support/auth';
import {
  CHROMIUM,
  type InPage,
  launchChromium,
  mapIdle,
  openPage,
  signInThroughForm,
} from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';
import { testNow } from '../support/clock';

// The staff map and the resident page in Debian's headless Chromium, used as a person would:
// signing in through the form, clicks at pixels, typing into forms. Screenshots of each step go
// to tests/artifacts/e2e. Every browser page is its own context: its own cookies, its own session.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());

/** The status the map's ticket layer holds for a ticket (null if it is not there). */
const mapTicketStatus = (page: Page, code: string) =>
  page.evaluate((c) => {
    const f = (globalThis as unknown as InPage).__yituMap
      ?.querySourceFeatures('yitu', { sourceLayer: 'tickets' })
      .find((feature) => feature.properties.code === c);
    return (f?.properties.status as string | undefined) ?? null;
  }, code);

/**
 * A grid worker whose grid has tickets waiting for dispatch (the demo account's grid has none):
 * the top-level grid with the most accepted tickets that carry a reporter's phone.
 */
const BUSY_GRID_WORKER = 'e2e-grid';
async function addBusyGridWorker(database: Database) {
  const [grid] = await database.rows<{ code: string }>(sql`
    SELECT COALESCE(p.code, g.code) AS code
    FROM tickets t JOIN grids g ON g.id = t.grid_id LEFT JOIN grids p ON p.id = g.parent_id
    WHERE t.status = 'ACCEPTED' AND t.reporter_phone IS NOT NULL
    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  await createAccount(database, {
    username: BUSY_GRID_WORKER,
    displayName: `${grid!.code} 网格员`,
    role: 'GRID_WORKER',
    gridCode: grid!.code,
    password: DEMO_PASSWORD,
  });
}

/** Signs in through the sign-in screen as a person would, and waits for the signed-in app. */
describe(`the map in headless Chromium on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let staff: Page;
  /** The district command centre's session, for the test's own look-ups. */
  let commandCookie: string;
  const graphql = async <T>(
    query: string,
    variables: object = {},
    cookie = commandCookie,
  ): Promise<T> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const newPage = async () => {
    const page = await openPage(browser, { viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    return page;
  };

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: apt-get install chromium (or set YITU_CHROMIUM)`,
      );
    }
    server = await startServer({}, addBusyGridWorker);
    commandCookie = await signIn(server.url, 'command');
    browser = await launchChromium();
    staff = await newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks staff to sign in, and refuses a wrong password', async () => {
    await staff.goto(server.url);
    await staff.getByTestId('signin-username').waitFor({ timeout: 15_000 });
    // nothing of the map before signing in
    expect(await staff.getByTestId('layer-list').count()).toBe(0);
    await staff.getByTestId('signin-username').fill('command');
    await staff.getByTestId('signin-password').fill('not-the-password');
    await staff.getByTestId('signin-submit').click();
    await expect
      .poll(() => staff.getByTestId('signin-error').textContent(), { timeout: 10_000 })
      .toBe('用户名或密码错误');
    expect(await staff.getByTestId('viewer').count()).toBe(0);
    await staff.screenshot({ path: path.join(shots, '0-sign-in-error.png') });
  });

  it('signs in as the command centre, shows who it is, and renders all 111 compounds', async () => {
    await signInThroughForm(staff, 'command');
    expect(await staff.getByTestId('viewer-name').textContent()).toBe('指挥中心值班员');
    expect(await staff.getByTestId('viewer-role').textContent()).toBe('街道·指挥中心');
    await mapIdle(staff);
    const rendered = await staff.evaluate(() => {
      const map = (globalThis as unknown as InPage).__yituMap!;
      const codes = map
        .queryRenderedFeatures({ layers: ['compound-fill'] })
        .map((f) => f.properties.code as string);
      return new Set(codes).size;
    });
    await staff.screenshot({ path: path.join(shots, '1-map.png') });
    expect(rendered).toBe(111);
  });

  it('opens a grid’s panel on click, and dispatches a ticket from it; the map changes in every browser', async () => {
    // A ticket waiting for dispatch, and the grid it is in.
    const { tickets } = await graphql<{
      tickets: { nodes: { id: string; code: string; grid: { code: string } | null }[] };
    }>(`
      {
        tickets(status: [ACCEPTED], first: 50) {
          nodes {
            id
            code
            grid {
              code
            }
          }
        }
      }
    `);
    const target = tickets.nodes.find((t) => t.grid)!;
    expect(target).toBeDefined();
    // A pixel inside that grid that is not on a compound, a micro-grid or a ticket point.
    const pixel = await staff.evaluate((gridCode) => {
      const map = (globalThis as unknown as InPage).__yituMap!;
      const grid = map
        .querySourceFeatures('yitu', { sourceLayer: 'grids' })
        .find((f) => f.properties.code === gridCode && !f.properties.micro)!;
      const ring = (
        grid.geometry.type === 'Polygon'
          ? grid.geometry.coordinates[0]
          : (grid.geometry as unknown as { coordinates: number[][][][] }).coordinates[0]![0]
      ) as [number, number][];
      const pts = ring.map((p) => map.project(p));
      const [x0, x1] = [Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x))];
      const [y0, y1] = [Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y))];
      for (let y = y0 + 2; y < y1; y += 3)
        for (let x = x0 + 2; x < x1; x += 3) {
          const hits = map.queryRenderedFeatures([x, y]);
          const grids = hits.filter((h) => h.layer.id === 'grid-hit');
          const inGrid = grids.length === 1 && grids[0]!.properties.code === gridCode;
          const blocked = hits.some(
            (h) =>
              h.layer.id === 'compound-fill' ||
              h.layer.id === 'ticket-point' ||
              (h.layer.id === 'grid-hit' && h.properties.micro),
          );
          // map.project is relative to the map's container; clicks are relative to the page
          const box = map.getContainer().getBoundingClientRect();
          if (inGrid && !blocked) return { x: x + box.left, y: y + box.top };
        }
      return null;
    }, target.grid!.code);
    expect(pixel).not.toBeNull();
    await staff.mouse.click(pixel!.x, pixel!.y);
    await expect
      .poll(() => staff.getByTestId('grid-code').textContent(), { timeout: 10_000 })
      .toBe(target.grid!.code);
    await staff.getByTestId('grid-ticket').first().waitFor();
    expect(await staff.getByTestId('grid-figures').textContent()).toMatch(/\d+%/);
    expect(new URL(staff.url()).searchParams.get('grid')).toBe(target.grid!.code);
    await staff.screenshot({ path: path.join(shots, '2-grid-panel.png') });

    // A second staff browser opens the same link: the same grid panel, the same view.
    // It signs in first, and lands on the link it opened.
    const other = await newPage();
    await other.goto(staff.url());
    await signInThroughForm(other, 'command');
    await mapIdle(other);
    expect(await other.getByTestId('grid-code').textContent()).toBe(target.grid!.code);
    const zoomOf = (p: Page) =>
      p.evaluate(() => (globalThis as unknown as InPage).__yituMap!.getZoom());
    expect(Math.abs((await zoomOf(other)) - (await zoomOf(staff)))).toBeLessThan(0.05);
    expect(await mapTicketStatus(other, target.code)).toBe('ACCEPTED');

    await staff.getByTestId('grid-ticket').filter({ hasText: target.code }).click();
    await staff.getByTestId('match').first().waitFor({ timeout: 15_000 });
    await staff.screenshot({ path: path.join(shots, '3-ticket-matches.png') });
    await staff.getByTestId('dispatch-button').first().click();
    await expect
      .poll(() => staff.getByTestId('ticket-status').textContent(), { timeout: 10_000 })
      .toBe('已派单');
    await expect
      .poll(() => mapTicketStatus(staff, target.code), { timeout: 10_000 })
      .toBe('DISPATCHED');
    await expect
      .poll(() => mapTicketStatus(other, target.code), { timeout: 10_000 })
      .toBe('DISPATCHED');
    await staff.screenshot({ path: path.join(shots, '4-dispatched.png') });
    // In the browser that opened the link: a ticket picked from the grid closes back to the grid.
    await other.getByTestId('grid-ticket').first().click();
    await other.getByTestId('ticket-code').waitFor();
    await other.getByTestId('panel-close').click();
    expect(await other.getByTestId('grid-code').textContent()).toBe(target.grid!.code);
    await other.close();
  });

  it('shows a resident’s QR report on the staff map without a reload, its HTML as text', async () => {
    const { compounds } = await graphql<{ compounds: { nodes: { code: string }[] } }>(`
      {
        compounds(first: 1) {
          nodes {
            code
          }
        }
      }
    `);
    const compound = compounds.nodes[0]!.code;
    const phone = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/r/${compound}`);
    await phone.getByTestId('report-compound').filter({ hasNotText: '…' }).waitFor();
    const payload =
      '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>楼道里有人飞线充电';
    await phone.getByTestId('report-name').fill('李四');
    await phone.getByTestId('report-phone').fill('13800001234');
    await phone.getByTestId('report-description').fill(payload);
    // A photo taken on the spot (a 16 × 16 PNG), uploaded as soon as it is chosen.
    await phone.getByTestId('report-photos').setInputFiles({
      name: 'wires.png',
      mimeType: 'image/png',
      buffer: Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM4oKBAEmIY1TCqYfhqAAC6CAAQx2ckEwAAAABJRU5ErkJggg==',
        'base64',
      ),
    });
    await phone.getByTestId('report-photo-list').locator('img').waitFor();
    await phone.screenshot({ path: path.join(shots, '5-resident-form.png') });
    await phone.getByTestId('report-submit').click();
    const code = (await phone.getByTestId('report-code').textContent())!;
    expect(code).toMatch(/^T\d{8}-\d{6}$/);
    await phone.screenshot({ path: path.join(shots, '6-resident-done.png') });

    // The staff page was never reloaded: the subscription brings the new ticket.
    await expect.poll(() => mapTicketStatus(staff, code), { timeout: 10_000 }).toBe('REPORTED');
    await staff.evaluate((c) => {
      const map = (globalThis as unknown as InPage).__yituMap!;
      const f = map
        .querySourceFeatures('yitu', { sourceLayer: 'tickets' })
        .find((x) => x.properties.code === c)!;
      map.jumpTo({
        center: (f.geometry as unknown as { coordinates: [number, number] }).coordinates,
        zoom: 17,
      });
    }, code);
    expect(
      await staff.evaluate(() => (globalThis as unknown as InPage).__yituMap!.getZoom()),
    ).toBeCloseTo(17);
    await mapIdle(staff);
    // Zoomed in, the resources and buildings around are fetched for the view and drawn.
    for (const layer of ['resource-point', 'building-point']) {
      await expect
        .poll(
          () =>
            staff.evaluate(
              (id) =>
                (globalThis as unknown as InPage).__yituMap!.queryRenderedFeatures({
                  layers: [id],
                }).length,
              layer,
            ),
          { timeout: 10_000 },
        )
        .toBeGreaterThan(0);
    }
    const point = await staff.evaluate((c) => {
      const map = (globalThis as unknown as InPage).__yituMap!;
      const f = map
        .querySourceFeatures('yitu', { sourceLayer: 'tickets' })
        .find((x) => x.properties.code === c)!;
      const p = map.project(
        (f.geometry as unknown as { coordinates: [number, number] }).coordinates,
      );
      const box = map.getContainer().getBoundingClientRect();
      return { x: p.x + box.left, y: p.y + box.top };
    }, code);
    await staff.mouse.click(point.x, point.y);
    await expect
      .poll(() => staff.getByTestId('ticket-code').textContent(), { timeout: 10_000 })
      .toBe(code);
    expect(await staff.getByTestId('ticket-description').textContent()).toBe(payload);
    expect(await staff.evaluate(() => (globalThis as unknown as InPage).__xss)).toBeUndefined();
    // The resident's photo is on the ticket.
    expect(await staff.locator('[data-testid=ticket-panel] .photos img').count()).toBe(1);
    expect(
      await staff
        .locator('[data-testid=ticket-description] img, [data-testid=ticket-description] script')
        .count(),
    ).toBe(0);
    await staff.screenshot({ path: path.join(shots, '7-resident-ticket-on-map.png') });
    await phone.close();

    // Classify it with the classifier's first suggestion (飞线充电 → 私拉乱接与飞线充电), accept it,
    // and the ranked resources appear for dispatch.
    const suggestion = staff.getByTestId('classify').locator('option', { hasText: '推荐' }).first();
    const value = await suggestion.getAttribute('value');
    expect(value).toBe('ILLEGAL_WIRING');
    await staff.getByTestId('classify').selectOption(value!);
    await expect
      .poll(() => staff.getByTestId('ticket-category').textContent())
      .toContain('私拉乱接与飞线充电');
    await staff.getByTestId('action-ACCEPT').click();
    await expect
      .poll(() => staff.getByTestId('ticket-status').textContent(), { timeout: 10_000 })
      .toBe('已受理');
    await staff.getByTestId('match').first().waitFor({ timeout: 15_000 });
    await staff.screenshot({ path: path.join(shots, '7b-classified-accepted.png') });
  });

  it('finds a compound by name, recolours by satisfaction, shows the gap layer and the dashboard', async () => {
    const { compounds, communityLists } = await graphql<{
      compounds: { nodes: { code: string; name: string }[] };
      communityLists: { shortfall: number; community: { code: string } }[];
    }>(`
      {
        compounds(first: 3) {
          nodes {
            code
            name
          }
        }
        communityLists {
          shortfall
          community {
            code
          }
        }
      }
    `);
    const wanted = compounds.nodes[2]!;
    await staff.getByTestId('search').fill(wanted.name);
    await staff.getByTestId('search-results').getByText(wanted.name).first().click();
    await expect
      .poll(() => staff.getByTestId('compound-code').textContent(), { timeout: 10_000 })
      .toBe(wanted.code);
    expect(new URL(staff.url()).searchParams.get('compound')).toBe(wanted.code);
    // vulnerable households are for the compound's own community staff, not the command centre
    expect(await staff.getByTestId('households').count()).toBe(0);

    await staff.getByTestId('measure').selectOption('satisfaction');
    await expect
      .poll(() =>
        staff.evaluate(() =>
          JSON.stringify(
            (globalThis as unknown as InPage).__yituMap!.getPaintProperty(
              'compound-fill',
              'fill-color',
            ),
          ),
        ),
      )
      .toContain('satisfaction');

    await staff.getByTestId('layer-toggle-gap').check();
    const gapOf = (code: string) =>
      staff.evaluate((c) => {
        const map = (globalThis as unknown as InPage).__yituMap!;
        return map.getLayoutProperty('community-gap', 'visibility') === 'visible'
          ? ((map.getFeatureState({ source: 'yitu', sourceLayer: 'regions', id: c }).shortfall as
              number | undefined) ?? null)
          : null;
      }, code);
    const some = communityLists[0]!;
    await expect.poll(() => gapOf(some.community.code), { timeout: 10_000 }).toBe(some.shortfall);
    await mapIdle(staff);
    await staff.screenshot({ path: path.join(shots, '8-satisfaction-and-gaps.png') });

    await staff.getByTestId('dashboard-toggle').click();
    await expect
      .poll(() => staff.getByTestId('dashboard-row').count(), { timeout: 10_000 })
      .toBe(24); // 1 + 2 + 21
    await staff.getByTestId('dashboard-row').filter({ hasText: '社区' }).first().click();
    await staff.getByTestId('community-lists').locator('table').waitFor();
    await staff.screenshot({ path: path.join(shots, '9-dashboard.png') });
  });

  it('draws over a configured GCJ-02 basemap with the data shifted to match it', async () => {
    // Tiles from a port nobody listens on: the machine is offline; what matters is the style
    // and that the shapes come in GCJ-02, where such tiles put the streets.
    const shifted = await startServer({
      YITU_BASEMAP_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
      YITU_BASEMAP_CRS: 'GCJ02',
      YITU_BASEMAP_ATTRIBUTION: '测试底图',
    });
    const page = await newPage();
    try {
      await page.goto(shifted.url);
      await signInThroughForm(page, 'command');
      await page.waitForFunction(
        () =>
          ((globalThis as unknown as InPage).__yituMap?.queryRenderedFeatures({
            layers: ['compound-fill'],
          }).length ?? 0) > 0,
        undefined,
        { timeout: 30_000 },
      );
      const drawn = await page.evaluate(() => {
        const map = (globalThis as unknown as InPage).__yituMap!;
        const style = map.getStyle();
        const compounds = map.querySourceFeatures('yitu', { sourceLayer: 'compounds' });
        const first = compounds.find((f) => f.properties.code === compounds[0]!.properties.code)!;
        const ring = (first.geometry as unknown as { coordinates: [number, number][][] })
          .coordinates[0]!;
        return {
          basemap: style.sources.basemap?.type,
          below: style.layers[1]?.id,
          code: first.properties.code as string,
          xs: ring.map((p) => p[0]),
          ys: ring.map((p) => p[1]),
        };
      });
      expect(drawn.basemap).toBe('raster');
      expect(drawn.below).toBe('basemap');
      // The same compound in WGS84 straight from the API: GCJ-02 moves it a few hundred metres.
      const { compounds } = await graphql<{
        compounds: { nodes: { boundary: { coordinates: [number, number][][] } }[] };
      }>(
        `
          query ($c: String!) {
            compounds(filter: { search: $c }, first: 1) {
              nodes {
                boundary
              }
            }
          }
        `,
        {
          c: drawn.code,
        },
      );
      const wgs = compounds.nodes[0]!.boundary.coordinates[0]!;
      const dx = Math.min(...drawn.xs) - Math.min(...wgs.map((p) => p[0]));
      const dy = Math.min(...drawn.ys) - Math.min(...wgs.map((p) => p[1]));
      expect(Math.abs(dx)).toBeGreaterThan(0.002);
      expect(Math.abs(dx)).toBeLessThan(0.01);
      expect(Math.abs(dy)).toBeGreaterThan(0.0005);
      expect(Math.abs(dy)).toBeLessThan(0.01);
    } finally {
      await page.close();
      await shifted.stop();
    }
  });

  it('switches the whole map to English and back', async () => {
    await staff.goto(server.url);
    await mapIdle(staff);
    await staff.getByTestId('lang-switch').click();
    await expect
      .poll(() => staff.getByTestId('layer-list').locator('legend').textContent(), {
        timeout: 15_000,
      })
      .toBe('Layers');
    await mapIdle(staff);
    expect(await staff.getByTestId('dashboard-toggle').textContent()).toBe('Figures');
    expect(await staff.locator('html').getAttribute('lang')).toBe('en');
    await staff.screenshot({ path: path.join(shots, '10-english.png') });
    await staff.getByTestId('lang-switch').click();
    await expect
      .poll(() => staff.getByTestId('layer-list').locator('legend').textContent(), {
        timeout: 15_000,
      })
      .toBe('图层');

    // Zoomed out, tickets merge into clusters; clicking one zooms in to separate them.
    await mapIdle(staff);
    await staff.evaluate(() => (globalThis as unknown as InPage).__yituMap!.jumpTo({ zoom: 11 }));
    await mapIdle(staff);
    const cluster = await staff.evaluate(() => {
      const map = (globalThis as unknown as InPage).__yituMap!;
      const [c] = map.queryRenderedFeatures({ layers: ['ticket-cluster'] });
      if (!c) return null;
      const p = map.project(
        (c.geometry as unknown as { coordinates: [number, number] }).coordinates,
      );
      const box = map.getContainer().getBoundingClientRect();
      return { x: p.x + box.left, y: p.y + box.top };
    });
    expect(cluster).not.toBeNull();
    await staff.screenshot({ path: path.join(shots, '11-clusters.png') });
    await staff.mouse.click(cluster!.x, cluster!.y);
    await expect
      .poll(() => staff.evaluate(() => (globalThis as unknown as InPage).__yituMap!.getZoom()), {
        timeout: 10_000,
      })
      .toBeGreaterThan(11.5);
  });

  it('shows the demo grid worker who they are, and no ticket outside their grid', async () => {
    const gridCookie = await signIn(server.url, 'grid');
    const { viewer } = await graphql<{ viewer: { jurisdictionName: string } }>(
      '{ viewer { jurisdictionName } }',
      {},
      gridCookie,
    );
    const { tickets } = await graphql<{ tickets: { nodes: { id: string }[] } }>(
      '{ tickets(openOnly: true, first: 1) { nodes { id } } }',
    );
    const page = await newPage();
    try {
      // A link to a ticket of the district, which is not the grid worker's.
      await page.goto(`${server.url}/?ticket=${encodeURIComponent(tickets.nodes[0]!.id)}`);
      await signInThroughForm(page, 'grid');
      expect(await page.getByTestId('viewer-role').textContent()).toBe('网格员');
      expect(await page.getByTestId('viewer-jurisdiction').textContent()).toBe(
        viewer.jurisdictionName,
      );
      await expect
        .poll(() => page.getByTestId('ticket-error').textContent(), { timeout: 15_000 })
        .toBe('这个工单不在您的管辖范围内');
      expect(await page.locator('[data-testid=ticket-panel] button').count()).toBe(0);
      await page.screenshot({ path: path.join(shots, '12-grid-worker-outside.png') });
    } finally {
      await page.close();
    }
  });

  it('shows a grid worker only what the role may do, and the reporter’s number on request', async () => {
    interface Row {
      id: string;
      code: string;
      status: string;
      allowedActions: string[];
      reporterPhone: string | null;
    }
    const query = `
      {
        tickets(openOnly: true, first: 500) {
          nodes {
            id
            code
            status
            allowedActions
            reporterPhone
          }
        }
      }
    `;
    // The grid worker of a grid with tickets waiting for dispatch (the fixture's account).
    const own = (
      await graphql<{ tickets: { nodes: Row[] } }>(
        query,
        {},
        await signIn(server.url, BUSY_GRID_WORKER),
      )
    ).tickets.nodes;
    const target = own.find((t) => t.status === 'ACCEPTED' && t.reporterPhone);
    expect(target).toBeDefined();
    // The command centre could dispatch it; the grid worker may not.
    const forCommand = (await graphql<{ tickets: { nodes: Row[] } }>(query)).tickets.nodes;
    expect(forCommand.find((t) => t.id === target!.id)?.allowedActions).toContain('DISPATCH');
    expect(target!.allowedActions).not.toContain('DISPATCH');

    const page = await newPage();
    try {
      await page.goto(`${server.url}/?ticket=${encodeURIComponent(target!.id)}`);
      await signInThroughForm(page, BUSY_GRID_WORKER);
      expect(await page.getByTestId('viewer-role').textContent()).toBe('网格员');
      await expect
        .poll(() => page.getByTestId('ticket-code').textContent(), { timeout: 15_000 })
        .toBe(target!.code);
      // The buttons are the role's actions; nothing to classify, no resources to dispatch to.
      const buttons = await page
        .locator('[data-testid=ticket-panel] .actions button')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      expect(buttons).toEqual(
        target!.allowedActions
          .filter((a) => !['DISPATCH', 'FEEDBACK', 'REOPEN'].includes(a))
          .map((a) => `action-${a}`),
      );
      expect(buttons.length).toBeGreaterThan(0);
      expect(await page.getByTestId('classify').count()).toBe(0);
      expect(await page.getByTestId('matches').count()).toBe(0);
      expect(await page.getByTestId('dispatch-button').count()).toBe(0);
      // The reporter's phone is masked until asked for; asking is recorded.
      expect(await page.getByTestId('reporter-phone').textContent()).toBe(target!.reporterPhone);
      expect(target!.reporterPhone).toMatch(/\*{4}/);
      expect(await page.getByTestId('ticket-reporter').textContent()).toContain('查看将被记录');
      await page.screenshot({ path: path.join(shots, '13-grid-worker-ticket.png') });
      await page.getByTestId('reveal-phone').click();
      await expect
        .poll(() => page.getByTestId('reporter-phone').textContent(), { timeout: 10_000 })
        .toMatch(/^[\d-]{7,}$/);
      expect(await page.getByTestId('reveal-phone').count()).toBe(0);

      // 退出: back to the sign-in screen, and a reload stays there (the cookie is gone).
      await page.getByTestId('sign-out').click();
      await page.getByTestId('signin-username').waitFor();
      expect(await page.getByTestId('signin-notice').count()).toBe(0);
      await page.reload();
      await page.getByTestId('signin-username').waitFor({ timeout: 15_000 });
    } finally {
      await page.close();
    }
  });

  it('shows community staff the vulnerable households of their own community only', async () => {
    const communityCookie = await signIn(server.url, 'community');
    const { viewer } = await graphql<{ viewer: { jurisdictionId: string } }>(
      '{ viewer { jurisdictionId } }',
      {},
      communityCookie,
    );
    const { node: community } = await graphql<{
      node: { compounds: { nodes: { id: string; code: string }[] } };
    }>(
      'query ($id: ID!) { node(id: $id) { ... on Region { compounds(first: 100) { nodes { id code } } } } }',
      { id: viewer.jurisdictionId },
      communityCookie,
    );
    const own = new Set(community.compounds.nodes.map((c) => c.code));
    // one of its compounds with households on record (each read is audited), and one elsewhere
    let mine: { code: string; households: { unit: string }[] } | undefined;
    for (const c of community.compounds.nodes) {
      const { node } = await graphql<{ node: { vulnerableHouseholds: { unit: string }[] } }>(
        'query ($id: ID!) { node(id: $id) { ... on Compound { vulnerableHouseholds { unit } } } }',
        { id: c.id },
        communityCookie,
      );
      if (node.vulnerableHouseholds.length > 0) {
        mine = { code: c.code, households: node.vulnerableHouseholds };
        break;
      }
    }
    expect(mine).toBeDefined();
    const { compounds } = await graphql<{ compounds: { nodes: { code: string }[] } }>(
      '{ compounds(first: 500) { nodes { code } } }',
    );
    const elsewhere = compounds.nodes.find((c) => !own.has(c.code))!;

    const page = await newPage();
    try {
      await page.goto(`${server.url}/?compound=${encodeURIComponent(mine!.code)}`);
      await signInThroughForm(page, 'community');
      expect(await page.getByTestId('viewer-role').textContent()).toBe('社区两委');
      await page.getByTestId('households-load').click({ timeout: 15_000 });
      await expect
        .poll(() => page.getByTestId('households-list').locator('li').count(), {
          timeout: 10_000,
        })
        .toBe(mine!.households.length);
      expect(await page.getByTestId('households-list').textContent()).toContain(
        mine!.households[0]!.unit,
      );
      await page.screenshot({ path: path.join(shots, '13b-households.png') });

      await page.getByTestId('search').fill(elsewhere.code);
      await page.getByTestId('search-results').getByText(elsewhere.code).first().click();
      await expect
        .poll(() => page.getByTestId('compound-code').textContent(), { timeout: 10_000 })
        .toBe(elsewhere.code);
      await page.getByTestId('households-load').click();
      await expect
        .poll(() => page.getByTestId('households-error').textContent(), { timeout: 10_000 })
        .toBe('仅本社区工作人员可查看');
      expect(await page.getByTestId('households-list').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('returns to the sign-in screen when the session is gone, and to the same ticket after', async () => {
    const { tickets } = await graphql<{ tickets: { nodes: { id: string; code: string }[] } }>(`
      {
        tickets(openOnly: true, first: 1) {
          nodes {
            id
            code
          }
        }
      }
    `);
    const target = tickets.nodes[0]!;
    const page = await newPage();
    /** Does something that asks the API (a search), as staff would. */
    const search = (text: string) => page.getByTestId('search').fill(text);
    const backOnTicket = async () => {
      await signInThroughForm(page, 'command');
      await expect
        .poll(() => page.getByTestId('ticket-code').textContent(), { timeout: 15_000 })
        .toBe(target.code);
      expect(new URL(page.url()).searchParams.get('ticket')).toBe(target.id);
    };
    try {
      await page.goto(`${server.url}/?ticket=${encodeURIComponent(target.id)}`);
      await backOnTicket();

      // The cookie is gone (cleared): the next request is refused, SIGN_IN_REQUIRED.
      await page.context().clearCookies();
      await search('天长');
      await expect
        .poll(() => page.getByTestId('signin-notice').textContent(), { timeout: 10_000 })
        .toBe('登录已失效，请重新登录');
      await page.screenshot({ path: path.join(shots, '14-signed-out.png') });
      await backOnTicket();

      // The session ends elsewhere (signed out with its cookie): SESSION_EXPIRED.
      const cookie = (await page.context().cookies()).find((c) => c.name === 'yitu_session');
      expect(cookie).toBeDefined();
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `yitu_session=${cookie!.value}` },
        body: JSON.stringify({ query: 'mutation { signOut }' }),
      });
      expect(((await res.json()) as { data: unknown }).data).toEqual({ signOut: true });
      // the live socket closes at once and the map says so; if it has not yet, a search does
      await page
        .getByTestId('search')
        .fill('天长', { timeout: 3_000 })
        .catch(() => undefined);
      await expect
        .poll(() => page.getByTestId('signin-notice').textContent(), { timeout: 10_000 })
        .toBe('会话已过期，请重新登录');
      await page.screenshot({ path: path.join(shots, '15-session-expired.png') });
      await backOnTicket();
    } finally {
      await page.close();
    }
  });

  it('gives the administrator the audit log and API tokens (issued once, used, revoked), and nobody else', async () => {
    const page = await newPage();
    /** Asks the API with a bearer token, as a third party would. */
    const withToken = (token: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ regions(first: 1) { nodes { name } } }' }),
      });
    try {
      await page.goto(server.url);
      // a wrong password first: the log keeps it, refused
      await page.getByTestId('signin-username').fill('admin');
      await page.getByTestId('signin-password').fill('not-the-password');
      await page.getByTestId('signin-submit').click();
      await page.getByTestId('signin-error').waitFor({ timeout: 10_000 });
      await signInThroughForm(page, 'admin');
      await page.getByTestId('admin-toggle').click();
      await page.getByTestId('audit-row').first().waitFor({ timeout: 15_000 });
      /** The rows on show: their cells but the time, and whether they are marked refused. */
      const auditRows = () =>
        page.getByTestId('audit-row').evaluateAll((rows) =>
          rows.map((r) => ({
            cells: [...r.querySelectorAll('td')]
              .slice(1)
              .map((td) => td.textContent)
              .join(' | '),
            refused: r.classList.contains('refused'),
          })),
        );
      // newest first: this very sign-in, and just before it the refused one, highlighted
      const rows = await auditRows();
      const ok = rows.findIndex((r) => r.cells === 'account:admin | signIn | admin | OK');
      expect(ok).toBeGreaterThanOrEqual(0);
      expect(ok).toBeLessThan(5);
      expect(rows[ok]!.refused).toBe(false);
      expect(rows[ok + 1]).toEqual({
        cells: expect.stringMatching(/\| signIn \| admin \| UNAUTHENTICATED BAD_CREDENTIALS$/),
        refused: true,
      });
      // times in China time, as everywhere in the app
      const at = await page.getByTestId('audit-row').nth(ok).locator('td').first().textContent();
      const shown = at!.match(/(\d+)\/(\d+)\/(\d+) (\d+):(\d+)/)!;
      const chinaHour = (ms: number) => new Date(ms + 8 * 3_600_000).getUTCHours();
      const now = testNow().getTime();
      expect([chinaHour(now), chinaHour(now - 120_000)]).toContain(Number(shown[4]));
      await page.screenshot({ path: path.join(shots, '16-admin-audit.png') });
      // exact filters, as the API applies them
      await page.getByTestId('audit-actor').fill('account:admin');
      await page.getByTestId('audit-action').fill('signIn');
      await page.getByTestId('audit-filter').click();
      await expect
        .poll(async () => [...new Set((await auditRows()).map((r) => r.cells))].join('\n'), {
          timeout: 10_000,
        })
        .toBe('account:admin | signIn | admin | OK');

      // a token for a third party: read:places only, its secret shown once
      await page.getByTestId('admin-tab-tokens').click();
      await page.getByTestId('token-name').fill('e2e 开放数据');
      await page.getByTestId('token-username').fill('command');
      expect(await page.getByTestId('token-scope-read:places').isChecked()).toBe(true);
      // an administrator issues no write:tickets: the form does not offer it
      expect(await page.getByTestId('token-scope-read:tickets').isChecked()).toBe(false);
      expect(await page.getByTestId('token-scope-write:tickets').count()).toBe(0);
      await page.getByTestId('token-issue').click();
      await page.getByTestId('token-secret').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('token-issued').textContent()).toContain('只显示一次');
      const token = (await page.getByTestId('token-secret').textContent())!;
      expect(token.length).toBeGreaterThan(20);
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: server.url,
      });
      await page.getByTestId('token-copy').click();
      await expect.poll(() => page.getByTestId('token-copy').textContent()).toBe('已复制');
      expect(
        await page.evaluate(() =>
          (
            globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
          ).navigator.clipboard.readText(),
        ),
      ).toBe(token);
      const row = page.getByTestId('token-row').filter({ hasText: 'e2e 开放数据' });
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      expect(await row.textContent()).toContain('read:places');
      expect(await row.getByTestId('token-state').textContent()).toBe('有效');
      await page.screenshot({ path: path.join(shots, '17-admin-token-issued.png') });

      const before = await withToken(token);
      expect(before.status).toBe(200);
      const body = (await before.json()) as { data?: { regions: { nodes: unknown[] } } };
      expect(body.data?.regions.nodes).toHaveLength(1);

      // revoked in the panel (after a confirmation): the token is refused at once
      page.once('dialog', (d) => void d.accept());
      await row.getByTestId('token-revoke').click();
      await expect
        .poll(() => row.getByTestId('token-state').textContent(), { timeout: 10_000 })
        .toBe('已吊销');
      expect(await row.getByTestId('token-revoke').count()).toBe(0);
      expect((await withToken(token)).status).toBe(401);
      // dismissed, the secret is gone from the page for good
      await page.getByTestId('token-dismiss').click();
      expect(await page.getByTestId('token-secret').count()).toBe(0);
      await page.screenshot({ path: path.join(shots, '18-admin-token-revoked.png') });
    } finally {
      await page.close();
    }

    // the command centre has neither permission: no 系统管理 button
    const command = await newPage();
    try {
      await command.goto(server.url);
      await signInThroughForm(command, 'command');
      await command.getByTestId('dashboard-toggle').waitFor();
      expect(await command.getByTestId('admin-toggle').count()).toBe(0);
    } finally {
      await command.close();
    }
  });
});
