import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import { ErrorCode, YituError } from '../graphql/errors';
import type { Permission } from './roles';
import { actorOf, coversTicket, type Viewer } from './viewer';

// One guard per request: the viewer, what this request was shown by private link, and the
// audit writer. policy.ts decides when to ask it; resolvers only call grant() and audit().

export interface TicketPlace {
  communityPk: number | null;
  gridPk: number | null;
  level: string;
}

export interface AuditEntry {
  action: string;
  target?: string | null;
  result: string;
  details?: Record<string, unknown>;
}

export class Guard {
  /** Tickets opened through their private follow link in this request (the resident's own). */
  private readonly granted = new Set<number>();
  /** Ticket pks already judged for this viewer. */
  private readonly judged = new Map<number, boolean>();

  constructor(
    readonly viewer: Viewer,
    private readonly database: Database,
    private readonly now: () => Date,
  ) {}

  get actor(): string {
    return actorOf(this.viewer);
  }

  /** Refuses unless the viewer holds the permission: UNAUTHENTICATED when nobody signed in. */
  require(permission: Permission | 'signedIn', what: string): void {
    if (this.viewer.via === 'anonymous') throw this.unauthenticated(what);
    if (permission !== 'signedIn' && !this.viewer.permissions.has(permission))
      throw forbidden('NO_PERMISSION', `${what} needs the ${permission} permission`);
  }

  unauthenticated(what: string): YituError {
    return this.viewer.sessionExpired
      ? new YituError(
          ErrorCode.UNAUTHENTICATED,
          `your session has expired; sign in again to see ${what}`,
          undefined,
          'SESSION_EXPIRED',
        )
      : new YituError(
          ErrorCode.UNAUTHENTICATED,
          `sign in to see ${what}`,
          undefined,
          'SIGN_IN_REQUIRED',
        );
  }

  /** Forget judgements (with the loaders) after a mutation: a ticket may have moved. */
  forget(): void {
    this.judged.clear();
  }

  grant(ticketPk: number): void {
    this.granted.add(ticketPk);
  }

  isGranted(ticketPk: number): boolean {
    return this.granted.has(ticketPk);
  }

  /** Whether the viewer's jurisdiction holds this ticket (remembered for the request). */
  covers(ticketPk: number, place: TicketPlace): boolean {
    let ok = this.judged.get(ticketPk);
    if (ok === undefined) {
      ok = coversTicket(this.viewer.jurisdiction, place);
      this.judged.set(ticketPk, ok);
    }
    return ok;
  }

  /** A SQL condition keeping only the tickets (alias t) this viewer may see, for lists. */
  ticketScope(alias = 't') {
    const j = this.viewer.jurisdiction;
    const col = (c: string) => sql.raw(`${alias}.${c}`);
    if (!this.viewer.permissions.has('tickets:read')) return sql`false`;
    const place = j.all
      ? sql`true`
      : sql`(${col('community_id')} = ANY(${`{${j.communityPks.join(',')}}`}::int[])
          OR ${col('grid_id')} = ANY(${`{${j.gridPks.join(',')}}`}::int[]))`;
    return j.departmentOnly ? sql`(${place} AND ${col('level')} = 'DEPARTMENT')` : place;
  }

  /** Appends to the audit log; awaited, so a read of personal data is recorded before it is shown. */
  async audit(entry: AuditEntry): Promise<void> {
    await this.database.rows(sql`
      INSERT INTO audit_log (at, account_id, actor, action, target, result, details)
      VALUES (${this.now().toISOString()}, ${this.viewer.account?.pk ?? null}, ${this.actor},
        ${entry.action}, ${entry.target ?? null}, ${entry.result},
        ${entry.details ? JSON.stringify(entry.details) : null}::jsonb)`);
  }
}

export const forbidden = (reason: string, message: string) =>
  new YituError(ErrorCode.FORBIDDEN, message, undefined, reason);
