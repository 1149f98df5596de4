import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../errors/gateway-error.js';
import { APP_CONFIG, serverKeysOf, type AppConfig } from '../../config/app-config.js';
import { maskSecrets } from './mask-secrets.js';

/**
 * Masks what an upstream sends back before anyone sees it (§12): the exact credential the request
 * used and every server key, whatever they look like, then anything key-like. A provider-compatible
 * proxy that echoes `canary-…` or a deployment token is caught as surely as one echoing `sk-…`.
 */
@Injectable()
export class SecretMasker {
  private readonly serverKeys: readonly string[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.serverKeys = serverKeysOf(config);
  }

  /** `text` safe to relay or log; `credential` is the key the request went upstream with. */
  mask(text: string, credential?: string): string {
    return maskSecrets(text, credential ? [credential, ...this.serverKeys] : this.serverKeys);
  }

  /**
   * A chunk relayed byte for byte (a pass-through stream or body) with the exact secrets masked: the same
   * buffer, uncopied, when it holds none (a search per secret, no decoding). A secret split across two chunks
   * is not seen; upstream error bodies, which are read whole, are masked completely by `mask`.
   */
  maskBytes(chunk: Buffer, credential?: string): Buffer {
    const secrets = credential ? [credential, ...this.serverKeys] : this.serverKeys;
    if (!secrets.some((secret) => secret.length > 0 && chunk.includes(secret))) return chunk;
    return Buffer.from(maskSecrets(chunk.toString('utf8'), secrets), 'utf8');
  }

  /**
   * Text the gateway wrote from an upstream answer (a translated completion or stream events) with the exact
   * secrets masked: `maskBytes`' rule for strings — the same string, unscanned by the patterns, when it holds none.
   */
  maskText(text: string, credential?: string): string {
    const secrets = credential ? [credential, ...this.serverKeys] : this.serverKeys;
    if (!secrets.some((secret) => secret.length > 0 && text.includes(secret))) return text;
    return maskSecrets(text, secrets);
  }

  /** Every exact secret a request's texts are masked for: `credential` (the key it used) and the server keys. */
  secretsFor(credential?: string): readonly string[] {
    return credential ? [credential, ...this.serverKeys] : this.serverKeys;
  }

  /**
   * The same error with its message masked, and its cause reduced to a masked message: a cause may quote the
   * upstream body (a parse error, a transport error's text) and ends up in the logs of 5xx answers.
   */
  maskError(error: GatewayError, credential?: string): GatewayError {
    const cause = error.cause === undefined ? undefined : maskedCause(error.cause, (text) => this.mask(text, credential));
    return new GatewayError(error.code, this.mask(error.message, credential), {
      status: error.status,
      param: error.param ?? undefined,
      headers: error.headers,
      cause,
    });
  }
}

function maskedCause(cause: unknown, mask: (text: string) => string): Error {
  if (cause instanceof Error) {
    const masked = new Error(mask(cause.message));
    masked.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(masked, { code });
    return masked;
  }
  return new Error(mask(typeof cause === 'string' ? cause : 'upstream failure'));
}
