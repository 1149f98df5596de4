import { GatewayError } from '../gateway-error.js';

/**
 * The GatewayError that `action` throws, for assertions on its status, type and message. Anything else it throws
 * propagates, and an action that does not throw fails the test. Test-only (this folder is left out of the build).
 */
export function catchGatewayError(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, and nothing was thrown');
}
