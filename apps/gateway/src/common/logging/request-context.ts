import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The id of the request being handled, for every log line written while handling it. Set by the
 * HTTP hooks in `create-app.ts`; read by the logger's `mixin`. The store is the id string itself:
 * entering it allocates nothing.
 */
export const requestContext = new AsyncLocalStorage<string>();
