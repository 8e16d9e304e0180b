import { useState } from 'react';
import { can, type Viewer } from '../../data/session';
import { tr } from '../../i18n';
import { ApiTokens } from './ApiTokens';
import { AuditLog } from './AuditLog';

type Tab = 'audit' | 'tokens';

/** Whether the viewer may open the administrator's panel (系统管理) at all. */
export const canAdminister = (viewer: Viewer | null): boolean =>
  can(viewer, 'AUDIT_READ') || can(viewer, 'TOKENS_MANAGE');

/** 系统管理: the audit log and the third-party API tokens, each for the permission it needs. */
export function AdminPanel({ viewer }: { viewer: Viewer | null }) {
  const tabs: [Tab, string][] = [];
  if (can(viewer, 'AUDIT_READ')) tabs.push(['audit', tr('审计日志')]);
  if (can(viewer, 'TOKENS_MANAGE')) tabs.push(['tokens', tr('API 令牌')]);
  const [tab, setTab] = useState<Tab | undefined>(tabs[0]?.[0]);
  if (!tab) return null;
  return (
    <section className="dashboard admin" data-testid="admin">
      <header className="admin-head">
        <h2>{tr('系统管理')}</h2>
        <nav className="admin-tabs" role="tablist">
          {tabs.map(([t, label]) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              data-testid={`admin-tab-${t}`}
              onClick={() => setTab(t)}
            >
              {label}
            </button>
          ))}
        </nav>
      </header>
      {tab === 'audit' ? <AuditLog /> : <ApiTokens />}
    </section>
  );
}
