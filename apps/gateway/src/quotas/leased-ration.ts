import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { UNAVAILABLE_RETRY_AFTER_SECONDS, rationWindow, secondsUntilNextWindow, type RationCounter, type RationDecision } from './ration-window.js';

/** How often leases are topped up in the background (≤ 1 s, §12). */
export const LEASE_SYNC_INTERVAL_MS = 250;
/** A replica holds at most this share of a user's minute unused: it bounds how far below the limit a user can be refused. */
const MAX_LEASE_SHARE = 0.05;
const CLEANUP_EVERY_MS = 60_000;
/** A user seen this recently gets a lease for the next minute as it starts, so their first request of it need not wait. */
const CARRY_OVER_MS = 5_000;
/** How many claims one request waits for before it is refused: a bound on its wait when the table cannot keep up. */
const MAX_CLAIMS_PER_REQUEST = 3;

/** One user's lease on this replica for one minute. */
interface Lease {
  readonly window: number;
  /** Granted to this replica and not used yet. */
  tokens: number;
  /** Used since the last background top-up: how much to ask for next. */
  usedSinceSync: number;
  /** The replicas together were granted the whole minute: refuse without asking again. */
  exhausted: boolean;
  /** Requests waiting for the next claim (a cold user, or one who used the lease up). */
  waiting: number;
  lastUsedAt: number;
}

interface Claim {
  readonly userId: string;
  readonly window: number;
  readonly want: number;
}

/**
 * Server-key rationing across replicas without Redis: leases from one shared table. A request takes a token
 * from its replica's local lease (no database); the background loop tops up the leases of active users in one
 * batched statement every 250 ms. A request that finds no token (the user's first this minute here, or a burst)
 * joins the next claim. The table only grants up to the limit, so the replicas together never admit more than
 * the limit; they admit less only by the tokens a replica holds unused when the user's minute runs out
 * elsewhere, at most 5 % of the limit per replica.
 */
export class LeasedRation implements RationCounter {
  private readonly leases = new Map<string, Lease>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private nextClaim: Promise<void> | undefined;
  private lastCleanup = 0;
  /** The last claim statement failed (the table did not answer): waiting requests are refused as `unavailable`. */
  private claimFailed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly limit: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.sync().catch(() => undefined), LEASE_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async take(userId: string): Promise<RationDecision> {
    // A request that finds no token waits for the next claim and looks again, up to three claims: the minute may have
    // turned during a claim (what it granted was for a minute that has ended, and refusing then would refuse a user who
    // has used nothing of their new minute), or another request may have taken the token first. Only a lease the table
    // has granted the whole minute refuses at once.
    for (let claims = 0; ; claims += 1) {
      const lease = this.leaseOf(userId);
      if (this.takeToken(lease)) return { allowed: true };
      if (lease.exhausted || claims === MAX_CLAIMS_PER_REQUEST) return { allowed: false, retryAfterSeconds: secondsUntilNextWindow() };
      lease.waiting += 1;
      try {
        await this.claimSoon();
      } finally {
        lease.waiting -= 1;
      }
      if (this.claimFailed && !this.takeToken(lease)) return { allowed: false, retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, unavailable: true };
    }
  }

  private leaseOf(userId: string): Lease {
    const window = rationWindow();
    let lease = this.leases.get(userId);
    if (!lease || lease.window !== window) {
      lease = { window, tokens: 0, usedSinceSync: 0, exhausted: false, waiting: 0, lastUsedAt: Date.now() };
      this.leases.set(userId, lease);
    }
    lease.lastUsedAt = Date.now();
    return lease;
  }

  private takeToken(lease: Lease): boolean {
    if (lease.tokens <= 0) return false;
    lease.tokens -= 1;
    lease.usedSinceSync += 1;
    return true;
  }

  /** Runs a claim as soon as the one under way (if any) is done; every waiter of that moment shares it. */
  private claimSoon(): Promise<void> {
    if (!this.inFlight) return this.sync();
    this.nextClaim ??= this.inFlight.then(
      () => this.sync(),
      () => this.sync(),
    );
    return this.nextClaim;
  }

  /** One background round: claim for waiters and top up active users, in one statement. */
  sync(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.nextClaim = undefined;
    const round = this.claimAll().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = round;
    return round;
  }

  private async claimAll(): Promise<void> {
    const window = rationWindow();
    const maxLease = Math.max(1, Math.ceil(this.limit * MAX_LEASE_SHARE));
    const claims: Claim[] = [];
    const now = Date.now();
    for (const [userId, old] of this.leases) {
      let lease = old;
      // A new minute's lease starts with no waiters, but those waiting on the ended minute's lease ask it next.
      const waiting = old.waiting;
      if (lease.window !== window) {
        if (now - lease.lastUsedAt > CARRY_OVER_MS) {
          this.leases.delete(userId);
          continue;
        }
        lease = { window, tokens: 0, usedSinceSync: Math.max(1, lease.usedSinceSync), exhausted: false, waiting: 0, lastUsedAt: lease.lastUsedAt };
        this.leases.set(userId, lease);
      }
      if (lease.exhausted) continue;
      // Waiters need one each; an active user gets what they used last round (up to the cap) ready in advance.
      const want = Math.max(waiting, Math.min(maxLease, lease.usedSinceSync)) - lease.tokens;
      lease.usedSinceSync = 0;
      if (want > 0) claims.push({ userId, window, want: Math.min(want, this.limit) });
      else if (waiting === 0 && lease.tokens === 0) this.leases.delete(userId);
    }
    // In one order on every replica: two replicas upserting the same users' rows in opposite orders can deadlock.
    if (claims.length > 0) await this.claim(claims.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)));
    // Not awaited: the waiters wake as soon as their tokens are granted. Were the round to wait for this round trip too,
    // the user's next request arriving meanwhile would take the token claimed for a waiter, which then found none.
    void this.cleanUp();
  }

  private async claim(claims: readonly Claim[]): Promise<void> {
    let rows: Array<{ user_id: string; window_minute: string; last_grant: number; granted: number }>;
    try {
      rows = await this.dataSource.query(
        `INSERT INTO server_key_rations AS ration (user_id, window_minute, granted, last_grant)
           SELECT claim.user_id, claim.window_minute, LEAST(claim.want, $4), LEAST(claim.want, $4)
             FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS claim(user_id, window_minute, want)
         ON CONFLICT (user_id, window_minute) DO UPDATE SET
           granted = ration.granted + GREATEST(0, LEAST(EXCLUDED.last_grant, $4 - ration.granted)),
           last_grant = GREATEST(0, LEAST(EXCLUDED.last_grant, $4 - ration.granted))
         RETURNING user_id, window_minute, last_grant, granted`,
        [claims.map((claim) => claim.userId), claims.map((claim) => claim.window), claims.map((claim) => claim.want), this.limit],
      );
    } catch (error) {
      this.claimFailed = true;
      this.logger.warn({ err: error }, 'server-key ration: claiming leases failed; waiting requests are refused (503) until it works');
      return;
    }
    this.claimFailed = false;
    for (const row of rows) {
      const lease = this.leases.get(row.user_id);
      if (!lease || lease.window !== Number(row.window_minute)) continue;
      lease.tokens += row.last_grant;
      // Nothing left to claim this minute: what this replica holds is all it gets.
      if (row.granted >= this.limit) lease.exhausted = true;
    }
  }

  private async cleanUp(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    await this.dataSource.query('DELETE FROM server_key_rations WHERE window_minute < $1', [rationWindow(now) - 2]).catch(() => undefined);
  }
}
