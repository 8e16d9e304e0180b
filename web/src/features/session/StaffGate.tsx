import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { describeError, onSignInRequired } from '../../data/graphql';
import { fetchViewer, sessionLossCounts, signOut, type Viewer } from '../../data/session';
import { tr } from '../../i18n';
import { SessionContext } from './session';
import { SignInPage } from './SignInPage';

/**
 * The staff app behind sign-in: the sign-in screen while nobody is signed in, the app (children)
 * once someone is. A request refused for want of a session (it expired, was revoked, or the
 * cookie is gone) brings the sign-in screen back; what was selected stays in the URL, so signing
 * in again opens the same view.
 */
export function StaffGate({ children }: { children: ReactNode }) {
  // undefined: still asking the API who this is
  const [viewer, setViewer] = useState<Viewer | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  // Requests started before the last sign-in may still fail with the old session's error, and
  // signing out closes the live socket, whose close may arrive after the sign-out's answer.
  const signedInAt = useRef(0);
  const signedOutAt = useRef(-1);

  useEffect(() => {
    const abort = new AbortController();
    fetchViewer(abort.signal).then(setViewer, (e: unknown) => {
      if (abort.signal.aborted) return;
      setNotice(describeError(e));
      setViewer(null);
    });
    return () => abort.abort();
  }, []);

  useEffect(
    () =>
      onSignInRequired((reason, startedAt) => {
        if (!sessionLossCounts(startedAt, signedInAt.current, signedOutAt.current)) return;
        setViewer(null);
        setNotice(
          reason === 'SESSION_EXPIRED'
            ? tr('会话已过期，请重新登录')
            : tr('登录已失效，请重新登录'),
        );
      }),
    [],
  );

  const onSignedIn = useCallback((v: Viewer) => {
    signedInAt.current = performance.now();
    setNotice(null);
    setViewer(v);
  }, []);

  const session = useMemo(
    () =>
      viewer
        ? {
            viewer,
            signOut: () => {
              // whatever the API answers, this page is signed out
              signedOutAt.current = performance.now();
              void signOut()
                .catch(() => undefined)
                .then(() => {
                  setNotice(null);
                  setViewer(null);
                });
            },
          }
        : null,
    [viewer],
  );

  if (viewer === undefined) return <p className="status">{tr('正在加载…')}</p>;
  if (!session) return <SignInPage notice={notice} onSignedIn={onSignedIn} />;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
