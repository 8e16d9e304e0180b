import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';

// The built app (global setup runs vite build) keeps every chunk under 1 MB gzip, MapLibre aside,
// and the resident page does not pull in MapLibre.

const dist = path.resolve(__dirname, '../../web/dist');
const LIMIT = 1024 * 1024;

describe('the built map app', () => {
  const assets = fs
    .readdirSync(path.join(dist, 'assets'))
    .filter((f) => /\.(m?js|css)$/.test(f))
    .map((f) => ({
      file: f,
      gzip: zlib.gzipSync(fs.readFileSync(path.join(dist, 'assets', f))).length,
    }));

  it('has no chunk over 1 MB gzip besides MapLibre', () => {
    expect(assets.length).toBeGreaterThan(5);
    const over = assets.filter((a) => a.gzip > LIMIT && !a.file.startsWith('maplibre'));
    expect(over).toEqual([]);
  });

  it('loads MapLibre lazily: the entry chunk does not import it', () => {
    const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
    const entry = /src="\/assets\/(index-[^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const code = fs.readFileSync(path.join(dist, 'assets', entry!), 'utf8');
    // (its name may appear in the preload list of the lazy import; never as a static import)
    expect(code).not.toMatch(/from\s*["'`]\.\/maplibre-/);
    expect(code).toMatch(/import\(\s*["'`]\.\/App-[\w-]+\.js/);
  });
});
