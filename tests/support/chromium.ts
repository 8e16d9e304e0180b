import { chromium, type Browser } from 'playwright-core';

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
