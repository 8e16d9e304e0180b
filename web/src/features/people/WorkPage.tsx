import { useEffect, useState } from 'react';
import {
  ANSWER_OFFER_MUTATION,
  FINISH_OFFER_MUTATION,
  MY_WORK_QUERY,
  SET_AVAILABILITY_MUTATION,
  type ResultOf,
} from '@yitu/schema';
import { describeError, request, uploadPhoto } from '../../data/graphql';
import { subscribeMyNotices, type LiveNotice } from '../../data/live';
import { useQuery } from '../../data/use-query';
import { tr } from '../../i18n';
import { formatTime, STATUS_LABEL } from '../tickets/labels';

type Work = ResultOf<typeof MY_WORK_QUERY>;
type Offer = Work['myOffers'][number];
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** A resource's own phone page: its offers, its record, its hours. */
export function WorkPage() {
  const [tab, setTab] = useState<'offers' | 'record' | 'hours'>('offers');
  const work = useQuery(MY_WORK_QUERY, {});
  const data = work.data;
  // notices arrive live (an offer sent to me, a ticket of mine moving on): shown at the top,
  // newest first, and the offers are asked for again
  const [notices, setNotices] = useState<LiveNotice[]>([]);
  const reload = work.reload;
  useEffect(
    () =>
      subscribeMyNotices((notice) => {
        setNotices((n) => [notice, ...n].slice(0, 3));
        void reload();
      }),
    [reload],
  );
  if (!data)
    return (
      <main className="resident people">
        <p className={work.error ? 'error' : 'status'}>
          {work.error ? describeError(work.error) : tr('正在加载…')}
        </p>
      </main>
    );
  return (
    <main className="resident people" data-testid="work-page">
      <h1>{data.myResource.name}</h1>
      {!data.myResource.approved && (
        <p className="error">{tr('报到信息待社区审核，审核通过后才会收到派单。')}</p>
      )}
      {notices.length > 0 && (
        <ul className="notices" role="status" aria-live="polite" data-testid="notices">
          {notices.map((n) => (
            <li key={`${n.at}-${n.ticketCode}-${n.kind}`} data-testid="notice">
              <span className="time">{formatTime(n.at)}</span> {n.text}
            </li>
          ))}
        </ul>
      )}
      <nav className="people-tabs">
        <button
          type="button"
          aria-pressed={tab === 'offers'}
          onClick={() => setTab('offers')}
          data-testid="tab-offers"
        >
          {tr('我的派单')}
        </button>
        <button
          type="button"
          aria-pressed={tab === 'record'}
          onClick={() => setTab('record')}
          data-testid="tab-record"
        >
          {tr('服务记录')}
        </button>
        <button
          type="button"
          aria-pressed={tab === 'hours'}
          onClick={() => setTab('hours')}
          data-testid="tab-hours"
        >
          {tr('服务时间')}
        </button>
      </nav>
      {tab === 'offers' &&
        (data.myOffers.length === 0 ? (
          <p className="status">{tr('暂无派单')}</p>
        ) : (
          <ul className="offers">
            {data.myOffers.map((offer) => (
              <OfferCard key={offer.id} offer={offer} reload={work.reload} />
            ))}
          </ul>
        ))}
      {tab === 'record' && <Record record={data.myRecord} />}
      {tab === 'hours' && <Hours resource={data.myResource} reload={work.reload} />}
    </main>
  );
}

function OfferCard({ offer, reload }: { offer: Offer; reload: () => Promise<void> }) {
  const [mode, setMode] = useState<'idle' | 'decline' | 'finish'>('idle');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('1');
  const [photo, setPhoto] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setMode('idle');
      await reload();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const answer = (kind: 'TAKE' | 'DECLINE') =>
    run(() =>
      request(ANSWER_OFFER_MUTATION, {
        input: { offerId: offer.id, answer: kind, reason: kind === 'DECLINE' ? reason : null },
      }),
    );
  const finish = () =>
    run(async () => {
      if (!photo) throw new Error(tr('请拍一张完成后的照片'));
      const { key } = await uploadPhoto(photo);
      await request(FINISH_OFFER_MUTATION, {
        input: { offerId: offer.id, note, photoKeys: [key], hours: Number(hours) },
      });
    });
  const waiting = offer.status === 'OFFERED';
  // a ticket staff closed meanwhile is no longer the volunteer's to finish
  const taken =
    offer.status === 'ACCEPTED' &&
    !offer.doneAt &&
    (offer.ticketStatus === 'DISPATCHED' || offer.ticketStatus === 'IN_PROGRESS');
  return (
    <li className="offer" data-testid={`offer-${offer.ticketCode}`}>
      <p>
        <strong>{offer.categoryName ?? tr('工单')}</strong> {offer.ticketCode}
        <span className="offer-status" data-testid="offer-status">
          {offer.doneAt
            ? tr('已完成')
            : waiting
              ? tr('待接单')
              : offer.status === 'DECLINED'
                ? tr('已拒单')
                : tr('已接单')}
          {' · '}
          {STATUS_LABEL[offer.ticketStatus] ?? offer.ticketStatus}
        </span>
      </p>
      <p>
        {offer.compoundName}
        {offer.buildingNumber && tr(' {n} 号楼', { n: offer.buildingNumber })}
      </p>
      <p className="description">{offer.description}</p>
      {offer.resolveBy && <p>{tr('办结期限：{t}', { t: formatTime(offer.resolveBy) })}</p>}
      {waiting && mode === 'idle' && (
        <div className="offer-actions">
          <button
            type="button"
            disabled={busy}
            onClick={() => void answer('TAKE')}
            data-testid="offer-take"
          >
            {tr('接单')}
          </button>
          {offer.mayDecline && (
            <button
              type="button"
              disabled={busy}
              onClick={() => setMode('decline')}
              data-testid="offer-decline"
            >
              {tr('拒单')}
            </button>
          )}
        </div>
      )}
      {mode === 'decline' && (
        <div className="offer-actions">
          <label>
            {tr('拒单原因')}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="offer-reason"
            />
          </label>
          <button
            type="button"
            disabled={busy || !reason.trim()}
            onClick={() => void answer('DECLINE')}
            data-testid="offer-decline-send"
          >
            {tr('确认拒单')}
          </button>
        </div>
      )}
      {taken && mode === 'idle' && (
        <button type="button" onClick={() => setMode('finish')} data-testid="offer-finish">
          {tr('完成并上传照片')}
        </button>
      )}
      {mode === 'finish' && (
        <div className="offer-actions">
          <label>
            {tr('完成照片')}
            <input
              type="file"
              accept="image/*"
              capture="environment"
              onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
              data-testid="offer-photo"
            />
          </label>
          <label>
            {tr('处理说明')}
            <textarea
              value={note}
              onChange={(e) => setNote(e.target.value)}
              data-testid="offer-note"
            />
          </label>
          <label>
            {tr('服务时长（小时）')}
            <input
              type="number"
              min="0.5"
              max="24"
              step="0.5"
              value={hours}
              onChange={(e) => setHours(e.target.value)}
              data-testid="offer-hours"
            />
          </label>
          <button
            type="button"
            disabled={busy || !note.trim() || !photo}
            onClick={() => void finish()}
            data-testid="offer-finish-send"
          >
            {tr('提交完成')}
          </button>
        </div>
      )}
      {offer.doneNote && <p>{tr('完成说明：{note}', { note: offer.doneNote })}</p>}
      {error && <p className="error">{error}</p>}
    </li>
  );
}

