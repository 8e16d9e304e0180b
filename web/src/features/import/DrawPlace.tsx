import { useEffect, useRef, useState } from 'react';
import { EDIT_PLACE_MUTATION, PLACE_OUTLINE_QUERY, type ResultOf } from '@yitu/schema';
import { ApiError, describeError, request } from '../../data/graphql';
import type { Crs } from '../../data/app-config';
import type { DrawSession, Point, Polygon } from '../../map/draw';
import type { YituMap } from '../../map/map-adapter';
import { tr } from '../../i18n';
import { problemLabel } from './problems';

type Problem = ResultOf<typeof EDIT_PLACE_MUTATION>['editPlace']['problems'][number];

const withoutAt = (message: string) => message.replace(/^edit: /, '');

/**
 * 在地图上绘制: a new grid or compound outline, or an existing one reshaped; a place retired
 * (撤销) or brought back. Every change is checked by the API first (editPlace, dryRun) and saved
 * only when it passes.
 */
export function DrawPlace({
  map,
  neighbours,
  crs,
  onSaved,
}: {
  map: () => YituMap | null;
  /** The outlines new corners snap to in a view box (regions, grids, compounds, in the map's system). */
  neighbours: Parameters<YituMap['startDrawing']>[0];
  crs: Crs;
  onSaved: () => void;
}) {
  const [kind, setKind] = useState<Kind>('GRID');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [version, setVersion] = useState<number | null>(null);
  const [outline, setOutline] = useState<Polygon | Point | null>(null);
  const point = kind === 'BUILDING' || kind === 'RESOURCE';
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // a retirement checked (dry run) and waiting for the user's confirmation
  const [retiring, setRetiring] = useState(false);
  const session = useRef<DrawSession | null>(null);
  useEffect(() => () => session.current?.stop(), []);

  const open = (): DrawSession | null => {
    if (!session.current) session.current = map()?.startDrawing(neighbours, setOutline) ?? null;
    return session.current;
  };

  const input = (dryRun: boolean) => ({
    kind,
    code: code.trim(),
    name: name.trim() || null,
    geometry: outline,
    crs,
    expectedVersion: version,
    dryRun,
  });

  // each outline is checked as soon as it is drawn (or reshaped)
  useEffect(() => {
    if (!outline || !code.trim()) return setProblems(null);
    const abort = new AbortController();
    const timer = setTimeout(() => {
      request(EDIT_PLACE_MUTATION, { input: input(true) }, abort.signal).then(
        (r) => setProblems(r.editPlace.problems),
        (e: unknown) => !abort.signal.aborted && setError(describeError(e)),
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
    // input() reads the fields listed here
  }, [outline, code, name, kind]);

  const load = async () => {
    setError(null);
    setSaved(null);
    const found = await request(PLACE_OUTLINE_QUERY, { code: code.trim(), crs });
    const rows = kind === 'GRID' ? found.grids.nodes : found.compounds.nodes;
    const row = rows.find((r) => r.code === code.trim());
    if (!row) return setError(tr('没有编码为 {code} 的{kind}', { code, kind: kindLabel(kind) }));
    setName(row.name);
    setVersion(row.version);
    open()?.reshape(row.boundary as Polygon);
  };

  /** A refused save: the problems the API listed (EDIT_HAS_ERRORS), and what it said. */
  const refused = (e: unknown) => {
    const listed =
      e instanceof ApiError ? (e.extensions.problems as Problem[] | undefined) : undefined;
    if (listed) setProblems(listed.map((p) => ({ ...p, severity: 'ERROR', at: 'edit' })));
    setError(describeError(e));
  };

  const save = async () => {
    setError(null);
    try {
      const r = await request(EDIT_PLACE_MUTATION, { input: input(false) });
      setSaved(
        tr('已保存 {code}（版本 {version}）', {
          code: r.editPlace.code,
          version: r.editPlace.version ?? '',
        }),
      );
      setProblems(null);
      setVersion(null);
      session.current?.stop();
      session.current = null;
      onSaved();
    } catch (e) {
      refused(e);
    }
  };

  /** Retire (撤销) or bring back the place by its code; a retirement is checked and shown first. */
  const retire = async (retired: boolean, confirmed: boolean) => {
    setError(null);
    setSaved(null);
    const dryRun = retired && !confirmed;
    try {
      const r = await request(EDIT_PLACE_MUTATION, {
        input: { kind, code: code.trim(), crs, retired, dryRun },
      });
      if (dryRun) {
        setProblems(r.editPlace.problems);
        setRetiring(!r.editPlace.problems.some((p) => p.severity === 'ERROR'));
        return;
      }
      setRetiring(false);
      setProblems(null);
      setSaved(
        retired
          ? tr('已撤销 {code}', { code: r.editPlace.code })
          : tr('已恢复 {code}（版本 {version}）', {
              code: r.editPlace.code,
              version: r.editPlace.version ?? '',
            }),
      );
      onSaved();
    } catch (e) {
      setRetiring(false);
      refused(e);
    }
  };

  const errors = problems?.filter((p) => p.severity === 'ERROR') ?? [];
  return (
    <div className="draw-place" data-testid="draw-place">
      <h3>{tr('在地图上绘制')}</h3>
      <div className="import-form">
        <label>
          {tr('类型')}
          <select
            value={kind}
            data-testid="draw-kind"
            onChange={(e) => {
              setKind(e.target.value as Kind);
              session.current?.clear();
            }}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr('编码')}
          <input
            value={code}
            data-testid="draw-code"
            placeholder={kind === 'BUILDING' ? tr('小区编码/楼号') : ''}
            onChange={(e) => {
              setCode(e.target.value);
              setRetiring(false);
            }}
          />
        </label>
        <label>
          {tr('名称')}
          <input value={name} data-testid="draw-name" onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <div className="import-actions">
        {point ? (
          <button
            type="button"
            data-testid="draw-move"
            disabled={!code.trim()}
            onClick={() => {
              setVersion(null);
              setSaved(null);
              open()?.placePoint();
            }}
          >
            {tr('点选新位置')}
          </button>
        ) : (
          <>
            <button
              type="button"
              data-testid="draw-new"
              disabled={!code.trim()}
              onClick={() => {
                setVersion(null);
                setSaved(null);
                open()?.drawNew();
              }}
            >
              {tr('画新边界')}
            </button>
            <button
              type="button"
              data-testid="draw-load"
              disabled={!code.trim()}
              onClick={() => void load()}
            >
              {tr('修改已有边界')}
            </button>
          </>
        )}
        <button
          type="button"
          data-testid="draw-save"
          disabled={!outline || !code.trim() || errors.length > 0}
          onClick={() => void save()}
        >
          {tr('保存')}
        </button>
        <button
          type="button"
          data-testid="draw-retire"
          disabled={!code.trim()}
          onClick={() => void retire(true, false)}
        >
          {tr('撤销…')}
        </button>
        <button
          type="button"
          data-testid="draw-restore"
          disabled={!code.trim()}
          onClick={() => void retire(false, true)}
        >
          {tr('恢复')}
        </button>
      </div>
      {retiring && (
        <div className="draw-retire-confirm" role="alertdialog" data-testid="draw-retire-confirm">
          <p className="hint">
            {tr('撤销后不再出现在地图、查询和派单中，历史工单仍保留。请确认下列提示后再撤销。')}
          </p>
          <button
            type="button"
            className="danger"
            data-testid="draw-retire-confirmed"
            onClick={() => void retire(true, true)}
          >
            {tr('确认撤销')}
          </button>
        </div>
      )}
      {outline === null && session.current && (
        <p className="hint">
          {point
            ? tr('点击地图选择新位置。')
            : tr('点击地图画出各个角点，点回第一个点结束；拐点会吸附到相邻边界。')}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="draw-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="status" role="status" data-testid="draw-saved">
          {saved}
        </p>
      )}
      {problems && problems.length > 0 && (
        <ul className="draw-problems">
          {problems.map((p, i) => (
            <li
              key={i}
              className={p.severity === 'ERROR' ? 'bad' : 'warn'}
              data-testid={`draw-problem-${p.reason}`}
            >
              <strong>{problemLabel(p.reason)}</strong> {withoutAt(p.message)}
            </li>
          ))}
        </ul>
      )}
      {problems && problems.length === 0 && (
        <p className="status" data-testid="draw-ok">
          {tr('检查通过，可以保存。')}
        </p>
      )}
    </div>
  );
}

type Kind = 'GRID' | 'COMPOUND' | 'BUILDING' | 'RESOURCE';
const KINDS: Kind[] = ['GRID', 'COMPOUND', 'BUILDING', 'RESOURCE'];
const kindLabel = (kind: Kind) =>
  ({ GRID: tr('网格'), COMPOUND: tr('小区'), BUILDING: tr('楼栋'), RESOURCE: tr('资源') })[kind];
