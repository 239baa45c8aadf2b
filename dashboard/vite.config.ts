// Builds the dashboard into dashboard/dist, served by Spoor at /app/ (src/dashboard/routes.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names under assets/: Spoor serves them with a year-long, immutable cache.
    assetsDir: 'assets',
    // No inline scripts or data: URLs for scripts (the Content-Security-Policy allows 'self' only).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    target: 'es2022',
    rollupOptions: {
      output: {
        // Each page area's chunk is named for it (assets/settings-Ab12.js), for reading the build's output.
        chunkFileNames: (chunk) => {
          const area = chunk.facadeModuleId?.match(/pages\/([^/]+)\/routes\.tsx$/)?.[1];
          return `assets/${area ?? '[name]'}-[hash].js`;
        },
      },
    },
  },
  server: {
    // `npx vite dashboard` during development: the API comes from a Spoor running on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