function Record({ record }: { record: Work['myRecord'] }) {
  return (
    <dl className="record" data-testid="record">
      <dt>{tr('完成服务')}</dt>
      <dd data-testid="record-services">{record.services}</dd>
      <dt>{tr('服务时长')}</dt>
      <dd data-testid="record-hours">{tr('{h} 小时', { h: record.hours })}</dd>
      <dt>{tr('居民评价')}</dt>
      <dd>
        {record.averageRating === null
          ? tr('暂无')
          : tr('{avg} 分（{n} 次）', { avg: record.averageRating.toFixed(1), n: record.rated })}
      </dd>
      <dt>{tr('收到派单')}</dt>
      <dd>{tr('{n} 次，拒单 {d} 次', { n: record.offers, d: record.declined })}</dd>
    </dl>
  );
}

interface Availability {
  always?: boolean;
  weekly?: [number, string, string][];
  monthlyDays?: number[];
}

function Hours({
  resource,
  reload,
}: {
  resource: Work['myResource'];
  reload: () => Promise<void>;
}) {
  const current = (resource.availability ?? {}) as Availability;
  const [slots, setSlots] = useState<[number, string, string][]>(current.weekly ?? []);
  const [days, setDays] = useState((current.monthlyDays ?? []).join(','));
  const [always, setAlways] = useState(current.always === true);
  const [message, setMessage] = useState<string | null>(null);
  const save = async () => {
    try {
      await request(SET_AVAILABILITY_MUTATION, {
        input: {
          expectedVersion: resource.version,
          always,
          weekly: slots.map(([weekday, from, to]) => ({ weekday, from, to })),
          monthlyDays: days
            .split(/[,，\s]+/)
            .filter(Boolean)
            .map(Number),
        },
      });
      setMessage(tr('已保存'));
      await reload();
    } catch (e) {
      setMessage(describeError(e));
    }
  };
  return (
    <div className="hours" data-testid="hours">
      <label>
        <input type="checkbox" checked={always} onChange={(e) => setAlways(e.target.checked)} />
        {tr('随时可以')}
      </label>
      {slots.map(([day, from, to], i) => (
        <div key={i} className="slot">
          <select
            value={day}
            onChange={(e) =>
              setSlots(slots.map((s, j) => (j === i ? [Number(e.target.value), s[1], s[2]] : s)))
            }
          >
            {WEEKDAYS.map((w, d) => (
              <option key={d} value={d + 1}>
                {tr('周{d}', { d: w })}
              </option>
            ))}
          </select>
          <input
            type="time"
            value={from}
            onChange={(e) =>
              setSlots(slots.map((s, j) => (j === i ? [s[0], e.target.value, s[2]] : s)))
            }
          />
          <input
            type="time"
            value={to}
            onChange={(e) =>
              setSlots(slots.map((s, j) => (j === i ? [s[0], s[1], e.target.value] : s)))
            }
          />
          <button type="button" onClick={() => setSlots(slots.filter((_, j) => j !== i))}>
            {tr('删除')}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => setSlots([...slots, [6, '09:00', '12:00']])}
        data-testid="hours-add"
      >
        {tr('添加每周时段')}
      </button>
      <label>
        {tr('每月服务日（如 8,18,28）')}
        <input value={days} onChange={(e) => setDays(e.target.value)} data-testid="hours-days" />
      </label>
      <button type="button" onClick={() => void save()} data-testid="hours-save">
        {tr('保存')}
      </button>
      {message && <p className="status">{message}</p>}
    </div>
  );
}
