import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signIn } from '../support/auth';
import { launchChromium, openPage, signInThroughForm, requireChromium } from '../support/chromium';
import { engineName } from '../support/db';
import { insertReportFixture } from '../support/report-fixture';
import { startServer, type RunningServer } from '../support/server';

// The reports panel (报表) in headless Chromium: a street's staff opens it, picks October 2026
// (the month the report fixture fills), sees the figures and the ECharts charts drawn, and
// downloads the assessment (xlsx, PDF) and the ticket list through the panel's links; a
// community's staff asking for the other community's file is refused. Screenshots go to
// tests/artifacts/e2e.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Opens the reports panel from the top bar. Right after sign-in the bar is still filling in
 * (the buttons a role may use arrive with its permissions and the district's frame), so a click
 * can land on a neighbour that moved under it, as it did once in CI on a loaded machine: click
 * again until the panel is open, never twice on an open panel (that would close it).
 */
async function openReports(page: Page) {
  await vi.waitFor(
    async () => {
      if (!(await page.getByTestId('reports').isVisible())) {
        await page.getByTestId('reports-toggle').click();
      }
      await page.getByTestId('reports').waitFor({ timeout: 5_000 });
    },
    { timeout: 60_000, interval: 500 },
  );
}

// what the page functions below use of the DOM (the tests compile without the DOM's types;
// evaluated in the page, so nothing from this module may be called there)
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}
type InDom = { document: { querySelector(s: string): unknown } };

/** Whether a chart's canvas has any pixel drawn (not all transparent). */
const drawn = (page: Page, testId: string) =>
  page.evaluate((id) => {
    const canvas = (globalThis as unknown as InDom).document.querySelector(
      `[data-testid="${id}"] canvas`,
    ) as Canvas | null;
    if (!canvas || canvas.width === 0) return false;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) return true;
    return false;
  }, testId);

/** Fetches a link the panel shows, in the page (its session cookie), for status and type. */
const fetchLink = (page: Page, testId: string) =>
  page.evaluate(async (id) => {
    const href = (
      (globalThis as unknown as InDom).document.querySelector(`[data-testid="${id}"]`) as {
        href: string;
      }
    ).href;
    const res = await fetch(href);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return {
      href,
      status: res.status,
      type: res.headers.get('content-type'),
      head: String.fromCharCode(...bytes.subarray(0, 4)),
    };
  }, testId);

