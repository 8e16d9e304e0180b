import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:4000';
// ws: graphql-ws subscriptions share the /graphql path
const proxy = { '/graphql': { target: api, ws: true }, '/health': api };
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  plugins: [react()],
  // Absolute asset URLs (/assets/…): graphiql.html is served at /graphql, the map at any path.
  base: '/',
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    // maplibre-gl alone is ~1 MB minified and monaco-editor (GraphiQL page only) ~2.8 MB;
    // each gets its own long-cached chunk. Everything else stays far below this.
    chunkSizeWarningLimit: 2900,
    rolldownOptions: {
      // Two pages: the map, and GraphiQL (graphiql.html, loaded only at GET /graphql)
      input: { index: page('index.html'), graphiql: page('graphiql.html') },
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
