/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { webManifest } from './src/pwa/manifest.ts'
import { compileStartupEagerly, preloadStartRoute } from './src/pwa/start-screen-loading.ts'

export default defineConfig({
  resolve: {
    alias: {
      // Pure domain logic shared with the edge functions (Deno) lives beside them.
      '@domain': fileURLToPath(new URL('./supabase/functions/_shared/domain', import.meta.url)),
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  define: {
    // Every component is <script setup> and every store a setup store: Vue's Options API support is
    // code the phone would download and run for nothing.
    __VUE_OPTIONS_API__: false,
  },
  plugins: [
    vue(),
    // The screen a signed-in rep opens to, every time.
    preloadStartRoute('src/pages/NextLeadPage.vue'),
    compileStartupEagerly(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: webManifest,
      // The glob below already precaches the icons and the plugin adds the manifest itself: no duplicates.
      includeManifestIcons: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico}'],
      },
      devOptions: { enabled: false, type: 'module' },
    }),
  ],
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  server: { host: '127.0.0.1', port: 5173 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/stack/**/*.test.ts'],
          globalSetup: ['test/support/stack-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Files share one stack; run them one at a time so timing-sensitive tests stay honest on 2 cores.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/stack-setup.ts', 'test/support/app-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
