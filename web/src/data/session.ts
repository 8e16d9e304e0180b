// Who is signed in to the map app. The session itself is the API's http-only cookie
// (yitu_session): the page never sees its secret, it only asks who it is and signs in or out.
import { SIGN_IN_MUTATION, SIGN_OUT_MUTATION, VIEWER_QUERY, type ResultOf } from '@yitu/schema';
import { request } from './graphql';
import { closeLiveEvents } from './live';

/** Who is signed in, as the API answers VIEWER_QUERY (roles and permissions from the schema). */
export type Viewer = NonNullable<ResultOf<typeof VIEWER_QUERY>['viewer']>;
export type Role = Viewer['role'];
export type Permission = Viewer['permissions'][number];

/** The signed-in viewer, or null for nobody (or a session that has ended). */
export async function fetchViewer(signal?: AbortSignal): Promise<Viewer | null> {
  return (await request(VIEWER_QUERY, {}, signal)).viewer;
}

/** Signs in (the API sets the cookie); a wrong name or password throws UNAUTHENTICATED. */
export async function signIn(username: string, password: string): Promise<Viewer> {
  return (await request(SIGN_IN_MUTATION, { username, password })).signIn.viewer;
}

export async function signOut(): Promise<void> {
  closeLiveEvents();
  await request(SIGN_OUT_MUTATION);
}

/** Whether the viewer's role holds a permission. */
export const can = (viewer: Viewer | null, permission: Permission): boolean =>
  !!viewer?.permissions.includes(permission);

/**
 * Whether a request refused for want of a session (started at `startedAt`, performance.now())
 * means this page's session ended. Not when it started before the last sign-in (the old
 * session's answer), nor once the person signed out themselves: requests and the live socket
 * still in flight then fail too, and the sign-in screen must not say the session expired.
 */
export function sessionLossCounts(startedAt: number, signedInAt: number, signedOutAt: number) {
  return startedAt >= signedInAt && signedOutAt < signedInAt;
}
