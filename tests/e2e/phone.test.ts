import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { actOnTicket, type Database } from '@yitu/api/testing';
import { DEMO_PASSWORD, signIn } from '../support/auth';
import { testNow } from '../support/clock';
import { launchChromium, requireChromium } from '../support/chromium';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// The grid worker's phone (/m/, issue 18) in headless Chromium emulating a phone: 390 × 844,
// touch, GPS, the camera through its file input, and the network cut through the browser
// context. Given a grid worker who opened the workspace once online, when the network goes they
// still open it, file two patrol reports and verify a ticket; meanwhile the command centre acts
// first on another ticket the phone also acts on. When the network is back the reports and the
// verification reach the command centre, the other action comes back refused with CONFLICT, and
// sending the whole queue again creates nothing twice (the verification, already done by this
// account, shows 已生效). A second test: work queued offline survives an expired session (kept
// pending, 重新登录, then sent as its account) and 退出登录 forgets the kept data. Screenshots: tests/artifacts/e2e.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shots = path.join(repoRoot, 'tests/artifacts/e2e', engineName());

// a 16 × 16 PNG "taken" by the camera
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM4oKBAEmIY1TCqYfhqAAC6CAAQx2ckEwAAAABJRU5ErkJggg==',
  'base64',
);

/** In the demo grid worker's grid: a ticket a resource resolved, waiting to be verified (核查),
 * walked through the loop as the resource would (START, RESOLVE); and a new report to accept. */
async function gridWork(database: Database) {
  const [work] = await database.rows<{ id: number; status: string; version: number }>(sql`
    SELECT t.id, t.status, t.version FROM tickets t JOIN accounts a ON a.grid_id = t.grid_id
    WHERE a.username = 'grid' AND t.status IN ('DISPATCHED', 'IN_PROGRESS')
    ORDER BY t.id LIMIT 1`);
  if (!work) throw new Error('the demo grid has no ticket in work');
  let version = work.version;
  const act = async (action: 'START' | 'RESOLVE') =>
    (version = await actOnTicket(database, {
      ticketId: work.id,
      expectedVersion: version,
      action,
      actor: 'resource:e2e-team',
      reason: action === 'RESOLVE' ? '已清理完毕' : null,
    }));
  if (work.status === 'DISPATCHED') await act('START');
  await act('RESOLVE');
  const at = testNow().toISOString();
  await database.rows(sql`
    WITH c AS (
      SELECT c.id, c.community_id, g.id AS grid_id, ST_PointOnSurface(c.boundary) AS p
      FROM accounts a JOIN grids g ON g.id = a.grid_id
      JOIN compounds c ON ST_Covers(g.boundary, ST_PointOnSurface(c.boundary)) AND c.retired_at IS NULL
      WHERE a.username = 'grid' ORDER BY c.id LIMIT 1)
    INSERT INTO tickets (code, status, level, location, compound_id, grid_id, community_id,
      description, reporter_name, reporter_phone, channel, follow_token, reported_at, respond_by,
      version, updated_at)
    SELECT 'PHONE-E2E', 'REPORTED', 'COMMUNITY', c.p, c.id, c.grid_id, c.community_id,
      '3号楼门口共享单车乱停', '孙九', '13500006666', 'QR', 'e2e-phone-follow-token-1', ${at},
      ${at}::timestamptz + interval '4 hours', 1, ${at}
    FROM c`);
}

/** The browser APIs the page-side code below uses (the tests compile without the DOM library). */
interface PageSide {
  document: { querySelector(selector: string): { href: string } | null };
  navigator: {
    serviceWorker: {
      controller: object | null;
      ready: Promise<{ scope: string; active: { scriptURL: string } | null }>;
    };
  };
  createImageBitmap(blob: Blob): Promise<{ width: number }>;
  indexedDB: { open(name: string): IdbRequest<IdbDatabase> };
}
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbDatabase {
  close(): void;
  transaction(
    store: string,
    mode: 'readwrite',
  ): {
    objectStore(name: string): {
      getAll(): IdbRequest<object[]>;
      getAllKeys(): IdbRequest<string[]>;
      put(value: object): void;
    };
    oncomplete: (() => void) | null;
  };
}

