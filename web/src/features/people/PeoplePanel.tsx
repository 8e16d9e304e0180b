import { useState, type FormEvent, type ReactNode } from 'react';
import {
  APPROVE_PARTY_MEMBER_MUTATION,
  INVITE_RESOURCE_ACCOUNT_MUTATION,
  STAFF_RESOURCES_QUERY,
  type ResultOf,
} from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery, type Query } from '../../data/use-query';
import type { Viewer } from '../../data/session';
import { CopyButton } from '../../ui/CopyButton';
import { formatTime, KIND_LABEL } from '../tickets/labels';
import { tr } from '../../i18n';

type Resource = ResultOf<typeof STAFF_RESOURCES_QUERY>['resources']['nodes'][number];
type Tab = 'pending' | 'resources';

// One page is enough for a community's lists; a street's staff search by name instead.
const PAGE = 100;

/**
 * 人员管理 (community staff and above, people:manage): party members' registrations (双报到)
 * waiting for approval, and the resources of the viewer's jurisdiction with an invitation link
 * (邀请开通账号) for the person who works for each.
 */
export function PeoplePanel({ viewer }: { viewer: Viewer }) {
  const [tab, setTab] = useState<Tab>('pending');
  const regionId = viewer.jurisdictionId ?? null;
  const pending = useQuery(STAFF_RESOURCES_QUERY, { regionId, approved: false, first: PAGE });
  const pendingCount = pending.data?.resources.totalCount;
  return (
    <section className="dashboard admin people-admin" data-testid="people-admin">
      <header className="admin-head">
        <h2>{tr('人员管理')}</h2>
        <span className="hint">{viewer.jurisdictionName}</span>
        <nav className="admin-tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'pending'}
            className={tab === 'pending' ? 'active' : ''}
            data-testid="people-tab-pending"
            onClick={() => setTab('pending')}
          >
            {pendingCount ? tr('待审核（{n}）', { n: pendingCount }) : tr('待审核')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'resources'}
            className={tab === 'resources' ? 'active' : ''}
            data-testid="people-tab-resources"
            onClick={() => setTab('resources')}
          >
            {tr('资源与账号')}
          </button>
        </nav>
      </header>
      {tab === 'pending' ? <Pending list={pending} /> : <Resources regionId={regionId} />}
    </section>
  );
}

function Pending({ list }: { list: Query<ResultOf<typeof STAFF_RESOURCES_QUERY>> }) {
  const [error, setError] = useState<string | null>(null);
  const [approved, setApproved] = useState<string[]>([]);
  const approve = async (r: Resource) => {
    setError(null);
    try {
      await request(APPROVE_PARTY_MEMBER_MUTATION, { resourceId: r.id });
      setApproved((a) => [...a, r.name]);
      await list.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const rows = list.data?.resources.nodes ?? null;
  const failed = error ?? (list.error === null ? null : describeError(list.error));
  return (
    <div data-testid="people-pending">
      <p className="hint">
        {tr('在职党员到社区报到（双报到）并认领责任区后，须经社区审核通过才会被派单。')}
      </p>
      {approved.length > 0 && (
        <p role="status" data-testid="people-approved">
          {tr('已通过：{names}', { names: approved.join('、') })}
        </p>
      )}
      {failed && (
        <p className="error" role="alert" data-testid="people-error">
          {failed}
        </p>
      )}
      {!rows && !failed && <p className="status">{tr('正在加载…')}</p>}
      {rows && (
        <ResourceTable
          rows={rows}
          columns={[
            [tr('姓名'), (r) => r.name],
            [tr('编码'), (r) => r.code],
            [tr('技能'), (r) => r.capabilities.join('、')],
          ]}
          empty={tr('没有待审核的报到')}
          emptyTestId="people-pending-empty"
          rowTestId="pending-row"
          action={(r) => (
            <button type="button" data-testid="pending-approve" onClick={() => void approve(r)}>
              {tr('通过')}
            </button>
          )}
        />
      )}
    </div>
  );
}

function Resources({ regionId }: { regionId: string | null }) {
  const [search, setSearch] = useState('');
  const [asked, setAsked] = useState('');
  const list = useQuery(STAFF_RESOURCES_QUERY, {
    regionId,
    search: asked || null,
    approved: true,
    first: PAGE,
  });
  const [inviting, setInviting] = useState<Resource | null>(null);
  const rows = list.data?.resources.nodes ?? null;
  return (
    <div data-testid="people-resources">
      <form
        className="people-search"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(search.trim());
        }}
      >
        <input
          type="search"
          placeholder={tr('按名称或编码查找资源')}
          value={search}
          data-testid="people-search"
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="submit">{tr('查找')}</button>
      </form>
      {list.error !== null && (
        <p className="error" role="alert">
          {describeError(list.error)}
        </p>
      )}
      {inviting && (
        <InviteForm key={inviting.id} resource={inviting} onClose={() => setInviting(null)} />
      )}
      {!rows && list.error === null && <p className="status">{tr('正在加载…')}</p>}
      {rows && (
        <ResourceTable
          rows={rows}
          columns={[
            [tr('名称'), (r) => r.name],
            [tr('类型'), (r) => KIND_LABEL[r.kind] ?? r.kind],
            [tr('编码'), (r) => r.code],
          ]}
          empty={tr('没有找到资源')}
          rowTestId="resource-row"
          action={(r) => (
            <button type="button" data-testid="resource-invite" onClick={() => setInviting(r)}>
              {tr('邀请开通账号')}
            </button>
          )}
        />
      )}
      {list.data && list.data.resources.totalCount > PAGE && (
        <p className="hint">
          {tr('共 {n} 个，仅显示前 {m} 个，请按名称查找。', {
            n: list.data.resources.totalCount,
            m: PAGE,
          })}
        </p>
      )}
    </div>
  );
}

