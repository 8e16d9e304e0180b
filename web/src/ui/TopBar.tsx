import { useEffect, useState } from 'react';
import { SEARCH_QUERY } from '@yitu/schema';
import { useQuery } from '../data/use-query';
import { COMPOUND_MEASURES, type CompoundMeasure, type LayerGroup } from '../map/layers';
import type { Selection } from '../map/map-adapter';
import type { Viewer } from '../data/session';
import { ROLE_LABEL } from '../features/session/session';
import { lang, setLang, tr } from '../i18n';

const LABELS: Record<LayerGroup, string> = {
  street: tr('街道'),
  community: tr('社区'),
  gap: tr('需求缺口'),
  grid: tr('网格'),
  compound: tr('小区'),
  building: tr('楼栋'),
  resource: tr('资源'),
  ticket: tr('工单'),
};

interface Props {
  visible: Record<LayerGroup, boolean>;
  onToggle: (group: LayerGroup, visible: boolean) => void;
  measure: CompoundMeasure;
  onMeasure: (measure: CompoundMeasure) => void;
  onPick: (selection: Selection) => void;
  dashboard: boolean;
  onDashboard: (open: boolean) => void;
  /** The reports panel (报表): open or not; no button without onReports (staff only). */
  reports: boolean;
  onReports?: ((open: boolean) => void) | undefined;
  /** People (人员管理: registrations, invitations): open or not; no button without onPeople. */
  people: boolean;
  onPeople?: ((open: boolean) => void) | undefined;
  /** The administrator's panel (系统管理): open or not; no button without onAdmin. */
  admin: boolean;
  onAdmin?: ((open: boolean) => void) | undefined;
  /** Bringing places in (数据管理): open or not; no button without onImport. */
  importing: boolean;
  onImport?: ((open: boolean) => void) | undefined;
  /** The district on the map, for the title (none yet on an empty start). */
  district: string | null;
  /** Who is signed in, and how to sign out. */
  viewer: Pick<Viewer, 'displayName' | 'role' | 'jurisdictionName'> | null;
  onSignOut: () => void;
}

export function TopBar(p: Props) {
  return (
    <header className="topbar">
      <h1 title={p.district ?? undefined}>
        {p.district ? tr('一图 · {district}社区治理', { district: p.district }) : tr('一图')}
      </h1>
      <Search onPick={p.onPick} />
      <fieldset className="layer-list" data-testid="layer-list">
        <legend>{tr('图层')}</legend>
        {(Object.keys(LABELS) as LayerGroup[]).map((group) => (
          <label key={group}>
            <input
              type="checkbox"
              data-testid={`layer-toggle-${group}`}
              checked={p.visible[group]}
              onChange={(e) => p.onToggle(group, e.target.checked)}
            />
            {LABELS[group]}
          </label>
        ))}
      </fieldset>
      <label className="measure">
        {tr('小区着色')}
        <select
          value={p.measure}
          data-testid="measure"
          onChange={(e) => p.onMeasure(e.target.value as CompoundMeasure)}
        >
          {COMPOUND_MEASURES.map(([m, label]) => (
            <option key={m} value={m}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        data-testid="lang-switch"
        title={lang === 'zh' ? 'English' : '中文'}
        onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
      >
        {lang === 'zh' ? 'EN' : '中文'}
      </button>
      <button
        type="button"
        className={p.dashboard ? 'active' : ''}
        data-testid="dashboard-toggle"
        onClick={() => p.onDashboard(!p.dashboard)}
      >
        {tr('统计')}
      </button>
      {p.onReports && (
        <button
          type="button"
          className={p.reports ? 'active' : ''}
          data-testid="reports-toggle"
          onClick={() => p.onReports?.(!p.reports)}
        >
          {tr('报表')}
        </button>
      )}
      {p.onImport && (
        <button
          type="button"
          className={p.importing ? 'active' : ''}
          data-testid="import-toggle"
          onClick={() => p.onImport?.(!p.importing)}
        >
          {tr('数据管理')}
        </button>
      )}
      {p.onPeople && (
        <button
          type="button"
          className={p.people ? 'active' : ''}
          data-testid="people-toggle"
          onClick={() => p.onPeople?.(!p.people)}
        >
          {tr('人员管理')}
        </button>
      )}
      {p.onAdmin && (
        <button
          type="button"
          className={p.admin ? 'active' : ''}
          data-testid="admin-toggle"
          onClick={() => p.onAdmin?.(!p.admin)}
        >
          {tr('系统管理')}
        </button>
      )}
      {p.viewer && (
        <>
          <span
            className="viewer"
            data-testid="viewer"
            title={`${p.viewer.displayName} · ${ROLE_LABEL[p.viewer.role] ?? p.viewer.role} · ${p.viewer.jurisdictionName}`}
          >
            <strong data-testid="viewer-name">{p.viewer.displayName}</strong>
            <small>
              <span data-testid="viewer-role">{ROLE_LABEL[p.viewer.role] ?? p.viewer.role}</span>
              {' · '}
              <span data-testid="viewer-jurisdiction">{p.viewer.jurisdictionName}</span>
            </small>
          </span>
          <button type="button" data-testid="sign-out" onClick={p.onSignOut}>
            {tr('退出')}
          </button>
        </>
      )}
    </header>
  );
}

/** Compound, grid or ticket by name or code; picking one selects it and moves the map there. */
function Search({ onPick }: { onPick: (selection: Selection) => void }) {
  const [text, setText] = useState('');
  // what was typed, once typing pauses for 200 ms
  const [term, setTerm] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setTerm(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useQuery(SEARCH_QUERY, term.length >= 2 ? { text: term } : null).data;
  const hits = text.trim().length >= 2 ? found : null;

  const pick = (selection: Selection) => {
    onPick(selection);
    setText('');
  };
  const rows = hits
    ? [
        ...hits.compounds.nodes.map((c) => ({
          key: `c:${c.code}`,
          kind: tr('小区'),
          label: c.name,
          sub: c.code,
          selection: { kind: 'compound', code: c.code } as Selection,
        })),
        ...hits.grids.nodes.map((g) => ({
          key: `g:${g.code}`,
          kind: tr('网格'),
          label: g.name,
          sub: g.code,
          selection: { kind: 'grid', code: g.code } as Selection,
        })),
        ...hits.tickets.nodes.map((t) => ({
          key: `t:${t.id}`,
          kind: tr('工单'),
          label: t.code,
          sub: t.description.slice(0, 24),
          selection: { kind: 'ticket', id: t.id } as Selection,
        })),
      ]
    : [];
  return (
    <div className="search">
      <input
        type="search"
        placeholder={tr('搜索小区、网格、工单号')}
        value={text}
        data-testid="search"
        onChange={(e) => setText(e.target.value)}
      />
      {hits && (
        <ul className="search-results" data-testid="search-results">
          {rows.length === 0 && <li className="hint">{tr('没有结果')}</li>}
          {rows.map((r) => (
            <li key={r.key}>
              <button type="button" onClick={() => pick(r.selection)}>
                <span className="kind">{r.kind}</span> {r.label} <small>{r.sub}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