describe(`the reports panel in headless Chromium on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let street: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    requireChromium();
    server = await startServer({}, insertReportFixture);
    const cookie = await signIn(server.url, 'fx-street');
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        query: `{ regions(first: 10, filter: { search: "FX-" }) { nodes { id code } } }`,
      }),
    });
    const body = (await res.json()) as {
      data: { regions: { nodes: { id: string; code: string }[] } };
    };
    for (const node of body.data.regions.nodes) ids[node.code] = node.id;
    browser = await launchChromium();
    street = await openPage(browser, {
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    street.on('pageerror', (e) => console.error('page error:', e.message));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a street its October: figures with 环比 and 同比, and four charts drawn', async () => {
    await street.goto(server.url);
    await street.getByTestId('signin-username').waitFor({ timeout: 15_000 });
    await signInThroughForm(street, 'fx-street');
    await openReports(street);
    // its own street by default
    expect(await street.getByTestId('reports-place').inputValue()).toBe(ids['FX-S']);
    await street.getByTestId('reports-month').fill('2026-10');
    const table = street.getByTestId('reports-figures');
    await expect
      .poll(() => table.locator('th').nth(1).textContent(), { timeout: 30_000 })
      .toBe('2026-10');
    const received = table.locator('tbody tr').first().locator('td');
    expect(await received.nth(0).textContent()).toBe('受理量（件）');
    expect(Number(await received.nth(1).textContent())).toBeGreaterThan(0);
    for (const chart of ['chart-trend', 'chart-categories', 'chart-loop', 'chart-time']) {
      await street.getByTestId(chart).locator('canvas').waitFor({ timeout: 30_000 });
      await expect.poll(() => drawn(street, chart), { timeout: 10_000 }).toBe(true);
    }
    // the loop's six stages, in words beside the canvas: the street's October (T11 reported too)
    expect(await street.getByTestId('chart-loop').getAttribute('aria-label')).toBe(
      '上报 9, 受理 6, 派单 6, 处置 3, 核查 3, 办结 3',
    );
    // time to close: T1 in 3–5 days, T2 and T4 in 7–10
    expect(await street.getByTestId('chart-time').getAttribute('aria-label')).toBe(
      '0–1 天 0, 1–3 天 0, 3–5 天 1, 5–7 天 0, 7–10 天 2, 10 天以上 0',
    );
    await street.screenshot({ path: path.join(shots, 'reports-1-street-october.png') });
  });

  it('turns on the month’s heat map and shows it on the map', async () => {
    await street.getByTestId('reports-heat').check();
    await expect
      .poll(() => street.getByTestId('reports-heat-total').textContent(), { timeout: 30_000 })
      .toBe('9 件');
    await street.getByTestId('reports-show-map').click();
    await street.getByTestId('reports').waitFor({ state: 'detached' });
    expect(await street.getByTestId('heat-badge').textContent()).toContain('热力图 2026-10 · 9 件');
    // the heatmap layer is on the map, fed the two cells PostGIS counted (8 in FX-P, 1 in FX-Z)
    const onMap = () =>
      street.evaluate(() => {
        const map = (
          globalThis as unknown as {
            __yituMap?: {
              getLayer(id: string): { type: string } | undefined;
              querySourceFeatures(id: string): { properties: { count: number } }[];
              loaded(): boolean;
            };
          }
        ).__yituMap;
        const layer = map?.getLayer('ticket-heat');
        const counts = (map?.querySourceFeatures('ticket-heat') ?? []).map(
          (f) => f.properties.count,
        );
        return { type: layer?.type ?? null, counts: [...new Set(counts)].sort((a, b) => b - a) };
      });
    await expect.poll(onMap, { timeout: 30_000 }).toEqual({ type: 'heatmap', counts: [8, 1] });
    await street.waitForTimeout(500);
    await street.screenshot({ path: path.join(shots, 'reports-3-heat-map.png') });
    // and off again from the badge
    await street.getByRole('button', { name: '关闭热力图' }).click();
    await expect.poll(() => onMap().then((m) => m.type), { timeout: 10_000 }).toBeNull();
    await openReports(street);
    await street.getByTestId('reports-month').fill('2026-10');
    await street.getByTestId('download-assessment-xlsx').waitFor({ timeout: 30_000 });
  });

  it('downloads the assessment as xlsx and PDF and the ticket list as xlsx', async () => {
    const xlsx = await fetchLink(street, 'download-assessment-xlsx');
    expect(xlsx.href).toContain(`region=${encodeURIComponent(ids['FX-S']!)}`);
    expect(xlsx.href).toContain('month=2026-10');
    expect(xlsx).toMatchObject({ status: 200, type: XLSX, head: 'PK\u0003\u0004' });
    const pdf = await fetchLink(street, 'download-assessment-pdf');
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', head: '%PDF' });
    const tickets = await fetchLink(street, 'download-tickets-xlsx');
    expect(tickets).toMatchObject({ status: 200, type: XLSX, head: 'PK\u0003\u0004' });
    // and a click saves it, named by the server
    const [download] = await Promise.all([
      street.waitForEvent('download'),
      street.getByTestId('download-assessment-pdf').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^月度考评-.+-2026-10\.pdf$/);
    expect(await download.failure()).toBeNull();
  });

  it('refuses a community’s staff the other community’s file', async () => {
    const community = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
    await community.goto(server.url);
    await community.getByTestId('signin-username').waitFor({ timeout: 15_000 });
    await signInThroughForm(community, 'fx-comm');
    await openReports(community);
    await community.getByTestId('reports-month').fill('2026-10');
    await community.getByTestId('reports-figures').waitFor({ timeout: 30_000 });
    // the files' links follow the place, which the panel settles after the viewer's regions load
    await community.getByTestId('download-assessment-pdf').waitFor({ timeout: 30_000 });
    const own = await fetchLink(community, 'download-assessment-pdf');
    expect(own.status).toBe(200);
    const other = await community.evaluate(
      async (href) => (await fetch(href)).status,
      own.href.replace(encodeURIComponent(ids['FX-C']!), encodeURIComponent(ids['FX-C2']!)),
    );
    expect(other).toBe(403);
    // its own community's charts drawn too (ECharts loads in this new context's page as well)
    await expect.poll(() => drawn(community, 'chart-trend'), { timeout: 30_000 }).toBe(true);
    await community.screenshot({ path: path.join(shots, 'reports-2-community.png') });
  });
});
