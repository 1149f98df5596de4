import vue from '@vitejs/plugin-vue';
import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [vue()],
  resolve: { conditions: ['source'] },
  test: { name: 'web', environment: 'jsdom', include: ['src/**/*.{spec,test}.ts'] },
});
