// Who is signed in to the map app. The session itself is the API's http-only cookie
// (yitu_session): the page never sees its secret, it only asks who it is and signs in or out.
import { SIGN_IN_MUTATION, SIGN_OUT_MUTATION, VIEWER_QUERY } from '@yitu/schema';
import { request } from './graphql';
import { closeLiveEvents } from './live';

export type Role = 'GRID_WORKER' | 'COMMUNITY_STAFF' | 'STREET_STAFF' | 'DEPARTMENT' | 'ADMIN';

export type Permission =
  | 'PLACES_READ'
  | 'TICKETS_READ'
  | 'TICKETS_CLASSIFY'
  | 'TICKETS_DISPATCH'
  | 'TICKETS_ANSWER'
  | 'PERSONAL_REVEAL'
  | 'HOUSEHOLDS_READ'
  | 'AUDIT_READ'
  | 'TOKENS_MANAGE';

export interface Viewer {
  username: string;
  displayName: string;
  role: Role;
  jurisdictionName: string;
  jurisdictionId: string | null;
  permissions: Permission[];
  actions: string[];
  expiresAt: string | null;
}

/** The signed-in viewer, or null for nobody (or a session that has ended). */
export async function fetchViewer(signal?: AbortSignal): Promise<Viewer | null> {
  return (await request<{ viewer: Viewer | null }>(VIEWER_QUERY, {}, signal)).viewer;
}

/** Signs in (the API sets the cookie); a wrong name or password throws UNAUTHENTICATED. */
export async function signIn(username: string, password: string): Promise<Viewer> {
  const d = await request<{ signIn: { viewer: Viewer } }>(SIGN_IN_MUTATION, {
    username,
    password,
  });
  return d.signIn.viewer;
}

export async function signOut(): Promise<void> {
  closeLiveEvents();
  await request(SIGN_OUT_MUTATION);
}

/** Whether the viewer's role holds a permission. */
export const can = (viewer: Viewer | null, permission: Permission): boolean =>
  !!viewer?.permissions.includes(permission);
