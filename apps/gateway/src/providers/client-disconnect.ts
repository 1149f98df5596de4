import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Aborts an upstream request when our own client goes away before its response is finished
 * (CONTRACT §5). It is the `signal` handed to undici, which takes an EventEmitter as well as an
 * AbortSignal: an AbortSignal's EventTarget listeners cost undici about 15 µs more per request,
 * measured on the gateway's hot path, for the same effect.
 */
export class ClientDisconnect extends EventEmitter {
  aborted = false;
  private readonly onClose = () => {
    if (!this.response.writableFinished) this.abort();
  };

  constructor(private readonly response: ServerResponse) {
    super();
    response.once('close', this.onClose);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }

  /** Stops watching the response (call once the exchange is over). */
  dispose(): void {
    this.response.off('close', this.onClose);
  }
}
