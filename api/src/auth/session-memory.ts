import { hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db';
import { SESSION_COOKIE } from './credentials';
import { authenticate, readCookie } from './http';
import type { Viewer } from './viewer';

// A session's viewer, remembered for a few seconds by a hash of its secret, so a map's requests
// (tiles, /graphql) do not each look the session up. Never anonymous callers or API tokens
// (tokens are counted against their rate and audited on every request). Dropped at once when
// the session ends: signed out here (forgetSecret) or through any process (the NOTIFY on
// yitu_credentials that also closes live sockets, app.ts), and never kept past its expiry.

const SESSION_MEMORY_MS = 10_000;
const SESSION_MEMORY_SIZE = 10_000;

export class SessionMemory {
  private readonly viewers = new Map<string, { viewer: Viewer; until: number }>();

  private static keyOf(secret: string) {
    return hash('sha256', secret, 'base64url');
  }

  get(secret: string, nowMs: number): Viewer | undefined {
    const key = SessionMemory.keyOf(secret);
    const held = this.viewers.get(key);
    if (!held) return undefined;
    if (held.until <= nowMs) {
      this.viewers.delete(key);
      return undefined;
    }
    return held.viewer;
  }

  set(secret: string, viewer: Viewer, nowMs: number) {
    if (this.viewers.size >= SESSION_MEMORY_SIZE) this.viewers.clear();
    const expires = viewer.expiresAt?.getTime() ?? Infinity;
    this.viewers.set(SessionMemory.keyOf(secret), {
      viewer,
      until: Math.min(nowMs + SESSION_MEMORY_MS, expires),
    });
  }

  forget(credentialPk: number) {
    for (const [key, held] of this.viewers)
      if (held.viewer.credentialPk === credentialPk) this.viewers.delete(key);
  }

  forgetSecret(secret: string) {
    this.viewers.delete(SessionMemory.keyOf(secret));
  }

  /** The viewer of a session cookie remembered here, or undefined (then `authenticate`). */
  remembered(headers: IncomingHttpHeaders, at: Date): Viewer | undefined {
    if (headers.authorization) return undefined;
    const secret = readCookie(headers.cookie, SESSION_COOKIE);
    return secret ? this.get(secret, at.getTime()) : undefined;
  }

  /** `authenticate` (auth/http.ts), a remembered session's viewer without the look-up. */
  async authenticate(
    database: Database,
    headers: IncomingHttpHeaders,
    at: Date,
    request: string,
  ): Promise<{ viewer: Viewer; sessionSecret: string | null }> {
    const secret = headers.authorization ? null : readCookie(headers.cookie, SESSION_COOKIE);
    if (secret) {
      const known = this.get(secret, at.getTime());
      if (known) return { viewer: known, sessionSecret: secret };
    }
    const found = await authenticate(database, headers, at, request);
    if (secret && found.viewer.via === 'session') this.set(secret, found.viewer, at.getTime());
    return found;
  }
}
