import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { envSchema } from '../src/config/env.schema.js';
import { REPO_ROOT } from './support/gateway-process.js';

/**
 * The deployment files (§7), checked for what an operator relies on. No Docker engine runs here,
 * so the image itself is tested by production.e2e-spec.ts (the same build and command).
 */
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** js-yaml, as @nestjs/swagger (a gateway dependency) brings it: a real YAML parser, no new dependency. */
function parseYaml(text: string): unknown {
  const require = createRequire(path.join(REPO_ROOT, 'apps/gateway/package.json'));
  const yaml = createRequire(require.resolve('@nestjs/swagger/package.json'))('js-yaml') as { load(text: string): unknown };
  return yaml.load(text);
}

/** `KEY=value` lines of a dotenv file; `# KEY=value` lines are documented defaults. */
function dotenv(text: string): { set: Map<string, string>; documented: Set<string> } {
  const set = new Map<string, string>();
  const documented = new Set<string>();
  for (const line of text.split('\n')) {
    const active = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (active) {
      set.set(active[1]!, active[2]!);
      documented.add(active[1]!);
    }
    const commented = /^# ([A-Z][A-Z0-9_]*)=/.exec(line);
    if (commented) documented.add(commented[1]!);
  }
  return { set, documented };
}

const GATEWAY_VARIABLES = Object.keys(envSchema.shape);
const COMPOSE_VARIABLES = ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'UNIROUTE_BIND_ADDRESS', 'UNIROUTE_HOST_PORT'];

interface ComposeService {
  build?: unknown;
  image?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  volumes?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

  it('runs exactly the gateway and PostgreSQL', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres']);
  });

  it('builds the gateway from this repository, configured by .env, after PostgreSQL is healthy', () => {
    const gateway = compose.services.gateway!;
    expect(gateway.build).toBe('.');
    expect([gateway.env_file].flat()).toContain('.env');
    // Loopback unless the operator says otherwise: a fresh `docker compose up` is not on the internet.
    expect(gateway.ports).toEqual(['${UNIROUTE_BIND_ADDRESS:-127.0.0.1}:${UNIROUTE_HOST_PORT:-3000}:3000']);
    expect(gateway.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(gateway.restart).toBe('unless-stopped');
    expect(gateway.environment).toMatchObject({ NODE_ENV: 'production', PORT: '3000' });
    expect(gateway.environment!.DATABASE_URL).toMatch(/^postgres:\/\/\$\{POSTGRES_USER:-uniroute\}:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\//);
    // docker stop must wait longer than the gateway's default drain (SHUTDOWN_TIMEOUT_MS = 30 s).
    expect(Number.parseInt(gateway.stop_grace_period ?? '10s', 10)).toBeGreaterThan(30);
  });

  it('keeps PostgreSQL data in a named volume, with a pg_isready healthcheck and no published port', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:1[67]-alpine$/);
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data']);
    expect(postgres.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(postgres.restart).toBe('unless-stopped');
    expect(postgres.ports).toBeUndefined();
    expect(postgres.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });
});

describe('.env.example', () => {
  const example = read('.env.example');
  const { set, documented } = dotenv(example);

  it('documents every variable the gateway reads, and nothing it does not', () => {
    for (const variable of GATEWAY_VARIABLES) expect(documented, variable).toContain(variable);
    for (const variable of documented) expect([...GATEWAY_VARIABLES, ...COMPOSE_VARIABLES], variable).toContain(variable);
  });

  it('commits no secret and says how to generate the two required ones', () => {
    for (const secret of ['UNIROUTE_MASTER_KEY', 'JWT_SECRET', 'POSTGRES_PASSWORD', 'METRICS_TOKEN']) expect(set.get(secret), secret).toBe('');
    expect(example).toContain('openssl rand -base64 32');
    expect(example).toContain('openssl rand -hex 32');
  });

  it('starts a production configuration once the secrets are filled in, as docker-compose.yml passes it', () => {
    const env: NodeJS.ProcessEnv = Object.fromEntries(set);
    Object.assign(env, {
      UNIROUTE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      JWT_SECRET: 'x'.repeat(64),
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '3000',
      DATABASE_URL: 'postgres://uniroute:secret@postgres:5432/uniroute',
    });
    const config = loadConfig(env);
    expect(config.env).toBe('production');
    expect(config.corsOrigins).toEqual([]);
    expect(config.metricsToken).toBeUndefined();
    // As committed (secrets empty), production refuses to start, naming the variable.
    expect(() => loadConfig({ ...Object.fromEntries(set), DATABASE_URL: env.DATABASE_URL })).toThrow(/UNIROUTE_MASTER_KEY is required/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in one stage and runs as a non-root user in a slim one', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile).toContain('npm i -g pnpm@10');
    expect(dockerfile).toContain('pnpm install --frozen-lockfile');
    expect(dockerfile).toContain('RUN pnpm build');
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends python3 make g\+\+/);
    expect(dockerfile).toContain('pnpm --filter @uniroute/gateway deploy --prod');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/WEB_DIST_DIR=\/app\/apps\/web\/dist/);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/healthz/m);
    expect(dockerfile).toMatch(/^CMD \["node", "apps\/gateway\/dist\/main.js"\]$/m);
  });

  it('copies every workspace package\'s manifest before the frozen install', () => {
    const workspaces = ['apps', 'packages']
      .flatMap((parent) => readdirSync(path.join(REPO_ROOT, parent)).map((name) => `${parent}/${name}`))
      .concat('migrations')
      .filter((directory) => existsSync(path.join(REPO_ROOT, directory, 'package.json')));
    expect(workspaces.length).toBeGreaterThanOrEqual(5);
    for (const directory of workspaces) expect(dockerfile, directory).toContain(`COPY ${directory}/package.json ${directory}/`);
  });

  it('is not sent local dependencies, build output or .env', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.env', '.git']) expect(ignored).toContain(entry);
    expect(ignored).toContain('!.env.example');
  });
});

describe('docs/operators.md', () => {
  const guide = read('docs/operators.md');

  it('has a configuration row for every variable, and covers backups, rotation, upgrades, replicas, metrics and docs', () => {
    for (const variable of [...GATEWAY_VARIABLES, ...COMPOSE_VARIABLES]) expect(guide, variable).toMatch(new RegExp(`^\\| \`${variable}\` \\|`, 'm'));
    for (const heading of ['## Backups', '## Rotating the master key', '## Upgrades', '## Scaling out', '## Metrics', '## Logs', '## API docs']) expect(guide).toContain(heading);
    expect(guide).toContain('keys:rotate');
    expect(guide).toContain('pg_dump');
  });
});
