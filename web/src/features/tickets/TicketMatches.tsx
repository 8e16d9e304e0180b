import { formatTime, KIND_LABEL } from './labels';
import type { Ticket } from './ticket';
import { tr } from '../../i18n';

const ASSIGNMENT_LABEL: Record<string, string> = {
  OFFERED: tr('待接单'),
  ACCEPTED: tr('已接单'),
  DECLINED: tr('已拒单'),
  RELEASED: tr('上一轮'),
};

/** Who was sent (已派) and their answers. */
export function TicketAssignments({ assignments }: { assignments: Ticket['assignments'] }) {
  if (assignments.length === 0) return null;
  return (
    <>
      <h3>{tr('已派')}</h3>
      <ul className="assignments" data-testid="assignments">
        {assignments.map((a) => (
          <li key={a.id}>
            {a.resource.name} · {ASSIGNMENT_LABEL[a.status] ?? a.status}
            {a.declineReason && `（${a.declineReason}）`}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The ranked resources (推荐资源) with the reasons for their scores, each with a 派单 button. */
export function TicketMatches({
  matches,
  busy,
  onDispatch,
}: {
  matches: NonNullable<Ticket['matches']>;
  busy: boolean;
  onDispatch: (resourceId: string) => void;
}) {
  return (
    <>
      <h3>{tr('推荐资源')}</h3>
      {matches.length === 0 && <p className="hint">{tr('没有可派的资源（能力、负荷或已拒单）')}</p>}
      <ol className="matches" data-testid="matches">
        {matches.map((m) => (
          <li key={m.resource.id} data-testid="match">
            <div className="match-head">
              <strong>{m.resource.name}</strong>
              <span className="score">{tr('{n} 分', { n: m.score.toFixed(1) })}</span>
            </div>
            <div className="reasons">
              <span>{KIND_LABEL[m.resource.kind] ?? m.resource.kind}</span>
              <span>
                {m.distanceMeters < 1000
                  ? tr('{n} 米', { n: Math.round(m.distanceMeters) })
                  : tr('{n} 公里', { n: (m.distanceMeters / 1000).toFixed(1) })}
              </span>
              {m.inClaimedZone && <span className="good">{tr('认领责任区')}</span>}
              {!m.inClaimedZone && m.inServiceArea && (
                <span className="good">{tr('服务范围内')}</span>
              )}
              <span className={m.availableNow ? 'good' : 'warn'}>
                {m.availableNow
                  ? tr('现可服务')
                  : m.nextAvailableAt
                    ? tr('{time} 可服务', { time: formatTime(m.nextAvailableAt) })
                    : tr('近期无服务时间')}
              </span>
              <span>{tr('负荷 {load}/{capacity}', { load: m.load, capacity: m.capacity })}</span>
              {m.record.counts && m.record.onTimeRate !== null && (
                <span>
                  {tr('按期 {p}%（{n} 件）', {
                    p: Math.round(m.record.onTimeRate * 100),
                    n: m.record.sample,
                  })}
                </span>
              )}
              {m.matchedCapabilities.length > 0 && (
                <span>{tr('能力：{list}', { list: m.matchedCapabilities.join(tr('、')) })}</span>
              )}
            </div>
            <button
              type="button"
              disabled={busy}
              data-testid="dispatch-button"
              onClick={() => onDispatch(m.resource.id)}
            >
              {tr('派单')}
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}
