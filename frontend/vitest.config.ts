import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.spec.ts'],
      // Element Plus ships per-component CSS imports inside its ESM build.
      server: { deps: { inline: ['element-plus'] } },
      setupFiles: ['src/test/setup.ts'],
      restoreMocks: true,
      // Mounting Element Plus in jsdom is slow on a busy 2-core machine; the first test pays for the imports.
      testTimeout: 30_000,
    },
  }),
)
