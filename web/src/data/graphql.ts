// One way to talk to the API: POST /graphql with plain fetch, errors kept with their codes so
// panels can say why something was refused (e.g. a resource at capacity). Results and variables
// are typed by the operation (see @yitu/schema).
import type { Operation } from '@yitu/schema';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Why the API wants a sign-in: the session's end, or no session at all. */
export type SignInReason = 'SESSION_EXPIRED' | 'SIGN_IN_REQUIRED';

type SignInListener = (reason: SignInReason, startedAt: number) => void;
const signInListeners = new Set<SignInListener>();

/**
 * Calls listener whenever a request is refused for want of a session (UNAUTHENTICATED with
 * SESSION_EXPIRED or SIGN_IN_REQUIRED; a wrong password is not one), with when that request
 * started (performance.now()). Returns the unsubscribe.
 */
export function onSignInRequired(listener: SignInListener): () => void {
  signInListeners.add(listener);
  return () => signInListeners.delete(listener);
}

/** Tell the app the session is gone though no request said so (the live socket was closed). */
export function sessionLost(reason: SignInReason): void {
  const at = performance.now();
  for (const listener of signInListeners) listener(reason, at);
}

/** The reason a sign-in is needed, if the error says so. */
export function signInReason(e: unknown): SignInReason | null {
  if (!(e instanceof ApiError) || e.code !== 'UNAUTHENTICATED') return null;
  const reason = e.extensions.reason;
  return reason === 'SESSION_EXPIRED' || reason === 'SIGN_IN_REQUIRED' ? reason : null;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Variables may be left out only when none is required (all optional: Partial changes nothing). */
type VariablesArg<V> =
  Partial<V> extends V
    ? [variables?: V, signal?: AbortSignal]
    : [variables: V, signal?: AbortSignal];

export async function request<Result, Variables>(
  query: Operation<Result, Variables>,
  ...[variables, signal]: VariablesArg<Variables>
): Promise<Result> {
  const startedAt = performance.now();
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables: variables ?? {} }),
    signal: signal ?? null,
  });
  // GraphQL errors can come with 200 or 4xx; read the body either way
  const body = (await res.json().catch(() => ({}))) as GraphQLResponse<Result>;
  const first = body.errors?.[0];
  if (first) {
    const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'ERROR';
    const error = new ApiError(first.message, code, first.extensions);
    const reason = signInReason(error);
    if (reason) for (const listener of signInListeners) listener(reason, startedAt);
    throw error;
  }
  if (!res.ok || !body.data) throw new ApiError(`/graphql: HTTP ${res.status}`, 'HTTP');
  return body.data;
}

/** Upload one photo (POST /uploads/photos) before the report that carries its key. */
export async function uploadPhoto(file: Blob): Promise<{ key: string; thumbnailUrl: string }> {
  const body = new FormData();
  body.append('photo', file);
  const res = await fetch('/uploads/photos', { method: 'POST', body });
  const json = (await res.json().catch(() => ({}))) as {
    key?: string;
    thumbnailUrl?: string;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (!res.ok || !json.key) {
    const error = json.errors?.[0];
    throw new ApiError(error?.message ?? `HTTP ${res.status}`, error?.extensions?.code ?? 'HTTP');
  }
  return { key: json.key, thumbnailUrl: json.thumbnailUrl ?? '' };
}

/** An error as staff should read it: the API's message and its code. */
export const describeError = (e: unknown): string =>
  e instanceof ApiError ? `${e.message}（${e.code}）` : e instanceof Error ? e.message : String(e);