/** The account's sign-in name and shown name; the answer is a one-time link, shown once. */
function InviteForm({ resource, onClose }: { resource: Resource; onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState(resource.name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<{ url: string; username: string; expiresAt: string } | null>(
    null,
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { inviteResourceAccount: i } = await request(INVITE_RESOURCE_ACCOUNT_MUTATION, {
        input: {
          resourceId: resource.id,
          username: username.trim(),
          displayName: displayName.trim(),
        },
      });
      setIssued({
        url: new URL(i.path, location.origin).href,
        username: i.username,
        expiresAt: String(i.expiresAt),
      });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="token-once" data-testid="invite">
      <p>
        <strong>{tr('为“{name}”开通账号', { name: resource.name })}</strong>
      </p>
      {issued ? (
        <div role="status" data-testid="invite-issued">
          <p>
            {tr('邀请链接（只显示一次，{time}前有效；对方打开后设置密码，用户名 {username}）：', {
              time: formatTime(issued.expiresAt),
              username: issued.username,
            })}
          </p>
          <code data-testid="invite-link">{issued.url}</code>
          <CopyButton text={issued.url} testId="invite-copy" />
          <button type="button" data-testid="invite-close" onClick={onClose}>
            {tr('已发送，关闭')}
          </button>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <label>
            {tr('用户名')}
            <input
              required
              pattern="[a-z0-9._\-]{2,40}"
              title={tr('2–40 位小写字母、数字或 . _ -')}
              value={username}
              data-testid="invite-username"
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>{' '}
          <label>
            {tr('显示姓名')}
            <input
              required
              value={displayName}
              data-testid="invite-display-name"
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </label>{' '}
          <button type="submit" disabled={busy} data-testid="invite-submit">
            {tr('生成邀请链接')}
          </button>{' '}
          <button type="button" onClick={onClose}>
            {tr('取消')}
          </button>
          {error && (
            <p className="error" role="alert" data-testid="invite-error">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}

/** A table of resources: the given columns, one action a row, and a line when there are none. */
function ResourceTable(p: {
  rows: Resource[];
  columns: [string, (r: Resource) => string][];
  empty: string;
  emptyTestId?: string;
  rowTestId: string;
  action: (r: Resource) => ReactNode;
}) {
  return (
    <table className="admin-table">
      <thead>
        <tr>
          {p.columns.map(([title]) => (
            <th key={title}>{title}</th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {p.rows.length === 0 && (
          <tr>
            <td colSpan={p.columns.length + 1} className="hint" data-testid={p.emptyTestId}>
              {p.empty}
            </td>
          </tr>
        )}
        {p.rows.map((r) => (
          <tr key={r.id} data-testid={p.rowTestId} data-code={r.code}>
            {p.columns.map(([title, cell]) => (
              <td key={title}>{cell(r)}</td>
            ))}
            <td>{p.action(r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
