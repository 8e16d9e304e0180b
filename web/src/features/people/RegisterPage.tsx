import { useState, type FormEvent } from 'react';
import {
  REGISTER_PARTY_MEMBER_MUTATION,
  REGISTRATION_COMMUNITY_QUERY,
  type ResultOf,
} from '@yitu/schema';
import { describeError, request } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { tr } from '../../i18n';

type Community = ResultOf<typeof REGISTRATION_COMMUNITY_QUERY>['registrationCommunity'];
type Rings = number[][][];

// What party members most often offer; each is a capability matching reads (snake_case).
const SKILLS: [string, string][] = [
  ['repair', tr('维修')],
  ['electrical', tr('电工')],
  ['elderly_care', tr('助老')],
  ['meal_delivery', tr('送餐')],
  ['tutoring', tr('课业辅导')],
  ['health_care', tr('健康服务')],
  ['mediation', tr('调解')],
  ['policy_advice', tr('政策咨询')],
  ['greening', tr('绿化')],
  ['fire_safety', tr('消防安全')],
];

/**
 * 双报到 (/v/register?community=<code>): an in-service party member registers at the community
 * with name, work unit, phone and skills, and claims a grid or compound as their zone
 * (认领责任区); the community's staff approve before anyone dispatches them.
 */
export function RegisterPage({ communityCode }: { communityCode: string }) {
  const found = useQuery(
    REGISTRATION_COMMUNITY_QUERY,
    communityCode ? { code: communityCode } : null,
  );
  const community = found.data?.registrationCommunity ?? null;
  const [done, setDone] = useState<string | null>(null);
  if (!communityCode)
    return (
      <main className="resident people">
        <p className="error">{tr('请通过社区提供的报到链接或二维码打开本页。')}</p>
      </main>
    );
  if (!community)
    return (
      <main className="resident people">
        {found.error ? (
          <p className="error" data-testid="register-error">
            {describeError(found.error)}
          </p>
        ) : (
          <p className="status">{tr('正在加载…')}</p>
        )}
      </main>
    );
  if (done)
    return (
      <main className="resident people" data-testid="register-done">
        <h1>{tr('报到已提交')}</h1>
        <p role="status">
          {tr('您已向{community}报到，编号 {code}。', { community: community.name, code: done })}
        </p>
        <p>
          <strong>{tr('须经社区审核通过后才会给您派单。')}</strong>
          {tr('审核通过后，社区会发给您开通账号的链接。')}
        </p>
      </main>
    );
  return <RegisterForm community={community} onDone={setDone} />;
}

function RegisterForm({
  community,
  onDone,
}: {
  community: Community;
  onDone: (code: string) => void;
}) {
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [phone, setPhone] = useState('');
  const [skills, setSkills] = useState<string[]>([]);
  const [zone, setZone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const claimed = community.zones.find((z) => z.code === zone) ?? null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (skills.length === 0) return setError(tr('请至少选择一项技能'));
    if (!claimed) return setError(tr('请选择认领的责任区'));
    setBusy(true);
    setError(null);
    try {
      const { registerPartyMember } = await request(REGISTER_PARTY_MEMBER_MUTATION, {
        input: {
          communityCode: community.code,
          name: name.trim(),
          unit: unit.trim(),
          phone: phone.trim(),
          skills,
          zone: claimed.boundary,
        },
      });
      onDone(registerPartyMember.code);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="resident people" data-testid="register-page">
      <h1>{tr('党员双报到')}</h1>
      <p>{tr('报到社区：{community}', { community: community.name })}</p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {tr('姓名')}
          <input
            required
            maxLength={50}
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="register-name"
          />
        </label>
        <label>
          {tr('工作单位')}
          <input
            required
            maxLength={100}
            value={unit}
            onChange={(e) => setUnit(e.target.value)}
            data-testid="register-unit"
          />
        </label>
        <label>
          {tr('手机号')}
          <input
            required
            type="tel"
            inputMode="numeric"
            pattern="1\d{10}"
            autoComplete="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            data-testid="register-phone"
          />
        </label>
        <fieldset className="skills" data-testid="register-skills">
          <legend>{tr('技能特长（可多选）')}</legend>
          {SKILLS.map(([skill, label]) => (
            <label key={skill} className="check">
              <input
                type="checkbox"
                value={skill}
                checked={skills.includes(skill)}
                onChange={(e) =>
                  setSkills((s) =>
                    e.target.checked ? [...s, skill] : s.filter((x) => x !== skill),
                  )
                }
              />
              {label}
            </label>
          ))}
        </fieldset>
        <label>
          {tr('认领责任区')}
          <select
            required
            value={zone}
            onChange={(e) => setZone(e.target.value)}
            data-testid="register-zone"
          >
            <option value="">{tr('请选择网格或小区')}</option>
            {community.zones.map((z) => (
              <option key={z.code} value={z.code}>
                {z.kind === 'GRID'
                  ? tr('网格：{name}', { name: z.name })
                  : tr('小区：{name}', { name: z.name })}
              </option>
            ))}
          </select>
        </label>
        <ZoneMap community={community} claimed={claimed?.code ?? null} onPick={setZone} />
        <button type="submit" disabled={busy} data-testid="register-submit">
          {tr('提交报到')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="register-error">
          {error}
        </p>
      )}
    </main>
  );
}

/**
 * The community drawn small (SVG, no map library on this phone page): its grids and compounds,
 * the claimed one filled; a tap on one claims it.
 */
function ZoneMap({
  community,
  claimed,
  onPick,
}: {
  community: Community;
  claimed: string | null;
  onPick: (code: string) => void;
}) {
  const outline = polygonsOf(community.boundary);
  const all = outline.flat(2);
  if (all.length === 0) return null;
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  const [w, s, e, n] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  // metres east and north are alike at this scale once longitude is shrunk by cos(latitude)
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const width = 320;
  const scale = width / Math.max((e - w) * k, 1e-9);
  const height = Math.min(320, Math.max(120, (n - s) * scale));
  const path = (polygons: Rings[]) =>
    polygons
      .flatMap((rings) =>
        rings.map(
          (ring) =>
            'M' +
            ring
              .map(
                ([x, y]) => `${((x! - w) * k * scale).toFixed(1)},${((n - y!) * scale).toFixed(1)}`,
              )
              .join('L') +
            'Z',
        ),
      )
      .join('');
  // compounds above grids, so a tap inside a compound claims the compound
  const zones = [...community.zones].sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === 'GRID' ? -1 : 1,
  );
  return (
    <svg
      className="zone-map"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={tr('社区范围与可认领的责任区')}
      data-testid="register-zone-map"
    >
      <path d={path(outline)} className="community" />
      {zones.map((z) => (
        <path
          key={z.code}
          d={path(polygonsOf(z.boundary))}
          className={`${z.kind === 'GRID' ? 'grid' : 'compound'}${z.code === claimed ? ' claimed' : ''}`}
          data-code={z.code}
          onClick={() => onPick(z.code)}
        >
          <title>{z.name}</title>
        </path>
      ))}
    </svg>
  );
}

function polygonsOf(geometry: unknown): Rings[] {
  const g = geometry as { type?: string; coordinates?: unknown } | null;
  if (g?.type === 'Polygon') return [g.coordinates as Rings];
  if (g?.type === 'MultiPolygon') return g.coordinates as Rings[];
  return [];
}
