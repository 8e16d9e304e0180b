import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCity } from '@yitu/api/testing';
import { signIn } from '../support/auth';
import {
  type InPage,
  launchChromium,
  mapIdle,
  openPage,
  signInThroughForm,
} from '../support/chromium';
import { engineName } from '../support/db';
import { TEST_AS_OF } from '../support/engine';
import { startEmptyServer, type RunningServer } from '../support/server';

// The whole city on one map: ten copies of the demo city side by side (1,110 compounds, more
// than any page of the API), drawn from the vector tiles. Every compound is on the map, a grid
// of the tenth city opens its panel, and ticket events reach a second browser without a reload.

const SCALE = 10;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());

/** What the second browser's tiles hold for a ticket and its compound. */
const drawnState = (page: Page, ticketCode: string, compoundCode: string) =>
  page.evaluate(
    ([t, c]) => {
      const map = (globalThis as unknown as InPage).__yituMap!;
      const ticket = map
        .querySourceFeatures('yitu', { sourceLayer: 'tickets' })
        .find((f) => f.properties.code === t);
      const compound = map
        .querySourceFeatures('yitu', { sourceLayer: 'compounds' })
        .find((f) => f.properties.code === c);
      return {
        status: (ticket?.properties.status as string | undefined) ?? null,
        open: (compound?.properties.openTickets as number | undefined) ?? null,
      };
    },
    [ticketCode, compoundCode] as const,
  );

