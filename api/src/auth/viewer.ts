import type { TicketStep } from '../modules/ticket/ticket-machine';
import type { Permission, Role } from './roles';

export interface Account {
  pk: number;
  username: string;
  displayName: string;
  role: Role;
  regionPk: number | null;
  gridPk: number | null;
  /** RESOURCE accounts: the resource they work for. */
  resourcePk?: number | null;
}

/**
 * Which tickets a viewer may see: those of its communities or grids, or all of them. A
 * department sees only what was sent on to departments (level DEPARTMENT).
 */
export interface Jurisdiction {
  all: boolean;
  communityPks: readonly number[];
  gridPks: readonly number[];
  departmentOnly: boolean;
}

/** Who is asking: fixed for the whole request, built by authenticate() from its credentials. */
export interface Viewer {
  via: 'anonymous' | 'session' | 'token';
  account: Account | null;
  credentialPk: number | null;
  /** An API token's label. */
  tokenName: string | null;
  expiresAt: Date | null;
  permissions: ReadonlySet<Permission>;
  actions: ReadonlySet<TicketStep>;
  /** Introspection and field suggestions (sessions, and tokens given the scope). */
  introspection: boolean;
  jurisdiction: Jurisdiction;
  /** Anonymous because the session cookie had expired: protected fields say so. */
  sessionExpired: boolean;
}

const NOWHERE: Jurisdiction = { all: false, communityPks: [], gridPks: [], departmentOnly: false };

export const anonymousViewer = (sessionExpired = false): Viewer => ({
  via: 'anonymous',
  account: null,
  credentialPk: null,
  tokenName: null,
  expiresAt: null,
  permissions: new Set(),
  actions: new Set(),
  introspection: false,
  jurisdiction: NOWHERE,
  sessionExpired,
});

/** How the viewer is named in ticket events and the audit log. */
export function actorOf(viewer: Viewer): string {
  if (viewer.via === 'token') return `token:${viewer.tokenName ?? viewer.credentialPk}`;
  if (viewer.account) return `account:${viewer.account.username}`;
  return 'anonymous';
}

/** The person behind the credential (a token acts for its account): who handled a ticket. */
export function personOf(viewer: Viewer): string {
  return viewer.account ? `account:${viewer.account.username}` : actorOf(viewer);
}
