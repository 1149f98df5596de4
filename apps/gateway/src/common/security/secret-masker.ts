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
  /** The server keys as bytes, encoded once: `Buffer#includes(string)` would encode its argument on every call. */
  private readonly serverKeyBytes: readonly Buffer[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.serverKeys = serverKeysOf(config);
    this.serverKeyBytes = this.serverKeys.filter((secret) => secret.length > 0).map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** `text` safe to relay or log; `credential` is the key the request went upstream with. */
  mask(text: string, credential?: string): string {
    return maskSecrets(text, credential ? [credential, ...this.serverKeys] : this.serverKeys);
  }

  /**
   * A body relayed byte for byte, read whole, with the exact secrets masked: the same buffer, uncopied, when it
   * holds none (a search per secret, no decoding). Streams use `streamMasker`, which also sees a secret split
   * across two chunks.
   */
  maskBytes(chunk: Buffer, credential?: string): Buffer {
    return this.maskBytesFor(chunk, credential, credential ? Buffer.from(credential, 'utf8') : undefined);
  }

  /** `maskBytes` with the credential's bytes already encoded (a stream encodes them once, not per chunk). */
  private maskBytesFor(chunk: Buffer, credential: string | undefined, credentialBytes: Buffer | undefined): Buffer {
    const holdsSecret = (credentialBytes !== undefined && credentialBytes.length > 0 && chunk.includes(credentialBytes)) || this.serverKeyBytes.some((secret) => chunk.includes(secret));
    if (!holdsSecret) return chunk;
    return Buffer.from(maskSecrets(chunk.toString('utf8'), this.secretsFor(credential)), 'utf8');
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

  /**
   * For a stream relayed chunk by chunk: each chunk masked as `maskBytes` does, except that the bytes at its end
   * which could be the start of a secret are held back and masked with the next chunk — so a secret that the
   * upstream's writes (or TCP) happen to cut in two is masked all the same. Almost every chunk of an event stream
   * ends in a blank line and is passed on whole, at once; `end()` returns what is still held.
   */
  streamMasker(credential?: string): StreamSecretMasker {
    const credentialBytes = credential ? Buffer.from(credential, 'utf8') : undefined;
    return new StreamSecretMasker(this.secretsFor(credential), (bytes) => this.maskBytesFor(bytes, credential, credentialBytes));
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

const NOTHING = Buffer.alloc(0);

/** One relayed stream's masking state (see `SecretMasker.streamMasker`). */
export class StreamSecretMasker {
  private readonly secrets: readonly Buffer[];
  private held: Buffer = NOTHING;

  constructor(
    secrets: readonly string[],
    private readonly maskWhole: (bytes: Buffer) => Buffer,
  ) {
    this.secrets = secrets.filter((secret) => secret.length > 1).map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** The bytes of `chunk` (after anything held from the previous one) that can be written now, masked. */
  push(chunk: Buffer): Buffer {
    const bytes = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const masked = this.maskWhole(bytes);
    const keep = this.startOfSecretAtEnd(masked);
    this.held = keep > 0 ? Buffer.from(masked.subarray(masked.length - keep)) : NOTHING;
    return keep > 0 ? masked.subarray(0, masked.length - keep) : masked;
  }

  /** What is still held back when the stream ends (a secret's first bytes are not the secret). */
  end(): Buffer {
    const rest = this.held;
    this.held = NOTHING;
    return rest;
  }

  /** The length of the longest end of `bytes` that is the beginning (not the whole) of a secret; 0 if none. */
  private startOfSecretAtEnd(bytes: Buffer): number {
    let longest = 0;
    for (const secret of this.secrets) {
      const window = Math.min(secret.length - 1, bytes.length);
      // Only where the secret's first byte occurs can it start: a few candidates per chunk, not a comparison per offset.
      for (let at = bytes.indexOf(secret[0]!, bytes.length - window); at !== -1; at = bytes.indexOf(secret[0]!, at + 1)) {
        const length = bytes.length - at;
        if (length <= longest) break;
        if (bytes.compare(secret, 0, length, at) === 0) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
