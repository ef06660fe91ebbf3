import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,bots,jobs,db,test}/**/*.test.ts'],
    globalSetup: ['./test/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
