import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { testClockOffsetMs, testNow } from './clock';

// Debian's Chromium, headless, as this machine can run it (../shared/STACK-NOTES.md): software
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

/** Playwright gives each launch a fresh, temporary profile. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

/** A page whose clock agrees with the product's: pinned too when the suites' clock is. */
export async function openPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
  const page = await browser.newPage(options);
  // time flows on from the pinned instant, as it does for the servers
  if (testClockOffsetMs !== 0) await page.clock.install({ time: testNow() });
  return page;
}
