import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AUDIT_PAGE_DEFAULT_LIMIT, type AuditAction, type AuditDetail, type AuditEventView, type AuditOutcome, type AuditPage, type ProviderId } from '@uniroute/shared';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { storableText } from '../common/http/unstorable-text.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { RequestOrigin } from './request-origin.js';

/** One thing that happened, as the code where it happened describes it. */
export interface AuditEvent {
  /** Who did it; for health changes, whose key it is. The email is looked up when the event is written if not given. */
  readonly actor: { readonly id: string; readonly email?: string };
  readonly action: AuditAction;
  readonly provider?: ProviderId;
  readonly teamId?: string;
  /** Default `success`. */
  readonly outcome?: AuditOutcome;
  /** Absent for what live traffic triggers (a health change): no management request to name. */
  readonly origin?: RequestOrigin;
  /** Secret-free facts only: states, statuses, policy names, last 4 characters. */
  readonly detail?: AuditDetail;
}

/** The queue holds at most this many events; past it new ones are dropped (and counted in a warning), never blocking a request. */
const MAX_QUEUED_EVENTS = 10_000;
const FLUSH_INTERVAL_MS = 1_000;
const FLUSH_BATCH = 500;
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** `audit_events` column widths (migration 1733700000001). */
const IP_COLUMN_LENGTH = 64;
const USER_AGENT_COLUMN_LENGTH = 512;
const EMAIL_COLUMN_LENGTH = 320;

interface QueuedEvent {
  at: string;
  actor_id: string;
  actor_email: string | null;
  team_id: string | null;
  action: AuditAction;
  provider: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  user_agent: string | null;
  detail: AuditDetail;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string;
  actor_email: string | null;
  team_id: string | null;
  action: AuditAction;
  provider: ProviderId | null;
  outcome: AuditOutcome;
  ip: string | null;
  user_agent: string | null;
  detail: AuditDetail;
}

/**
 * The audit log (§8). `record` only queues: events are written in batches every second off the
 * request path, so auditing never slows or fails what it records. Reads are one SQL query per page.
 * Rows older than `AUDIT_RETENTION_DAYS` are deleted hourly.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private queue: QueuedEvent[] = [];
  private dropped = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Queues one event; never throws and never waits. */
  record(event: AuditEvent): void {
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      this.dropped += 1;
      return;
    }
    this.queue.push({
      at: new Date().toISOString(),
      actor_id: event.actor.id,
      actor_email: clip(event.actor.email, EMAIL_COLUMN_LENGTH),
      team_id: event.teamId ?? null,
      action: event.action,
      provider: event.provider ?? null,
      outcome: event.outcome ?? 'success',
      // Cut to their columns here, at the batch's door: one over-long value fails the INSERT of the whole batch,
      // every other account's events with it. `ip` is `request.ip`, which is any text X-Forwarded-For carried when
      // TRUST_PROXY believes it (`true`, or more hops than there are proxies): a 100-character "address" sent
      // with one failed login or one new API key lost the up to 499 other events of its batch.
      ip: clip(event.origin?.ip, IP_COLUMN_LENGTH),
      user_agent: clip(event.origin?.userAgent, USER_AGENT_COLUMN_LENGTH),
      detail: event.detail ?? {},
    });
    if (this.queue.length >= FLUSH_BATCH) void this.flush();
  }

  /**
   * Newest first: the caller's own events and (§8, §9) every event of the teams they administer now (owner or
   * admin; a member sees only their own, a removed admin no longer sees the team's). `before` is the last id of
   * the previous page.
   */
  async list(userId: string, limit = AUDIT_PAGE_DEFAULT_LIMIT, before?: string): Promise<AuditPage> {
    // What this replica still holds in its queue is part of the caller's history already.
    await this.flush();
    const visible = `(actor_id = $1 OR team_id IN (SELECT team_id FROM team_members WHERE user_id = $1 AND role IN ('owner', 'admin')))`;
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT id, at, actor_id, actor_email, team_id, action, provider, outcome, ip, user_agent, detail
         FROM audit_events
        WHERE ${visible}
          AND ($3::uuid IS NULL OR (at, seq) < (SELECT at, seq FROM audit_events WHERE id = $3::uuid AND ${visible}))
        ORDER BY at DESC, seq DESC
        LIMIT $2`,
      [userId, limit + 1, before ?? null],
    );
    const page = rows.slice(0, limit);
    return { events: page.map(toView), next: rows.length > limit ? page.at(-1)!.id : null };
  }

  /** Writes everything queued so far. Serialised: a slow flush never overlaps the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  /** Deletes events older than `AUDIT_RETENTION_DAYS`; returns how many. */
  async purgeExpired(): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM audit_events WHERE at < now() - make_interval(days => $1)`, [
      this.config.auditRetentionDays,
    ]);
    return result[1] ?? 0;
  }

  onApplicationBootstrap(): void {
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
    const purge = () => this.purgeExpired().catch((error: unknown) => this.logger.warn({ err: error }, 'audit: could not delete expired events'));
    this.retentionTimer = setInterval(() => void purge(), RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
    void purge();
  }

  /** Before the database closes: nothing recorded is lost on a clean shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    await this.flush();
  }

  private async writeQueued(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn({ dropped: this.dropped }, 'audit: queue full; events dropped');
      this.dropped = 0;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, FLUSH_BATCH);
      try {
        // One statement per batch; the actor's email is filled from `users` when the emitter did not know it.
        await this.dataSource.query(
          `INSERT INTO audit_events (at, actor_id, actor_email, team_id, action, provider, outcome, ip, user_agent, detail)
           SELECT event.at, event.actor_id, COALESCE(event.actor_email, users.email), event.team_id, event.action, event.provider,
                  event.outcome, event.ip, event.user_agent, COALESCE(event.detail, '{}'::jsonb)
             FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (at timestamptz, actor_id uuid, actor_email text, team_id uuid, action text,
                  provider text, outcome text, ip text, user_agent text, detail jsonb))
                  WITH ORDINALITY AS event(at, actor_id, actor_email, team_id, action, provider, outcome, ip, user_agent, detail, position)
             LEFT JOIN users ON users.id = event.actor_id
            ORDER BY event.position`,
          [JSON.stringify(batch)],
        );
      } catch (error) {
        // Not the whole error: a driver error carries the statement's parameters (emails, IPs, user agents).
        this.logger.warn({ reason: error instanceof Error ? error.message : String(error), count: batch.length }, 'audit: could not write events');
      }
    }
  }
}

/** `text` made storable and cut to `length` characters (null stays null). */
function clip(text: string | null | undefined, length: number): string | null {
  if (text === null || text === undefined) return null;
  return storableText(Array.from(text).slice(0, length).join(''));
}

function toView(row: AuditRow): AuditEventView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: { id: row.actor_id, email: row.actor_email ?? '' },
    action: row.action,
    ...(row.provider ? { provider: row.provider } : {}),
    ...(row.team_id ? { teamId: row.team_id } : {}),
    outcome: row.outcome,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: row.detail ?? {},
  };
}
