import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, onSignInRequired, request, signInReason } from './graphql';

// A request refused for want of a session tells the sign-in gate; a wrong password does not.

const answer = (extensions: Record<string, unknown>) =>
  vi.fn(async () => Response.json({ errors: [{ message: 'no', extensions }] }, { status: 200 }));

describe('requests that need a sign-in', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the reason from UNAUTHENTICATED errors only', () => {
    const err = (code: string, reason?: string) => new ApiError('no', code, { code, reason });
    expect(signInReason(err('UNAUTHENTICATED', 'SESSION_EXPIRED'))).toBe('SESSION_EXPIRED');
    expect(signInReason(err('UNAUTHENTICATED', 'SIGN_IN_REQUIRED'))).toBe('SIGN_IN_REQUIRED');
    expect(signInReason(err('UNAUTHENTICATED', 'BAD_CREDENTIALS'))).toBeNull();
    expect(signInReason(err('FORBIDDEN', 'OUTSIDE_JURISDICTION'))).toBeNull();
    expect(signInReason(new Error('offline'))).toBeNull();
  });

  it('tells listeners when the session has expired, and still throws', async () => {
    vi.stubGlobal('fetch', answer({ code: 'UNAUTHENTICATED', reason: 'SESSION_EXPIRED' }));
    const heard: string[] = [];
    const stop = onSignInRequired((reason) => heard.push(reason));
    await expect(request('{ viewer { username } }')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    stop();
    await expect(request('{ viewer { username } }')).rejects.toThrow();
    expect(heard).toEqual(['SESSION_EXPIRED']);
  });

  it('does not send a wrong password back to the sign-in screen as an expiry', async () => {
    vi.stubGlobal('fetch', answer({ code: 'UNAUTHENTICATED', reason: 'BAD_CREDENTIALS' }));
    const heard: string[] = [];
    const stop = onSignInRequired((reason) => heard.push(reason));
    await expect(request('mutation { signOut }')).rejects.toThrow();
    stop();
    expect(heard).toEqual([]);
  });
});
