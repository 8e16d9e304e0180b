import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// The staff map and the resident page in Debian's headless Chromium, used as a person would:
// clicks at pixels, typing into forms. Screenshots of each step go to tests/artifacts/e2e.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());

/** What the page exposes, as seen from code that page.evaluate runs in the browser. */
interface InPage {
  __yituMap?: import('maplibre-gl').Map;
  __xss?: number;
}

/** Resolves when the map has drawn everything it has (MapLibre's idle). */
const mapIdle = (page: Page) =>
  page.waitForFunction(
    () => {
      const map = (globalThis as unknown as InPage).__yituMap;
      return !!map && map.loaded() && map.isStyleLoaded() && !map.isMoving();
    },
    undefined,
    { timeout: 30_000 },
  );

/** The status the map's ticket layer holds for a ticket (null if it is not there). */
const mapTicketStatus = (page: Page, code: string) =>
  page.evaluate((c) => {
    const f = (globalThis as unknown as InPage).__yituMap
      ?.querySourceFeatures('tickets')
      .find((feature) => feature.properties.code === c);
    return (f?.properties.status as string | undefined) ?? null;
  }, code);

describe(`the map in headless Chromium on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let staff: Page;
  const graphql = async <T>(query: string, variables: object = {}): Promise<T> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const newPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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
    server = await startServer();
    browser = await launchChromium();
    staff = await newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads the map and renders all 111 compounds', async () => {
    await staff.goto(server.url);
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
        .querySourceFeatures('grids')
        .find((f) => f.properties.code === gridCode && !f.properties.micro)!;
      const ring = (
        grid.geometry.type === 'Polygon'
          ? grid.geometry.coordinates[0]
          : (grid.geometry as { coordinates: number[][][][] }).coordinates[0]![0]
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
    const other = await newPage();
    await other.goto(staff.url());
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
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
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
      const f = map.querySourceFeatures('tickets').find((x) => x.properties.code === c)!;
      map.jumpTo({
        center: (f.geometry as { coordinates: [number, number] }).coordinates,
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
      const f = map.querySourceFeatures('tickets').find((x) => x.properties.code === c)!;
      const p = map.project((f.geometry as { coordinates: [number, number] }).coordinates);
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
    await expect.poll(() => staff.getByTestId('ticket-status').textContent()).toBe('已受理');
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
          ? ((map.getFeatureState({ source: 'regions', id: c }).shortfall as number | undefined) ??
              null)
          : null;
      }, code);
    const some = communityLists[0]!;
    await expect.poll(() => gapOf(some.community.code), { timeout: 10_000 }).toBe(some.shortfall);
    await mapIdle(staff);
    await staff.screenshot({ path: path.join(shots, '8-satisfaction-and-gaps.png') });

    await staff.getByTestId('dashboard-toggle').click();
    await expect.poll(() => staff.getByTestId('dashboard-row').count()).toBe(24); // 1 + 2 + 21
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
        const compounds = map.querySourceFeatures('compounds');
        const first = compounds.find((f) => f.properties.code === compounds[0]!.properties.code)!;
        const ring = (first.geometry as { coordinates: [number, number][][] }).coordinates[0]!;
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
      const p = map.project((c.geometry as { coordinates: [number, number] }).coordinates);
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
});
