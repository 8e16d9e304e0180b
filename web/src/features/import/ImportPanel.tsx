import { useState, type FormEvent } from 'react';
import {
  APPLY_IMPORT_MUTATION,
  DISCARD_IMPORT_MUTATION,
  IMPORT_REPORT_QUERY,
  type ResultOf,
} from '@yitu/schema';
import { ApiError, describeError, request } from '../../data/graphql';
import type { Crs } from '../../data/app-config';
import { tr } from '../../i18n';
import type { YituMap } from '../../map/map-adapter';
import { DrawPlace } from './DrawPlace';
import { problemLabel } from './problems';
import { ExportLinks } from './ExportLinks';

type Report = Extract<ResultOf<typeof IMPORT_REPORT_QUERY>['node'], { kind: unknown }>;
export type ImportPreview = { type: 'FeatureCollection'; features: unknown[] };

const KINDS: [string, string][] = [
  ['REGION', tr('区域（区/街道/社区）')],
  ['PROPERTY_COMPANY', tr('物业公司')],
  ['COMPOUND', tr('小区/院落')],
  ['GRID', tr('网格/微网格')],
  ['BUILDING', tr('楼栋')],
  ['RESOURCE', tr('资源（党员、志愿者、组织…）')],
];

// '' = what the file says (.prj, a GeoJSON crs), else WGS84
const SYSTEMS: [string, string][] = [
  ['', tr('文件自带 / WGS84')],
  ['GCJ02', tr('GCJ-02（高德、腾讯）')],
  ['BD09', tr('BD-09（百度）')],
  ['WGS84', 'WGS84 (GPS)'],
  ['CGCS2000', 'CGCS2000 (EPSG:4490)'],
  ['WEB_MERCATOR', 'Web Mercator (EPSG:3857)'],
  ['EPSG', tr('高斯-克吕格分带（EPSG 编号）')],
];

const ACTION_LABEL: Record<string, string> = {
  CREATE: tr('新建'),
  UPDATE: tr('更新'),
  UNCHANGED: tr('不变'),
  RETIRE: tr('撤销'),
};

// the kinds an import may retire (撤销) by leaving them out of a whole list
const RETIRABLE = new Set(['COMPOUND', 'GRID', 'BUILDING', 'RESOURCE']);

