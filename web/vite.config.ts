import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const api = 'http://127.0.0.1:4000';
// ws: graphql-ws subscriptions share the /graphql path
const proxy = { '/graphql': { target: api, ws: true }, '/health': api };
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

const outDir = 'dist';

/** What the phone page (m.html) loads, at once or later (MapLibre for a ticket's map): read from
 * Vite's build manifest, so the service worker keeps those files and none of the staff map's. */
function phoneFiles(): Set<string> {
  const manifest = JSON.parse(
    fs.readFileSync(page(`${outDir}/.vite/manifest.json`), 'utf8'),
  ) as Record<
    string,
    {
      file: string;
      imports?: string[];
      dynamicImports?: string[];
      css?: string[];
      assets?: string[];
    }
  >;
  const files = new Set<string>(['m.html']);
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(f);
    for (const k of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(k);
  };
  visit('m.html');
  return files;
}

export default defineConfig({
  plugins: [
    react(),
    // The grid worker's phone (/m/) is an installable PWA: its service worker (/m/sw.js, scope
    // /m/) precaches the phone page and what it loads, and nothing else (no ticket photos). The
    // staff map and GraphiQL get no service worker. The web manifest and icons are files in
    // public/m/; the page registers the worker itself.
    VitePWA({
      strategies: 'generateSW',
      injectRegister: false,
      manifest: false,
      filename: 'm/sw.js',
      scope: '/m/',
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,png,webmanifest}'],
        // MapLibre (~1 MB) is in the phone's set: a ticket's map opens offline
        maximumFileSizeToCacheInBytes: 3_000_000,
        manifestTransforms: [
          (entries) => {
            const keep = phoneFiles();
            const manifest = entries
              .filter((e) => keep.has(e.url) || e.url.startsWith('m/'))
              // absolute: the worker lives under /m/, the assets at the root
              .map((e) => ({ ...e, url: `/${e.url}` }));
            return { manifest, warnings: [] };
          },
        ],
        navigateFallback: '/m.html',
        navigateFallbackAllowlist: [/^\/m(\/|$)/],
        // no runtime cache: ticket photos are residents' personal data, served `private,
        // no-store`, and stay off the device (the page deletes an earlier worker's photo cache)
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  // Absolute asset URLs (/assets/…): graphiql.html is served at /graphql, the map at any path.
  base: '/',
  server: { proxy },
  preview: { proxy },
  build: {
    outDir,
    // read by phoneFiles() above (dist/.vite is a dotfile folder: the API does not serve it)
    manifest: true,
    // maplibre-gl alone is ~1 MB minified and monaco-editor (GraphiQL page only) ~2.8 MB;
    // each gets its own long-cached chunk. Everything else stays far below this.
    chunkSizeWarningLimit: 2900,
    rolldownOptions: {
      // Three pages: the map, GraphiQL (graphiql.html, loaded only at GET /graphql), the phone
      input: {
        index: page('index.html'),
        graphiql: page('graphiql.html'),
        // the grid worker's phone (/m/)
        m: page('m.html'),
      },
      output: {
        // Rolldown's replacement for the deprecated manualChunks
        codeSplitting: {
          // Everything else is split automatically: React lands in a chunk shared by both
          // pages, and GraphiQL's editor (monaco) and prettier load on demand from its page.
          groups: [{ name: 'maplibre', test: /[\\/]node_modules[\\/]maplibre-gl[\\/]/ }],
        },
      },
      onwarn(warning, warn) {
        // graphiql's React-compiler output starts modules with "use no memo"; harmless here
        if (
          warning.code === 'MODULE_LEVEL_DIRECTIVE' &&
          /[\\/]node_modules[\\/]/.test(warning.id ?? '')
        )
          return;
        warn(warning);
      },
    },
  },
});
