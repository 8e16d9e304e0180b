import { useState, type FormEvent } from 'react';
import {
  API_TOKENS_QUERY,
  ISSUE_TOKEN_MUTATION,
  REVOKE_TOKEN_MUTATION,
  type ResultOf,
} from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { formatTime } from '../tickets/labels';
import { CopyButton } from '../../ui/CopyButton';
import { useSession } from '../session/session';
import { tr } from '../../i18n';

type ApiToken = ResultOf<typeof API_TOKENS_QUERY>['apiTokens'][number];

const live = (t: ApiToken, now: number) => !t.revokedAt && new Date(t.expiresAt).getTime() > now;

/** Third-party API tokens (API 令牌): the list, issuing one (its secret shown once), revoking. */
export function ApiTokens() {
  const list = useQuery(API_TOKENS_QUERY, {});
  const tokens = list.data?.apiTokens ?? null;
  const reload = list.reload;
  const [failed, setError] = useState<string | null>(null);
  const error = failed ?? (list.error === null ? null : describeError(list.error));
  const [issued, setIssued] = useState<{ id: string; token: string } | null>(null);

  const revoke = async (t: ApiToken) => {
    if (!confirm(tr('吊销令牌“{name}”？使用它的系统将立即无法访问。', { name: t.name }))) return;
    setError(null);
    try {
      await request(REVOKE_TOKEN_MUTATION, { id: t.id });
      await reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const now = Date.now();
  return (
    <div data-testid="api-tokens">
      <IssueForm
        onIssued={(i) => {
          setIssued(i);
          void reload();
        }}
      />
      {issued && (
        <div className="token-once" role="status" data-testid="token-issued">
          <p>
            <strong>{tr('新令牌（只显示一次，关闭后无法再次查看，请立即复制保存）：')}</strong>
          </p>
          <code data-testid="token-secret">{issued.token}</code>
          <CopyButton text={issued.token} testId="token-copy" />
          <button type="button" data-testid="token-dismiss" onClick={() => setIssued(null)}>
            {tr('已保存，关闭')}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="tokens-error">
          {error}
        </p>
      )}
      {!tokens && !error && <p className="status">{tr('正在加载…')}</p>}
      {tokens && (
        <table className="admin-table">
          <thead>
            <tr>
              <th>{tr('名称')}</th>
              <th>{tr('账号')}</th>
              <th>{tr('权限范围')}</th>
              <th>{tr('每分钟请求')}</th>
              <th>{tr('签发时间')}</th>
              <th>{tr('到期时间')}</th>
              <th>{tr('状态')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={8} className="hint">
                  {tr('还没有令牌')}
                </td>
              </tr>
            )}
            {tokens.map((t) => (
              <tr
                key={t.id}
                className={live(t, now) ? '' : 'ended'}
                data-testid="token-row"
                data-id={t.id}
              >
                <td>{t.name}</td>
                <td>{t.username}</td>
                <td>{t.scopes.join(', ')}</td>
                <td>{t.ratePerMinute}</td>
                <td className="time">{formatTime(t.createdAt)}</td>
                <td className="time">{formatTime(t.expiresAt)}</td>
                <td data-testid="token-state">
                  {t.revokedAt ? tr('已吊销') : live(t, now) ? tr('有效') : tr('已过期')}
                </td>
                <td>
                  {live(t, now) && (
                    <button
                      type="button"
                      className="danger"
                      data-testid="token-revoke"
                      onClick={() => void revoke(t)}
                    >
                      {tr('吊销')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function IssueForm({ onIssued }: { onIssued: (issued: { id: string; token: string }) => void }) {
  const viewer = useSession()?.viewer ?? null;
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read:places']);
  const [days, setDays] = useState('90');
  const [rate, setRate] = useState('120');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const d = await request(ISSUE_TOKEN_MUTATION, {
        input: {
          name: name.trim(),
          username: username.trim(),
          scopes,
          expiresInDays: Number(days),
          ratePerMinute: Number(rate),
        },
      });
      onIssued({ id: d.issueApiToken.apiToken.id, token: d.issueApiToken.token });
      setName('');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="admin-issue" onSubmit={(e) => void submit(e)} data-testid="token-form">
      <h3>{tr('签发令牌')}</h3>
      <label>
        {tr('名称')}
        <input
          required
          maxLength={100}
          value={name}
          placeholder={tr('如：市大数据局数据接口')}
          data-testid="token-name"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        {tr('代表账号')}
        <input
          required
          value={username}
          placeholder="command"
          data-testid="token-username"
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <fieldset data-testid="token-scopes">
        <legend>{tr('权限范围')}</legend>
        {/* the scopes this role may grant, as the API says (none reads personal data) */}
        {(viewer?.tokenScopes ?? []).map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              data-testid={`token-scope-${s}`}
              onChange={(e) =>
                setScopes((old) => (e.target.checked ? [...old, s] : old.filter((x) => x !== s)))
              }
            />
            {s}
          </label>
        ))}
      </fieldset>
      <CountField
        label={tr('有效天数')}
        max={365}
        value={days}
        onChange={setDays}
        testId="token-days"
      />
      <CountField
        label={tr('每分钟请求')}
        max={10000}
        value={rate}
        onChange={setRate}
        testId="token-rate"
      />
      <button type="submit" disabled={busy || scopes.length === 0} data-testid="token-issue">
        {busy ? tr('签发中…') : tr('签发')}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="token-form-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** A whole number from 1 to max, kept as typed (the form checks it on submit). */
function CountField(props: {
  label: string;
  max: number;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        required
        min={1}
        max={props.max}
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}