interface GridTicket {
  id: string;
  code: string;
  status: string;
  version: number;
  allowedActions: string[];
  location: { coordinates: [number, number] } | null;
  compound: { name: string } | null;
}

describe(`the grid worker's phone, offline and back, on ${engineName()}`, () => {
  let server: RunningServer;
  let browser: Browser;
  let command: string;
  let grid: string;
  const graphql = async <T>(cookie: string, query: string, variables: object = {}): Promise<T> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const gridTickets = async () =>
    (
      await graphql<{ tickets: { nodes: GridTicket[] } }>(
        grid,
        `
          {
            tickets(openOnly: true, first: 200) {
              nodes {
                id
                code
                status
                version
                allowedActions
                location(precision: 7)
                compound {
                  name
                }
              }
            }
          }
        `,
      )
    ).tickets.nodes;
  /** Patrol tickets with this text, as the command centre sees them. */
  const patrols = async (text: string) =>
    (
      await graphql<{
        tickets: {
          nodes: {
            code: string;
            channel: string;
            description: string;
            compound: { name: string } | null;
            photos: { url: string }[];
          }[];
        };
      }>(
        command,
        `
          query ($q: String!) {
            tickets(filter: { search: $q }, first: 10) {
              nodes {
                code
                channel
                description
                compound {
                  name
                }
                photos {
                  url
                }
              }
            }
          }
        `,
        { q: text },
      )
    ).tickets.nodes.filter((t) => t.description === text);
  const statusOf = async (id: string) =>
    (
      await graphql<{ node: { status: string; version: number } }>(
        command,
        `
          query ($id: ID!) {
            node(id: $id) {
              ... on Ticket {
                status
                version
              }
            }
          }
        `,
        { id },
      )
    ).node;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(shots, `phone-${name}.png`) });

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    requireChromium();
    server = await startServer({}, gridWork);
    command = await signIn(server.url, 'command');
    grid = await signIn(server.url, 'grid');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('works offline: two patrol reports and a verification arrive, a conflict is refused, a replay creates nothing twice', async () => {
    // the grid's work: a ticket to verify, and another the command centre will act on first
    const open = await gridTickets();
    const toVerify = open.find((t) => t.allowedActions.includes('VERIFY_PASS'))!;
    const contested = open.find((t) => t.code === 'PHONE-E2E')!;
    expect(toVerify.status).toBe('RESOLVED');
    expect(contested.allowedActions).toContain('ACCEPT');
    // where the grid worker stands: on a ticket's spot in a compound of the grid
    const spot = open.find((t) => t.location && t.compound)!;
    const [longitude, latitude] = spot.location!.coordinates;

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      geolocation: { longitude, latitude, accuracy: 12 },
      permissions: ['geolocation'],
    });
    const phone = await context.newPage();
    phone.on('pageerror', (e) => console.error('page error:', e.message));
    // every layout shift the page makes, from its first paint
    await phone.addInitScript(() => {
      interface Shift {
        value: number;
        startTime: number;
        hadRecentInput: boolean;
        sources: { node: { nodeName: string; className?: string } | null }[];
      }
      // each shift's size, time and the elements that moved, for the assertion's message
      const w = globalThis as unknown as { __cls: number; __shifts: string[] };
      w.__cls = 0;
      w.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as Shift[])
          if (!e.hadRecentInput) {
            w.__cls += e.value;
            w.__shifts.push(
              `${e.value.toFixed(4)} at ${Math.round(e.startTime)} ms: ${e.sources.map((x) => `${x.node?.nodeName}.${x.node?.className ?? ''}`).join(' ')}`,
            );
          }
      }).observe({ type: 'layout-shift' as never, buffered: true });
    });
    const layoutShift = () =>
      phone.evaluate(() => {
        const w = globalThis as unknown as { __cls: number; __shifts: string[] };
        return { __cls: w.__cls, __shifts: w.__shifts };
      });

    await phone.goto(`${server.url}/m/`);
    await phone.getByTestId('signin-username').fill('grid');
    await phone.getByTestId('signin-password').fill(DEMO_PASSWORD);
    await phone.getByTestId('signin-submit').tap();
    const row = (code: string) =>
      phone.getByTestId('phone-ticket').and(phone.locator(`[data-code="${code}"]`));
    await row(toVerify.code).waitFor();
    await shot(phone, '1-needs');

    // installable: the manifest's fields, its icons load as PNGs of their sizes
    const manifest = await phone.evaluate(async () => {
      const { document, createImageBitmap } = globalThis as unknown as PageSide;
      const link = document.querySelector('link[rel=manifest]')!;
      const m = (await (await fetch(link.href)).json()) as {
        name: string;
        short_name: string;
        start_url: string;
        display: string;
        icons: { src: string; sizes: string; type: string }[];
      };
      const icons = await Promise.all(
        m.icons.map(async (icon) => {
          const res = await fetch(icon.src);
          const bitmap = await createImageBitmap(await res.blob());
          return { sizes: icon.sizes, type: res.headers.get('content-type'), w: bitmap.width };
        }),
      );
      return { ...m, icons };
    });
    expect(manifest).toMatchObject({
      name: '一图 · 网格员',
      start_url: '/m/',
      display: 'standalone',
    });
    expect(manifest.short_name.length).toBeGreaterThan(0);
    expect(manifest.icons).toEqual(
      expect.arrayContaining([
        { sizes: '192x192', type: 'image/png', w: 192 },
        { sizes: '512x512', type: 'image/png', w: 512 },
      ]),
    );
    // the service worker registers and controls the page (clientsClaim)
    await phone.waitForFunction(
      () => (globalThis as unknown as PageSide).navigator.serviceWorker.controller !== null,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const worker = await phone.evaluate(async () => {
      const { navigator } = globalThis as unknown as PageSide;
      const registration = await navigator.serviceWorker.ready;
      return { scope: registration.scope, script: registration.active?.scriptURL };
    });
    expect(worker.scope).toBe(`${server.url}/m/`);
    expect(worker.script).toBe(`${server.url}/m/sw.js`);
    // no layout shift at 390 px, through the list and the tabs
    await phone.getByTestId('phone-tab-tickets').tap();
    await phone.getByTestId('phone-tickets').waitFor();
    await phone.getByTestId('phone-tab-needs').tap();
    await row(toVerify.code).waitFor();
    const shifts = await layoutShift();
    expect(shifts.__cls, shifts.__shifts.join('; ')).toBeLessThan(0.01);
    // the ticket's page: its place on the small map, the masked phone and the audited reveal
    await row(toVerify.code).locator('.phone-ticket-open').tap();
    await phone.getByTestId('phone-detail').waitFor();
    await phone.waitForFunction(
      () => {
        const map = (globalThis as { __yituPhoneMap?: import('maplibre-gl').Map }).__yituPhoneMap;
        return (
          !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['ticket'] }).length > 0
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    const masked = await phone.getByTestId('phone-reporter-phone').textContent();
    expect(masked).toMatch(/\*{4}/);
    await phone.getByTestId('phone-reveal').tap();
    await phone.getByTestId('phone-call').waitFor();
    expect(await phone.getByTestId('phone-reporter-phone').textContent()).toMatch(/^\d{11}$|^0/);
    await shot(phone, '2-ticket');
    await phone.getByTestId('phone-tab-needs').tap();
    await row(toVerify.code).waitFor();

    // the network goes (a basement): the workspace still opens, from the worker and IndexedDB
    await context.setOffline(true);
    await phone.reload();
    await phone.getByTestId('phone-offline-banner').waitFor();
    await row(toVerify.code).waitFor();
    expect(await phone.getByTestId('phone-network').textContent()).toBe('离线');

    // verify one ticket, act on the contested one
    await row(toVerify.code).getByTestId('phone-verify').tap();
    await row(toVerify.code).getByText('已排队').waitFor();
    await row(contested.code).getByTestId('phone-accept').tap();
    await row(contested.code).getByText('已排队').waitFor();
    // …while the command centre acts on it first
    await graphql(
      command,
      `
        mutation ($input: TicketActionInput!) {
          actOnTicket(input: $input) {
            version
          }
        }
      `,
      {
        input: {
          ticketId: contested.id,
          expectedVersion: contested.version,
          action: 'ACCEPT',
        },
      },
    );

    // two patrol reports, each with a photo from the camera and the GPS position
    const texts = [`巡查发现楼道堆放杂物-${Date.now()}`, `巡查发现路灯不亮-${Date.now()}`];
    for (const [n, text] of texts.entries()) {
      await phone.getByTestId('phone-tab-report').tap();
      await phone.getByTestId('phone-report-gps').getByText('由服务器对应到小区和楼栋').waitFor();
      await phone.getByTestId('phone-report-category').selectOption({ index: 1 });
      await phone.getByTestId('phone-report-photo').setInputFiles({
        name: `patrol-${n}.png`,
        mimeType: 'image/png',
        buffer: PHOTO,
      });
      await phone.getByTestId('phone-report-preview').waitFor();
      await phone.getByTestId('phone-report-text').fill(text);
      if (n === 0) await shot(phone, '3-report-offline');
      await phone.getByTestId('phone-report-submit').tap();
      await phone.getByTestId('phone-queue').waitFor();
    }
    expect(await phone.getByTestId('phone-queue-count').textContent()).toBe('4');
    const states = () =>
      phone
        .getByTestId('phone-queue-item')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-state')));
    expect(await states()).toEqual(['pending', 'pending', 'pending', 'pending']);
    await shot(phone, '4-queue-offline');
    // nothing reached the server yet
    expect(await patrols(texts[0]!)).toEqual([]);
    expect((await statusOf(toVerify.id)).status).toBe('RESOLVED');

    // the network is back: the queue is sent by itself
    await context.setOffline(false);
    await expect.poll(states, { timeout: 30_000 }).not.toContain('pending');
    expect(await states()).toEqual(['applied', 'refused', 'applied', 'applied']);
    const outcomes = await phone.getByTestId('phone-queue-outcome').allTextContents();
    expect(outcomes[1]).toMatch(/^CONFLICT/);
    await shot(phone, '5-queue-online');

    // the command centre sees both reports, placed by their GPS point, and the verification
    const compound = spot.compound!.name;
    for (const text of texts) {
      const found = await patrols(text);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ channel: 'PATROL', compound: { name: compound } });
      expect(found[0]!.photos).toHaveLength(1);
    }
    expect((await statusOf(toVerify.id)).status).toBe('VERIFIED');
    const codes = await Promise.all(texts.map(async (t) => (await patrols(t))[0]!.code));
    expect(outcomes[2]).toContain(codes[0]);
    expect(outcomes[3]).toContain(codes[1]);

    // the same queue sent again (a phone that never heard the answers): nothing twice
    const verifiedVersion = (await statusOf(toVerify.id)).version;
    await phone.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = (globalThis as unknown as PageSide).indexedDB.open('yitu-phone');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            const store = tx.objectStore('outbox');
            const all = store.getAll();
            all.onsuccess = () => {
              for (const item of all.result)
                store.put({ ...item, state: 'pending', outcome: null, code: null, reason: null });
            };
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
          };
        }),
    );
    await phone.reload();
    await phone.getByTestId('phone-tab-queue').tap();
    // the reports answer with their first tickets; the verification comes back CONFLICT, but
    // the ticket's log shows it was this account's and took effect: 已生效, not 被拒绝; the
    // command centre's earlier acceptance is still refused
    await expect
      .poll(states, { timeout: 30_000 })
      .toEqual(['applied', 'refused', 'applied', 'applied']);
    const again = await phone.getByTestId('phone-queue-outcome').allTextContents();
    expect(again[0]).toContain(toVerify.code);
    expect(again[1]).toMatch(/^CONFLICT/);
    expect(again[2]).toContain(codes[0]);
    expect(again[3]).toContain(codes[1]);
    for (const text of texts) expect(await patrols(text)).toHaveLength(1);
    expect((await statusOf(toVerify.id)).version).toBe(verifiedVersion);
    await shot(phone, '6-replayed');
    await context.close();
  });
  it('keeps queued work through an expired session and forgets the kept data on sign-out', async () => {
    // the service worker keeps no ticket photos (private, no-store): no runtime cache at all
    const sw = await (await fetch(`${server.url}/m/sw.js`)).text();
    expect(sw).not.toContain('thumbnail');
    expect(sw).not.toContain('yitu-phone-photos');

    const spot = (await gridTickets()).find((t) => t.location && t.compound)!;
    const [longitude, latitude] = spot.location!.coordinates;
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      geolocation: { longitude, latitude, accuracy: 12 },
      permissions: ['geolocation'],
    });
    const phone = await context.newPage();
    phone.on('pageerror', (e) => console.error('page error:', e.message));
    /** What the phone keeps in IndexedDB: the kept data's keys and the outbox's items. */
    const kept = () =>
      phone.evaluate(
        () =>
          new Promise<{ cache: string[]; outbox: number }>((resolve, reject) => {
            const open = (globalThis as unknown as PageSide).indexedDB.open('yitu-phone');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const cacheTx = open.result.transaction('cache', 'readwrite');
              const keys = cacheTx.objectStore('cache').getAllKeys();
              keys.onsuccess = () => {
                const items = open.result
                  .transaction('outbox', 'readwrite')
                  .objectStore('outbox')
                  .getAll();
                items.onsuccess = () => {
                  open.result.close();
                  resolve({ cache: keys.result.sort(), outbox: items.result.length });
                };
              };
            };
          }),
      );
    const signInAsGrid = async () => {
      await phone.getByTestId('signin-username').fill('grid');
      await phone.getByTestId('signin-password').fill(DEMO_PASSWORD);
      await phone.getByTestId('signin-submit').tap();
      await phone.getByTestId('phone-grid-name').waitFor();
    };
    await phone.goto(`${server.url}/m/`);
    await signInAsGrid();
    await expect
      .poll(async () => (await kept()).cache, { timeout: 30_000 })
      .toEqual(['data', 'viewer']);
    const before = (await kept()).outbox;

    // a patrol report taken offline; meanwhile the session ends
    await context.setOffline(true);
    const text = `巡查发现井盖缺失-${Date.now()}`;
    await phone.getByTestId('phone-tab-report').tap();
    await phone.getByTestId('phone-report-gps').getByText('由服务器对应到小区和楼栋').waitFor();
    await phone.getByTestId('phone-report-text').fill(text);
    await phone.getByTestId('phone-report-submit').tap();
    await phone.getByTestId('phone-queue').waitFor();
    await context.clearCookies();

    // back online: the replay stops for a sign-in, the report stays pending, the data is gone
    await context.setOffline(false);
    await phone.getByTestId('phone-sign-in-needed').waitFor({ timeout: 30_000 });
    const mine = phone.getByTestId('phone-queue-item').filter({ hasText: text });
    expect(await mine.getAttribute('data-state')).toBe('pending');
    expect(await kept()).toEqual({ cache: [], outbox: before + 1 });
    expect(await patrols(text)).toEqual([]);
    await phone.getByTestId('phone-clear').tap();
    expect((await kept()).outbox).toBe(before + 1);
    await shot(phone, '7-sign-in-needed');

    // the same grid worker signs in again: the report is sent as theirs
    await phone.getByTestId('phone-sign-in-again').tap();
    await signInAsGrid();
    await phone.getByTestId('phone-tab-queue').tap();
    await expect.poll(() => mine.getAttribute('data-state'), { timeout: 30_000 }).toBe('applied');
    expect(await patrols(text)).toHaveLength(1);

    // 退出登录: back to the sign-in screen, the kept data forgotten, the queue's items kept
    await expect
      .poll(async () => (await kept()).cache, { timeout: 30_000 })
      .toEqual(['data', 'viewer']);
    await phone.getByTestId('phone-sign-out').tap();
    await phone.getByTestId('signin-username').waitFor();
    expect(await kept()).toEqual({ cache: [], outbox: before + 1 });
    await context.close();
  });
});
