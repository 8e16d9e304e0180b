import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:4000';
// ws: graphql-ws subscriptions share the /graphql path
const proxy = { '/graphql': { target: api, ws: true }, '/health': api };

export default defineConfig({
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    // maplibre-gl alone is ~1 MB minified; it gets its own long-cached chunk
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      output: {
        // Rolldown's replacement for the deprecated manualChunks
        codeSplitting: {
          groups: [{ name: 'maplibre', test: /[\\/]node_modules[\\/]maplibre-gl[\\/]/ }],
        },
      },
    },
  },
});
