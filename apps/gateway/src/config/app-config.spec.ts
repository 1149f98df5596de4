import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';

const masterKey = randomBytes(32).toString('base64');
const jwtSecret = 'j'.repeat(40);

describe(loadConfig.name, () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uniroute-config-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the documented defaults', () => {
    const sut = loadConfig({ DATA_DIR: dataDir() });
    expect(sut.port).toBe(3000);
    expect(sut.database.url).toBeUndefined();
    expect(sut.allowServerKeyFallback).toBe(true);
    expect(sut.providers.openai).toEqual({ baseUrl: 'https://api.openai.com/v1', serverKey: undefined });
    expect(sut.providers.anthropic.baseUrl).toBe('https://api.anthropic.com');
    expect(sut.providers.google.baseUrl).toBe('https://generativelanguage.googleapis.com');
    expect(sut.quotas).toEqual({ serverKeyRpm: 60, maxInflightPerUser: 64, providerKeyTestsPerHour: 20, redisUrl: undefined });
    expect(sut.upstream.connections).toBe(0);
    expect(sut.allowRequestKeys).toBe(true);
    expect(sut.auditRetentionDays).toBe(365);
    expect(sut.usage).toEqual({ retentionDays: 90, queueMax: 20_000 });
    expect(sut.requestTimeoutMs).toBe(60_000);
    expect(sut.keepAliveTimeoutMs).toBe(5_000);
    expect(sut.maxConnections).toBe(10_000);
    expect(sut.apiKeyFailuresPerMinute).toBe(60);
  });

  it('reads ALLOW_REQUEST_KEYS and AUDIT_RETENTION_DAYS', () => {
    const sut = loadConfig({ DATA_DIR: dataDir(), ALLOW_REQUEST_KEYS: 'false', AUDIT_RETENTION_DAYS: '30' });
    expect(sut.allowRequestKeys).toBe(false);
    expect(sut.auditRetentionDays).toBe(30);
  });

  it('reads USAGE_RETENTION_DAYS and USAGE_QUEUE_MAX', () => {
    const sut = loadConfig({ DATA_DIR: dataDir(), USAGE_RETENTION_DAYS: '7', USAGE_QUEUE_MAX: '3' });
    expect(sut.usage).toEqual({ retentionDays: 7, queueMax: 3 });
  });

  it('reads the abuse limits; SERVER_KEY_RPM=0 means no limit', () => {
    const sut = loadConfig({
      DATA_DIR: dataDir(),
      SERVER_KEY_RPM: '0',
      MAX_INFLIGHT_PER_USER: '8',
      PROVIDER_KEY_TESTS_PER_HOUR: '3',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      API_KEY_FAILURES_PER_MINUTE: '0',
    });
    expect(sut.quotas).toEqual({ serverKeyRpm: 0, maxInflightPerUser: 8, providerKeyTestsPerHour: 3, redisUrl: 'redis://127.0.0.1:6379/0' });
    expect(sut.apiKeyFailuresPerMinute).toBe(0);
    expect(() => loadConfig({ DATA_DIR: dataDir(), API_KEY_FAILURES_PER_MINUTE: '-1' })).toThrow('API_KEY_FAILURES_PER_MINUTE must be 0 or more');
  });

  it('reads REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS and MAX_CONNECTIONS and refuses nonsense', () => {
    const sut = loadConfig({ DATA_DIR: dataDir(), REQUEST_TIMEOUT_MS: '1500', KEEP_ALIVE_TIMEOUT_MS: '800', MAX_CONNECTIONS: '20' });
    expect(sut.requestTimeoutMs).toBe(1500);
    expect(sut.keepAliveTimeoutMs).toBe(800);
    expect(() => loadConfig({ DATA_DIR: dataDir(), KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow('KEEP_ALIVE_TIMEOUT_MS must be positive');
    expect(sut.maxConnections).toBe(20);
    expect(() => loadConfig({ DATA_DIR: dataDir(), REQUEST_TIMEOUT_MS: '0' })).toThrow('REQUEST_TIMEOUT_MS must be positive');
    expect(() => loadConfig({ DATA_DIR: dataDir(), MAX_CONNECTIONS: 'lots' })).toThrow('MAX_CONNECTIONS must be a number');
  });

  it('generates development secrets once into DATA_DIR, with a warning, and reuses them', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(existsSync(path.join(dir, 'master.key'))).toBe(true);
    expect(first.startupWarnings.join(' ')).toMatch(/UNIROUTE_MASTER_KEY is not set/);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.masterKeys.keys.get(1)).toEqual(first.masterKeys.keys.get(1));
    expect(second.jwt.secret).toBe(first.jwt.secret);
    expect(readFileSync(path.join(dir, 'jwt.secret'), 'utf8').trim()).toBe(first.jwt.secret);
  });

  it('refuses to start in production without the master key or the JWT secret, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: jwtSecret })).toThrow(/UNIROUTE_MASTER_KEY is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', UNIROUTE_MASTER_KEY: masterKey })).toThrow(/JWT_SECRET is required/);
    expect(loadConfig({ NODE_ENV: 'production', UNIROUTE_MASTER_KEY: masterKey, JWT_SECRET: jwtSecret }).startupWarnings).toEqual([]);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ UNIROUTE_MASTER_KEY: 'c2hvcnQ=' }, 'UNIROUTE_MASTER_KEY'],
    [{ UNIROUTE_MASTER_KEYS: `v2:${masterKey},v2:${masterKey}` }, 'UNIROUTE_MASTER_KEYS'],
    [{ UNIROUTE_MASTER_KEYS: 'garbage' }, 'UNIROUTE_MASTER_KEYS'],
    [{ UNIROUTE_MASTER_KEYS: `v0:${masterKey}` }, 'UNIROUTE_MASTER_KEYS'],
    [{ UNIROUTE_MASTER_KEYS: `v01:${masterKey}` }, 'UNIROUTE_MASTER_KEYS'],
    [{ UNIROUTE_MASTER_KEYS: `v1:${masterKey},v01:${masterKey}` }, 'UNIROUTE_MASTER_KEYS'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ OPENAI_BASE_URL: 'not a url' }, 'OPENAI_BASE_URL'],
    [{ ALLOW_SERVER_KEY_FALLBACK: 'maybe' }, 'ALLOW_SERVER_KEY_FALLBACK'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ REGISTRATION: 'anyone' }, 'REGISTRATION'],
    [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ PUBLIC_URL: 'ftp://example.com' }, 'PUBLIC_URL'],
    [{ PRINCIPAL_CACHE_TTL_SECONDS: '61' }, 'PRINCIPAL_CACHE_TTL_SECONDS'],
    [{ SERVER_KEY_RPM: '-1' }, 'SERVER_KEY_RPM'],
    [{ ALLOW_REQUEST_KEYS: 'sometimes' }, 'ALLOW_REQUEST_KEYS'],
    [{ AUDIT_RETENTION_DAYS: '0' }, 'AUDIT_RETENTION_DAYS'],
    [{ USAGE_RETENTION_DAYS: '0' }, 'USAGE_RETENTION_DAYS'],
    [{ USAGE_QUEUE_MAX: 'lots' }, 'USAGE_QUEUE_MAX'],
    [{ MAX_INFLIGHT_PER_USER: '0' }, 'MAX_INFLIGHT_PER_USER'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
  ])('stops on %j with one line naming %s', (env, variable) => {
    const attempt = () => loadConfig({ DATA_DIR: dataDir(), ...env });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
      expect(message).not.toContain('\n');
    }
  });

  it('reads the key ring, first entry current', () => {
    const other = randomBytes(32).toString('base64');
    const sut = loadConfig({ DATA_DIR: dataDir(), UNIROUTE_MASTER_KEYS: `v3:${other},v2:${masterKey}`, JWT_SECRET: jwtSecret });
    expect(sut.masterKeys.currentVersion).toBe(3);
    expect([...sut.masterKeys.keys.keys()]).toEqual([3, 2]);
  });

  it('defaults to invitation-only registration, no proxy trusted and a 60 s principal cache', () => {
    const sut = loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: jwtSecret, UNIROUTE_MASTER_KEY: masterKey });
    expect(sut.registration).toEqual({ mode: 'invite', maxPerIp: 10, windowSeconds: 3600 });
    expect(sut.trustProxy).toBe(false);
    expect(sut.principalCacheTtlSeconds).toBe(60);
    expect(sut.publicUrl).toBeUndefined();
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1,::1/128,loopback', ['10.0.0.0/8', '127.0.0.1', '::1/128', 'loopback']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: jwtSecret, UNIROUTE_MASTER_KEY: masterKey, TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('warns loudly when open registration can spend the server keys', () => {
    const base = { DATA_DIR: dataDir(), JWT_SECRET: jwtSecret, UNIROUTE_MASTER_KEY: masterKey, OPENAI_API_KEY: 'sk-server-test' };
    expect(loadConfig({ ...base, REGISTRATION: 'open' }).startupWarnings.join(' ')).toMatch(/REGISTRATION=open .*ANYONE/);
    expect(loadConfig({ ...base, REGISTRATION: 'open', ALLOW_SERVER_KEY_FALLBACK: 'false' }).startupWarnings).toEqual([]);
    expect(loadConfig({ ...base, REGISTRATION: 'invite' }).startupWarnings).toEqual([]);
  });
});
