import { useState } from 'react';
import { SIGN_IN_MUTATION, VIEWER_QUERY } from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { tr } from '../../i18n';
import { InvitePage } from './InvitePage';
import { RegisterPage } from './RegisterPage';
import { WorkPage } from './WorkPage';

/**
 * The phone pages of the people who do the work (/v/): the invitation link sets a password,
 * then the resource's own account signs in and sees its offers, record and hours. Apart from
 * the staff map and from the grid workers' /m/. Party members register at a community
 * (双报到) on /v/register?community=<code>, without an account.
 */
export function PeopleApp({ path }: { path: string }) {
  if (path === 'register')
    return (
      <RegisterPage communityCode={new URLSearchParams(location.search).get('community') ?? ''} />
    );
  return <Accounts path={path} />;
}

function Accounts({ path }: { path: string }) {
  const token = path === 'invite' ? location.hash.slice(1) : '';
  const [invited, setInvited] = useState<string | null>(token ? null : '');
  if (invited === null)
    return <InvitePage token={token} onDone={(username) => setInvited(username)} />;
  return <SignedInPeople username={invited} />;
}

function SignedInPeople({ username }: { username: string }) {
  const viewer = useQuery(VIEWER_QUERY, {});
  const [signedIn, setSignedIn] = useState(false);
  const role = viewer.data?.viewer?.role;
  if (role === 'RESOURCE' || signedIn) return <WorkPage />;
  if (!viewer.data && !viewer.error)
    return (
      <main className="resident people">
        <p className="status">{tr('正在加载…')}</p>
      </main>
    );
  return <SignInForm username={username} onSignedIn={() => setSignedIn(true)} />;
}

function SignInForm({ username, onSignedIn }: { username: string; onSignedIn: () => void }) {
  const [name, setName] = useState(username);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    try {
      const { signIn } = await request(SIGN_IN_MUTATION, { username: name, password });
      if (signIn.viewer.role !== 'RESOURCE')
        return setError(tr('此页面供志愿者、党员、社会组织和合伙人使用；工作人员请使用地图。'));
      onSignedIn();
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <main className="resident people" data-testid="people-sign-in">
      <h1>{tr('一图 · 接单')}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          {tr('登录名')}
          <input
            autoComplete="username"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="people-username"
          />
        </label>
        <label>
          {tr('密码')}
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="people-password"
          />
        </label>
        <button type="submit" data-testid="people-sign-in-submit">
          {tr('登录')}
        </button>
      </form>
      {error && <p className="error">{error}</p>}
    </main>
  );
}