/** Uploads one file (POST /imports): the dry run's id, or the refusal as an ApiError. */
async function uploadFile(
  kind: string,
  crs: string,
  file: File,
  retireMissing: boolean,
): Promise<string> {
  const form = new FormData();
  form.append('kind', kind);
  if (crs) form.append('crs', crs);
  if (retireMissing) form.append('retireMissing', 'true');
  form.append('file', file, file.name);
  const res = await fetch('/imports', { method: 'POST', body: form });
  const body = (await res.json().catch(() => ({}))) as {
    id?: string;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  const first = body.errors?.[0];
  if (first)
    throw new ApiError(first.message, String(first.extensions?.code ?? 'ERROR'), first.extensions);
  if (!res.ok || !body.id) throw new ApiError(`/imports: HTTP ${res.status}`, 'HTTP');
  return body.id;
}

/**
 * 数据管理: bring a street's places and people in. Upload a file, read the dry run (what each
 * row will do and every problem, the features on the map), then apply it or discard it.
 */
export function ImportPanel({
  crs: displayCrs,
  empty,
  onPreview,
  onApplied,
  map,
  neighbours,
}: {
  /** The map's system: the preview's features come in it. */
  crs: Crs;
  /** Nothing on the map yet: say where to start. */
  empty: boolean;
  onPreview: (features: ImportPreview | null) => void;
  onApplied: () => void;
  /** The map, to draw on; and the outlines new corners snap to. */
  map: () => YituMap | null;
  neighbours: Parameters<YituMap['startDrawing']>[0];
}) {
  const [kind, setKind] = useState('REGION');
  const [system, setSystem] = useState('');
  const [epsg, setEpsg] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [rederive, setRederive] = useState(false);
  const [retireMissing, setRetireMissing] = useState(false);

  const show = (next: Report | null) => {
    setReport(next);
    onPreview((next?.features as ImportPreview | undefined) ?? null);
  };

  const preview = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const id = await uploadFile(
        kind,
        system === 'EPSG' ? `EPSG:${epsg}` : system,
        file,
        retireMissing && RETIRABLE.has(kind),
      );
      const data = await request(IMPORT_REPORT_QUERY, { id, crs: displayCrs });
      show(data.node && 'kind' in data.node ? data.node : null);
    } catch (err) {
      show(null);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!report) return;
    setBusy(true);
    setError(null);
    try {
      const { applyImport: a } = await request(APPLY_IMPORT_MUTATION, {
        input: { importId: report.id, rederiveTickets: rederive },
      });
      setDone(
        tr('已导入 {file}：新建 {create}，更新 {update}，不变 {unchanged}，撤销 {retire}', {
          file: report.fileName,
          create: a.create,
          update: a.update,
          unchanged: a.unchanged,
          retire: a.retire,
        }),
      );
      show(null);
      setFile(null);
      onApplied();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const discard = async () => {
    if (!report) return;
    await request(DISCARD_IMPORT_MUTATION, { id: report.id }).catch(() => undefined);
    show(null);
  };

  return (
    <section className="dashboard admin import-panel" data-testid="import-panel">
      <header className="admin-head">
        <h2>{tr('数据管理')}</h2>
      </header>
      {empty && (
        <p className="status" data-testid="import-empty">
          {tr('地图上还没有数据。')}{' '}
          {tr('按顺序导入：区域 → 物业公司 → 小区 → 网格 → 楼栋 → 资源。')}{' '}
          {tr('每个文件先预览、检查，再确认导入。')}
        </p>
      )}
      <form className="import-form" onSubmit={preview}>
        <label>
          {tr('数据类型')}
          <select value={kind} data-testid="import-kind" onChange={(e) => setKind(e.target.value)}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr('坐标系')}
          <select
            value={system}
            data-testid="import-crs"
            onChange={(e) => setSystem(e.target.value)}
          >
            {SYSTEMS.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {system === 'EPSG' && (
          <label>
            EPSG
            <input
              value={epsg}
              inputMode="numeric"
              placeholder="4527"
              data-testid="import-epsg"
              onChange={(e) => setEpsg(e.target.value.trim())}
            />
          </label>
        )}
        <label>
          {tr('文件')}
          <input
            type="file"
            accept=".geojson,.json,.zip,.csv,.txt,.xlsx"
            data-testid="import-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        {RETIRABLE.has(kind) && (
          <label className="check" title={tr('只撤销文件所涉社区内的同类数据，预览先列出')}>
            <input
              type="checkbox"
              checked={retireMissing}
              data-testid="import-retire-missing"
              onChange={(e) => setRetireMissing(e.target.checked)}
            />
            {tr('文件是完整名单：撤销文件中没有的')}
          </label>
        )}
        <button type="submit" disabled={!file || busy} data-testid="import-preview">
          {busy && !report ? tr('正在检查…') : tr('预览')}
        </button>
      </form>
      <p className="hint">
        {tr('支持 GeoJSON、Shapefile（.zip）、CSV、xlsx。')}{' '}
        {tr('无 .cpg 的 Shapefile 按 GBK 读取。')}{' '}
        {tr('表格可用“经度/纬度”或 WKT 列，或只写所属小区/楼栋。')}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
      {done && (
        <p className="status" role="status" data-testid="import-done">
          {done}
        </p>
      )}
      {report && (
        <div className="import-report" data-testid="import-report">
          <p>
            <strong>{report.fileName}</strong> · {report.format} · {report.crs}
          </p>
          <ul className="import-counts">
            <li data-testid="import-count-rows">{tr('共 {n} 条', { n: report.rows })}</li>
            <li data-testid="import-count-create">
              {ACTION_LABEL.CREATE} {report.create}
            </li>
            <li data-testid="import-count-update">
              {ACTION_LABEL.UPDATE} {report.update}
            </li>
            <li data-testid="import-count-unchanged">
              {ACTION_LABEL.UNCHANGED} {report.unchanged}
            </li>
            {report.retire > 0 && (
              <li className="warn" data-testid="import-count-retire">
                {ACTION_LABEL.RETIRE} {report.retire}
              </li>
            )}
            <li className={report.errors ? 'bad' : ''} data-testid="import-count-errors">
              {tr('错误 {n}', { n: report.errors })}
            </li>
            <li className={report.warnings ? 'warn' : ''} data-testid="import-count-warnings">
              {tr('提醒 {n}', { n: report.warnings })}
            </li>
          </ul>
          {report.notes.map((n) => (
            <p key={n} className="hint">
              {n}
            </p>
          ))}
          {report.problems.length > 0 && (
            <table className="admin-table" data-testid="import-problems">
              <thead>
                <tr>
                  <th>{tr('位置')}</th>
                  <th>{tr('编码')}</th>
                  <th>{tr('字段')}</th>
                  <th>{tr('问题')}</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p, i) => (
                  <tr
                    key={i}
                    className={p.severity === 'ERROR' ? 'bad' : 'warn'}
                    data-testid={`import-problem-${p.reason}`}
                  >
                    <td>{p.at}</td>
                    <td>{p.code}</td>
                    <td>{p.field}</td>
                    <td>
                      <strong>{problemLabel(p.reason)}</strong>{' '}
                      {p.message.startsWith(`${p.at}: `)
                        ? p.message.slice(p.at.length + 2)
                        : p.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <label className="import-rederive">
            <input
              type="checkbox"
              checked={rederive}
              onChange={(e) => setRederive(e.target.checked)}
            />
            {tr('未办结工单按新边界重新归属小区和网格')}
          </label>
          <div className="import-actions">
            <button
              type="button"
              disabled={busy || report.errors > 0}
              data-testid="import-apply"
              title={report.errors > 0 ? tr('先修正错误再导入') : ''}
              onClick={() => void apply()}
            >
              {tr('确认导入')}
            </button>
            <button type="button" data-testid="import-discard" onClick={() => void discard()}>
              {tr('放弃')}
            </button>
          </div>
        </div>
      )}
      {!empty && !report && (
        <DrawPlace map={map} neighbours={neighbours} crs={displayCrs} onSaved={onApplied} />
      )}
      {!empty && <ExportLinks />}
    </section>
  );
}