describe(`the whole city at scale ${SCALE} in headless Chromium on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let cookie: string;
  const graphql = async <T>(query: string, variables: object = {}): Promise<T> => {
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
    const started = Date.now();
    server = await startEmptyServer((database) =>
      seedDemoCity(database, { asOf: TEST_AS_OF, scale: SCALE }),
    );
    console.log(
      `scale ${SCALE} seeded and served in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    cookie = await signIn(server.url, 'command');
    browser = await launchChromium();
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('draws every compound: the rendered ones over a sweep of the city equal compounds.totalCount', async () => {
    const { compounds } = await graphql<{ compounds: { totalCount: number } }>(
      '{ compounds(first: 1) { totalCount } }',
    );
    expect(compounds.totalCount).toBe(111 * SCALE);
    const page = await newPage();
    try {
      await page.goto(server.url);
      await signInThroughForm(page, 'command');
      await mapIdle(page);
      await page.screenshot({ path: path.join(shots, `scale${SCALE}-1-city.png`) });
      // the map opens on every street; sweep that extent at city zoom, a view at a time
      const extent = await page.evaluate(() =>
        (globalThis as unknown as InPage).__yituMap!.getBounds().toArray(),
      );
      const seen = new Set<string>();
      const zoom = 13;
      const step = await page.evaluate((z) => {
        const map = (globalThis as unknown as InPage).__yituMap!;
        map.jumpTo({ zoom: z });
        const b = map.getBounds();
        return [(b.getEast() - b.getWest()) * 0.9, (b.getNorth() - b.getSouth()) * 0.9];
      }, zoom);
      const [[west, south], [east, north]] = extent;
      let views = 0;
      for (let lat = north - step[1]! / 2; lat > south - step[1]! / 2; lat -= step[1]!)
        for (let lon = west + step[0]! / 2; lon < east + step[0]! / 2; lon += step[0]!) {
          await page.evaluate(
            ([x, y, z]) =>
              (globalThis as unknown as InPage).__yituMap!.jumpTo({ center: [x!, y!], zoom: z! }),
            [lon, lat, zoom],
          );
          await mapIdle(page);
          const codes = await page.evaluate(() =>
            (globalThis as unknown as InPage)
              .__yituMap!.queryRenderedFeatures({ layers: ['compound-fill'] })
              .map((f) => f.properties.code as string),
          );
          for (const c of codes) seen.add(c);
          views++;
        }
      console.log(`${seen.size} compounds over ${views} views at zoom ${zoom}`);
      expect(seen.size).toBe(compounds.totalCount);
    } finally {
      await page.close();
    }
  }, 240_000); // a sweep of the whole ×10 city: ~1 min on a quiet machine, more on a shared one

  it('opens the panel of a grid of the tenth city on click', async () => {
    // the tenth copy's first street (codes 341181001, 002 for the first copy, two a copy)
    const { regions } = await graphql<{
      regions: { nodes: { code: string; boundary: { coordinates: unknown } }[] };
    }>(`
      {
        regions(level: STREET, filter: { search: "341181019" }, first: 5) {
          nodes {
            code
            boundary
          }
        }
      }
    `);
    const street = regions.nodes.find((r) => r.code === '341181019')!;
    expect(street).toBeDefined();
    // the middle of its extent (a Polygon or a MultiPolygon)
    const points = JSON.stringify(street.boundary.coordinates)
      .match(/-?\d+(\.\d+)?,-?\d+(\.\d+)?/g)!
      .map((p) => p.split(',').map(Number) as [number, number]);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const centre: [number, number] = [
      (Math.min(...xs) + Math.max(...xs)) / 2,
      (Math.min(...ys) + Math.max(...ys)) / 2,
    ];
    const page = await newPage();
    try {
      await page.goto(server.url);
      await signInThroughForm(page, 'command');
      await mapIdle(page);
      await page.evaluate(
        (c) => (globalThis as unknown as InPage).__yituMap!.jumpTo({ center: c, zoom: 15 }),
        centre,
      );
      await mapIdle(page);
      // a pixel on a top-level grid, not on a compound, a micro-grid or a ticket
      const hit = await page.evaluate(() => {
        const map = (globalThis as unknown as InPage).__yituMap!;
        const canvas = map.getCanvas();
        const box = map.getContainer().getBoundingClientRect();
        for (let y = 40; y < canvas.clientHeight - 40; y += 7)
          for (let x = 40; x < canvas.clientWidth - 40; x += 7) {
            const hits = map.queryRenderedFeatures([x, y]);
            const grids = hits.filter((h) => h.layer.id === 'grid-hit');
            const blocked = hits.some(
              (h) =>
                h.layer.id === 'compound-fill' ||
                h.layer.id === 'ticket-point' ||
                (h.layer.id === 'grid-hit' && h.properties.micro),
            );
            if (grids.length === 1 && !blocked)
              return { x: x + box.left, y: y + box.top, code: grids[0]!.properties.code as string };
          }
        return null;
      });
      expect(hit).not.toBeNull();
      await page.mouse.click(hit!.x, hit!.y);
      await expect
        .poll(() => page.getByTestId('grid-code').textContent(), { timeout: 15_000 })
        .toBe(hit!.code);
      expect(new URL(page.url()).searchParams.get('grid')).toBe(hit!.code);
      await page.getByTestId('grid-figures').waitFor();
      await page.screenshot({ path: path.join(shots, `scale${SCALE}-2-tenth-city-grid.png`) });
    } finally {
      await page.close();
    }
  });

  it('shows a dispatch and a new report in a second browser without a reload', async () => {
    // an accepted ticket in a compound of the tenth city, its best resource
    const { tickets } = await graphql<{
      tickets: {
        nodes: {
          id: string;
          code: string;
          version: number;
          compound: { code: string } | null;
          location: { coordinates: [number, number] };
        }[];
      };
    }>(`
      {
        tickets(status: [ACCEPTED], filter: { search: "-10" }, first: 100) {
          nodes {
            id
            code
            version
            compound {
              code
            }
            location
          }
        }
      }
    `);
    const target = tickets.nodes.find((t) => t.compound && t.code.endsWith('-10'))!;
    expect(target).toBeDefined();
    const { matchResources } = await graphql<{ matchResources: { resource: { id: string } }[] }>(
      'query ($id: ID!) { matchResources(ticketId: $id, first: 1) { resource { id } } }',
      { id: target.id },
    );
    const other = await newPage();
    try {
      await other.goto(server.url);
      await signInThroughForm(other, 'command');
      await mapIdle(other);
      await other.evaluate(
        (c) => (globalThis as unknown as InPage).__yituMap!.jumpTo({ center: c, zoom: 16 }),
        target.location.coordinates,
      );
      await mapIdle(other);
      const before = await drawnState(other, target.code, target.compound!.code);
      expect(before.status).toBe('ACCEPTED');
      expect(before.open).toBeGreaterThan(0);

      await graphql(
        `
          mutation ($input: DispatchTicketInput!) {
            dispatchTicket(input: $input) {
              status
            }
          }
        `,
        {
          input: {
            ticketId: target.id,
            expectedVersion: target.version,
            resourceIds: [matchResources[0]!.resource.id],
          },
        },
      );
      await expect
        .poll(async () => (await drawnState(other, target.code, target.compound!.code)).status, {
          timeout: 15_000,
        })
        .toBe('DISPATCHED');
      await mapIdle(other);
      await other.screenshot({ path: path.join(shots, `scale${SCALE}-3-dispatched.png`) });

      // a resident reports in the same compound: its count (and colour) goes up
      await graphql(
        `
          mutation ($input: ReportTicketInput!) {
            reportTicket(input: $input) {
              ticket {
                code
              }
            }
          }
        `,
        {
          input: {
            compoundCode: target.compound!.code,
            description: '楼道灯坏了 (scale e2e)',
            reporterName: '测试',
            reporterPhone: '13800000000',
            idempotencyKey: `scale-${Date.now()}`,
            lon: target.location.coordinates[0],
            lat: target.location.coordinates[1],
          },
        },
      );
      await expect
        .poll(async () => (await drawnState(other, target.code, target.compound!.code)).open, {
          timeout: 15_000,
        })
        .toBe(before.open! + 1);
      await mapIdle(other);
      await other.screenshot({ path: path.join(shots, `scale${SCALE}-4-reported.png`) });
    } finally {
      await other.close();
    }
  });
});
