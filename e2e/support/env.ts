/**
 * What `global-setup.ts` started, handed to the tests through environment variables
 * (Playwright's workers inherit the runner's `process.env`).
 */
export interface E2EEnvironment {
  /** The gateway, serving the SPA, `/auth`, `/admin` and `/v1`. */
  readonly baseUrl: string;
  /** The provider stand-ins' origin (control API under `/__stand-ins`). */
  readonly standInsUrl: string;
  /** The account `auth.setup.ts` registers through the page. */
  readonly userEmail: string;
  readonly userPassword: string;
}

export const ENV_NAMES = {
  baseUrl: 'E2E_BASE_URL',
  standInsUrl: 'E2E_STAND_INS_URL',
  userEmail: 'E2E_USER_EMAIL',
  userPassword: 'E2E_USER_PASSWORD',
} as const satisfies Record<keyof E2EEnvironment, string>;

export function e2eEnvironment(): E2EEnvironment {
  return {
    baseUrl: required(ENV_NAMES.baseUrl),
    standInsUrl: required(ENV_NAMES.standInsUrl),
    userEmail: required(ENV_NAMES.userEmail),
    userPassword: required(ENV_NAMES.userPassword),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with the root playwright.config.ts, whose globalSetup sets it`);
  return value;
}
