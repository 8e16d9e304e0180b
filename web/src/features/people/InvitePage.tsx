import { useState } from 'react';
import { ACCEPT_INVITATION_MUTATION, INVITATION_QUERY } from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { tr } from '../../i18n';

/** The invitation link (/v/invite#<token>): the person sets a password once, then signs in. */
export function InvitePage({
  token,
  onDone,
}: {
  token: string;
  onDone: (username: string) => void;
}) {
  const invited = useQuery(INVITATION_QUERY, { token });
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const invitation = invited.data?.invitation ?? null;

  const submit = async () => {
    if (password !== again) return setError(tr('两次输入的密码不一致'));
    try {
      const { acceptInvitation } = await request(ACCEPT_INVITATION_MUTATION, { token, password });
      // the secret has done its work: keep it out of the history
      history.replaceState(null, '', '/v/');
      onDone(acceptInvitation);
    } catch (e) {
      setError(describeError(e));
    }
  };

  if (!invitation)
    return (
      <main className="resident people">
        {invited.error ? (
          <p className="error" data-testid="invite-error">
            {describeError(invited.error)}
          </p>
        ) : (
          <p className="status">{tr('正在加载…')}</p>
        )}
      </main>
    );
  return (
    <main className="resident people" data-testid="invite-page">
      <h1>{tr('设置登录密码')}</h1>
      <p>
        {tr('{name}，您受邀以“{resource}”的身份使用一图接单。', {
          name: invitation.displayName,
          resource: invitation.resourceName,
        })}
      </p>
      <p>
        {tr('登录名：')}
        <strong data-testid="invite-username">{invitation.username}</strong>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          {tr('密码（至少 8 位）')}
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="invite-password"
          />
        </label>
        <label>
          {tr('再次输入密码')}
          <input
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            data-testid="invite-password-again"
          />
        </label>
        <button type="submit" data-testid="invite-submit">
          {tr('设置密码')}
        </button>
      </form>
      {error && <p className="error">{error}</p>}
    </main>
  );
}
