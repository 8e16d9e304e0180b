import type { Database } from '../db';
import { ErrorCode, YituError } from '../errors';
import { writeAudit, type AuditEntry } from './audit';
import type { Permission } from './roles';
import { actorOf, type Viewer } from './viewer';

// One guard per request: the viewer, what this request was shown by private link, and the
// audit writer. policy.ts decides when to ask it; resolvers only call grant() and audit().

export class Guard {
  /** Tickets opened through their private follow link in this request (the resident's own). */
  // ticket → whether the link is the reporter's own (their name and phone), or a follower's (附议)
  private readonly granted = new Map<number, boolean>();
  /** Lines written inside a change's transaction: written again should it roll back. */
  private journal: AuditEntry[] | null = null;
  /** Root mutation fields run in this request (each writes its own line: audit.ts). */
  changes = 0;

  constructor(
    readonly viewer: Viewer,
    private database: Database,
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

  /** A private link opened the ticket: the reporter's own, or another resident's who follows it. */
  grant(ticketPk: number, asReporter = true): void {
    this.granted.set(ticketPk, asReporter || (this.granted.get(ticketPk) ?? false));
  }

  isGranted(ticketPk: number): boolean {
    return this.granted.has(ticketPk);
  }

  /** Whether the reporter's own link opened it: only they see their name and phone. */
  isReporter(ticketPk: number): boolean {
    return this.granted.get(ticketPk) === true;
  }

  /** Appends to the audit log; awaited, so a read of personal data is recorded before it is shown. */
  async audit(entry: AuditEntry): Promise<void> {
    await writeAudit(this.database, this.viewer, this.now(), entry);
    this.journal?.push(entry);
  }

  /** Until the returned function is called, lines go through tx; it returns those written. */
  writeThrough(tx: Database): () => AuditEntry[] {
    const outer = this.database;
    this.database = tx;
    this.journal = [];
    return () => {
      const written = this.journal ?? [];
      this.database = outer;
      this.journal = null;
      return written;
    };
  }
}

export const forbidden = (reason: string, message: string) =>
  new YituError(ErrorCode.FORBIDDEN, message, undefined, reason);
