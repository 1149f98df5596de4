import { defineConfig } from 'vitest/config';

/** One Vitest run over every workspace project; each project keeps its own config beside its code. */
export default defineConfig({
  test: {
    projects: ['apps/gateway', 'apps/web', 'packages/provider-stand-ins'],
  },
});
