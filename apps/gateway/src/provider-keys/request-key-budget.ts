import { Injectable } from '@nestjs/common';
import type { ProviderId } from '@uniroute/shared';
import { LRUCache } from 'lru-cache';
import { CryptoService } from '../crypto/crypto.service.js';
import { ProviderKeysService } from './provider-keys.service.js';

/** Keys a provider accepted, remembered per user and provider: bounded, and for an hour (the budget's window). */
const GOOD_KEYS_MAX = 10_000;
const GOOD_KEY_TTL_MS = 60 * 60 * 1000;

/**
 * What a hold lasts for: it ends when this closes. A gateway response (its last byte, an error, the client gone), or
 * an internal call such as a model list fetched for `/v1/models` (see ModelsService).
 */
export interface HeldResponse {
  once(event: 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
}

/** A request's per-request key on the key-test budget: told what the provider answered. */
export interface RequestKeyHold {
  /** The provider's status, as the adapter reads it (Gemini's `API_KEY_INVALID` 400 is a 401). */
  answered(status: number): Promise<void>;
}

/** One key test counted for one key, shared by every request carrying that key until the last one's response closes. */
interface Reservation {
  readonly taken: Promise<() => Promise<void>>;
  holders: number;
  /** `open` until the provider refuses the key (the test is spent) or it is given back (accepted, or never refused). */
  state: 'open' | 'refused' | 'given-back';
}

/**
 * `x-uniroute-provider-key` and PROVIDER_KEY_TESTS_PER_HOUR (§8, §12): a request with a key not known to be good counts
 * one key test before it goes upstream, and gives it back unless the provider refused the key (401/403). So requests sent
 * at once cannot probe more candidate keys together than the budget allows. Requests carrying the same key at the same
 * time share one test (the provider learns nothing new from the second), and a key the provider accepted skips the budget
 * for an hour, so a user's bursts with their own key are never throttled by it. Keys are told apart by their HMAC
 * fingerprint with the user and provider (per replica, in memory): the plaintext key is held by no map.
 */
@Injectable()
export class RequestKeyBudget {
  private readonly goodKeys = new LRUCache<string, true>({ max: GOOD_KEYS_MAX, ttl: GOOD_KEY_TTL_MS });
  private readonly reservations = new Map<string, Reservation>();

  constructor(
    private readonly providerKeys: ProviderKeysService,
    private readonly crypto: CryptoService,
  ) {}

  /** Holds `apiKey` on `userId`'s budget until `response` closes, or throws the key-test 429 when the budget is spent. */
  async hold(userId: string, provider: ProviderId, apiKey: string, response: HeldResponse): Promise<RequestKeyHold> {
    const id = `${userId}:${provider}:${this.crypto.fingerprintProviderKey(apiKey)}`;
    if (this.goodKeys.has(id)) return { answered: (status) => this.answered(userId, id, status, undefined) };
    let reservation = this.reservations.get(id);
    // A reservation given back was for a key the provider accepted; it is no longer known good (refused since): a new test.
    if (!reservation || reservation.state === 'given-back') {
      reservation = { taken: this.providerKeys.reserveRequestKeyTest(userId), holders: 0, state: 'open' };
      this.reservations.set(id, reservation);
    }
    const held = reservation;
    held.holders += 1;
    try {
      await held.taken;
    } catch (error) {
      this.release(id, held);
      throw error;
    }
    if (response.destroyed || response.writableFinished) queueMicrotask(() => this.release(id, held));
    else response.once('close', () => this.release(id, held));
    return { answered: (status) => this.answered(userId, id, status, held) };
  }

  private async answered(userId: string, id: string, status: number, reservation: Reservation | undefined): Promise<void> {
    if (status === 401 || status === 403) {
      if (reservation?.state === 'open') reservation.state = 'refused';
      // A key that was good (not counted before its call): forgotten and counted now, once for requests sent together.
      else if (reservation === undefined || reservation.state === 'given-back') {
        if (this.goodKeys.delete(id)) await this.providerKeys.countRefusedRequestKey(userId);
      }
      return;
    }
    if (status < 200 || status >= 300) return;
    this.goodKeys.set(id, true);
    // Accepted: no test spent, given back now rather than when a long stream ends.
    if (reservation?.state === 'open') this.giveBack(reservation);
  }

  private release(id: string, reservation: Reservation): void {
    reservation.holders -= 1;
    if (reservation.holders > 0) return;
    if (this.reservations.get(id) === reservation) this.reservations.delete(id);
    // Never refused: a transport error, a 429 or 5xx, the client gone before an answer.
    if (reservation.state === 'open') this.giveBack(reservation);
  }

  private giveBack(reservation: Reservation): void {
    reservation.state = 'given-back';
    // Refused by the budget itself: nothing was taken (reserveRequestKeyTest gave it back already).
    reservation.taken.then((refund) => refund(), () => undefined);
  }
}
