import { useState, type FormEvent } from 'react';
import { ApiError, describeError } from '../../data/graphql';
import { signIn, type Viewer } from '../../data/session';
import { lang, setLang, tr } from '../../i18n';

/** The staff sign-in screen (登录): username and password; the API keeps the session. */
export function SignInPage({
  notice,
  onSignedIn,
}: {
  /** Why the screen is shown again, e.g. the session expired. */
  notice: string | null;
  onSignedIn: (viewer: Viewer) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(username.trim(), password));
    } catch (err) {
      setError(
        err instanceof ApiError && err.extensions.reason === 'BAD_CREDENTIALS'
          ? tr('用户名或密码错误')
          : describeError(err),
      );
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} data-testid="signin-form">
        <header>
          <h1>{tr('一图 · 社区治理')}</h1>
          <button
            type="button"
            className="signin-lang"
            data-testid="lang-switch"
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          >
            {lang === 'zh' ? 'EN' : '中文'}
          </button>
        </header>
        <h2>{tr('登录')}</h2>
        {notice && (
          <p className="notice" role="status" data-testid="signin-notice">
            {notice}
          </p>
        )}
        <label>
          {tr('用户名')}
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            data-testid="signin-username"
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          {tr('密码')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            data-testid="signin-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} data-testid="signin-submit">
          {busy ? tr('正在登录…') : tr('登录')}
        </button>
        {/* development builds only: the demo city's accounts (pnpm start prints the password) */}
        {import.meta.env.DEV && (
          <p className="hint" data-testid="signin-demo">
            {tr('演示账号：{names}（密码见 pnpm start 的输出）', {
              names: 'admin, command, street, community, community2, grid, department',
            })}
          </p>
        )}
      </form>
    </main>
  );
}
