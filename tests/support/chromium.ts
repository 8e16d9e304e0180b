import fs from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from './auth';

// Debian's Chromium, headless, as this machine can run it (README, "The map"): software
// WebGL for MapLibre, and none of the background traffic the closed network would refuse.
export const CHROMIUM = process.env.YITU_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Fails a suite at once, before its server starts, on a machine without Chromium. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
}

/** Playwright gives each launch a fresh, temporary profile. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

/**
 * A page for the suites. Its clock stays the machine's even when the suites' clock is pinned:
 * Playwright's fake clock also fakes the timers the map and its live socket run on (signing out
 * then raced the socket's close). What is overdue comes from the API; the browser's clock only
 * counts down to deadlines, as a person's own would.
 */
export const openPage = (browser: Browser, options: BrowserContextOptions): Promise<Page> =>
  browser.newPage(options);

/** What the map page exposes, as seen from code that page.evaluate runs in the browser. */
export interface InPage {
  __yituMap?: import('maplibre-gl').Map;
  __xss?: number;
}

/** Resolves when the map has drawn everything it has (MapLibre's idle). */
export const mapIdle = (page: Page) =>
  page.waitForFunction(
    () => {
      const map = (globalThis as unknown as InPage).__yituMap;
      return !!map && map.loaded() && map.isStyleLoaded() && !map.isMoving();
    },
    undefined,
    { timeout: 30_000 },
  );

/** Fills the map's sign-in form and submits it, as a person would. */
export async function submitSignIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

/** Signs in through the map's form and waits until the top bar shows who it is. */
export async function signInThroughForm(page: Page, username: string, password = DEMO_PASSWORD) {
  await submitSignIn(page, username, password);
  await page.getByTestId('viewer').waitFor({ timeout: 15_000 });
}
