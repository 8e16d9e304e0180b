import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  CATEGORIES_QUERY,
  PHONE_GRID_QUERY,
  PHONE_TICKETS_QUERY,
  RETURN_VISIT_MUTATION,
  REVEAL_PHONE_QUERY,
  VIEWER_QUERY,
  type ResultOf,
} from '@yitu/schema';
import { ApiError, describeError, request } from '../../data/graphql';
import { signOut, type Viewer } from '../../data/session';
import { SignInPage } from '../session/SignInPage';
import { tr } from '../../i18n';
import { ACTION_LABEL, STATUS_LABEL, countdown, formatTime } from '../tickets/labels';
import { newIdempotencyKey, Outbox, type QueueItem, type QueuedWork } from './queue';
import { sendToApi } from './send';
import { byDeadline, deadlineOf, needsMe, type Need, type PhoneTicket } from './tickets';

// The grid worker's phone (手机工作台, /m/): 待办 (what needs me now), 工单 (my grid's tickets by
// deadline), 上报 (巡查上报: category, camera photo, GPS, text) and 队列 (what waits for the
// network and how each item came back). Everything the lists show is kept in IndexedDB, so the
// workspace opens in a basement; whatever is done there waits in the outbox (queue.ts).
// Residents' personal data is kept no longer than the session: sign-out (退出登录), a session
// found ended, or another account signing in forget the kept grid, tickets and viewer and any
// cached photo; the outbox's items stay, each waiting for the account that queued it.

const TicketMap = lazy(() => import('./TicketMap').then((m) => ({ default: m.TicketMap })));

type Grid = Extract<NonNullable<ResultOf<typeof PHONE_GRID_QUERY>['node']>, { __typename: 'Grid' }>;
type Category = ResultOf<typeof CATEGORIES_QUERY>['categories'][number];
type Tab = 'needs' | 'tickets' | 'report' | 'queue';

const isOffline = (e: unknown) => !(e instanceof ApiError) || e.code === 'HTTP';

/** Where earlier service workers kept ticket thumbnails (the current one keeps none). */
const PHOTO_CACHE = 'yitu-phone-photos';

/** Forgets what the device kept of the last session: the grid, its tickets (reporters' names and
 * phones), the viewer, and photos an earlier service worker cached. Not the outbox's items. */
async function forgetKept(outbox: Outbox): Promise<void> {
  await outbox.forgetKept();
  if ('caches' in globalThis) await caches.delete(PHOTO_CACHE);
}

/** What of a ticket is kept on the device: not the reporter's name or phone (shown online). */
const keptTicket = (t: PhoneTicket): PhoneTicket => ({
  ...t,
  reporterName: null,
  reporterPhone: null,
});

/** The signed-in viewer: the API's answer online, the last one kept offline. */
function usePhoneViewer(outbox: Outbox | null) {
  const [viewer, setViewer] = useState<Viewer | null | undefined>(undefined);
  useEffect(() => {
    if (!outbox) return;
    request(VIEWER_QUERY).then(
      async ({ viewer: v }) => {
        // no session, or another account's: what was kept belongs to nobody signed in here
        const kept = await outbox.recall<Viewer>('viewer');
        if (!v || kept?.username !== v.username) await forgetKept(outbox);
        else if ('caches' in globalThis) await caches.delete(PHOTO_CACHE);
        if (v) await outbox.remember('viewer', v);
        setViewer(v);
      },
      async (e: unknown) => {
        setViewer(isOffline(e) ? ((await outbox.recall<Viewer>('viewer')) ?? null) : null);
      },
    );
  }, [outbox]);
  return [viewer, setViewer] as const;
}

export function PhoneApp() {
  const [outbox, setOutbox] = useState<Outbox | null>(null);
  useEffect(() => {
    void Outbox.open().then(setOutbox);
  }, []);
  const [viewer, setViewer] = usePhoneViewer(outbox);
  const [notice, setNotice] = useState<string | null>(null);
  if (!outbox || viewer === undefined) return <p className="phone-status">{tr('正在加载…')}</p>;
  if (!viewer)
    return (
      <SignInPage
        notice={notice}
        onSignedIn={async (v) => {
          const kept = await outbox.recall<Viewer>('viewer');
          if (kept && kept.username !== v.username) await forgetKept(outbox);
          await outbox.remember('viewer', v);
          setNotice(null);
          setViewer(v);
        }}
      />
    );
  const signOutHere = async () => {
    await signOut().catch(() => undefined);
    await forgetKept(outbox);
    setViewer(null);
  };
  if (viewer.role !== 'GRID_WORKER' || !viewer.jurisdictionId)
    return (
      <div className="phone-status" data-testid="phone-not-grid-worker">
        <p>{tr('手机工作台供网格员使用')}</p>
        <button type="button" onClick={() => void signOutHere()}>
          {tr('退出登录')}
        </button>
      </div>
    );
  return (
    <Workspace
      outbox={outbox}
      viewer={viewer}
      gridId={viewer.jurisdictionId}
      onSignOut={() => void signOutHere()}
      onSignIn={() => {
        setNotice(tr('登录已过期，请重新登录；队列中的操作将在登录后发送'));
        setViewer(null);
      }}
    />
  );
}

function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    addEventListener('online', on);
    addEventListener('offline', off);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', off);
    };
  }, []);
  return online;
}

function Workspace({
  outbox,
  viewer,
  gridId,
  onSignOut,
  onSignIn,
}: {
  outbox: Outbox;
  viewer: Viewer;
  gridId: string;
  onSignOut: () => void;
  /** The session ended: to the sign-in screen, the queue kept. */
  onSignIn: () => void;
}) {
  const online = useOnline();
  const [tab, setTab] = useState<Tab>('needs');
  const [grid, setGrid] = useState<Grid | null>(null);
  const [tickets, setTickets] = useState<PhoneTicket[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [items, setItems] = useState<QueueItem[]>([]);
  const [openId, setOpenId] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [signInNeeded, setSignInNeeded] = useState(false);
  const mine = useCallback(
    async () => (await outbox.items()).filter((i) => i.queuedBy === viewer.username),
    [outbox, viewer.username],
  );

  // the grid's data: fetched and kept when online, the kept copy otherwise
  const load = useCallback(async () => {
    try {
      const [g, t, c] = await Promise.all([
        request(PHONE_GRID_QUERY, { id: gridId }),
        request(PHONE_TICKETS_QUERY),
        request(CATEGORIES_QUERY),
      ]);
      const at = new Date().toISOString();
      const fresh = g.node?.__typename === 'Grid' ? g.node : null;
      await outbox.remember('data', {
        grid: fresh,
        tickets: t.tickets.nodes.map(keptTicket),
        categories: c.categories,
        at,
      });
      setGrid(fresh);
      setTickets(t.tickets.nodes);
      setCategories(c.categories);
      setSavedAt(at);
    } catch {
      const kept = await outbox.recall<{
        grid: Grid | null;
        tickets: PhoneTicket[];
        categories: Category[];
        at: string;
      }>('data');
      setGrid(kept?.grid ?? null);
      setTickets(kept?.tickets ?? []);
      setCategories(kept?.categories ?? []);
      setSavedAt(kept?.at ?? null);
    }
  }, [gridId, outbox]);

  const sync = useCallback(async () => {
    setSyncing(true);
    try {
      // whose session this is now: an anonymous report would be refused as a public one (not
      // UNAUTHENTICATED), so nobody signed in, or someone else, means no replay at all
      const who = await request(VIEWER_QUERY).then(
        ({ viewer: v }) => (v?.username === viewer.username ? v.username : null),
        // offline: the replay meets the network failure and waits
        (e: unknown) => (isOffline(e) ? viewer.username : null),
      );
      const replay = await outbox.replay(sendToApi, who);
      setItems(replay.items.filter((i) => i.queuedBy === viewer.username));
      if (replay.signInNeeded) {
        // the session ended: forget what was kept, keep the queue for this account's return
        setSignInNeeded(true);
        await forgetKept(outbox);
        return;
      }
      setSignInNeeded(false);
      await load();
    } finally {
      setSyncing(false);
    }
  }, [load, outbox, viewer.username]);

  useEffect(() => {
    void mine().then(setItems);
    if (navigator.onLine) void sync();
    else void load();
    // the MapLibre chunk while there is a network, so a ticket's map opens offline too
    if (navigator.onLine) void import('./TicketMap');
  }, [load, mine, outbox, sync]);
  useEffect(() => {
    if (online) void sync();
  }, [online, sync]);

  const queue = useCallback(
    async (work: QueuedWork) => {
      await outbox.add(work, viewer.username);
      setItems(await mine());
      if (navigator.onLine) await sync();
    },
    [mine, outbox, sync, viewer.username],
  );

  const waiting = items.filter((i) => i.state === 'pending');
  // a ticket with an action waiting is shown so, not offered the same step twice
  const queuedFor = useMemo(
    () => new Set(waiting.flatMap((i) => (i.work.kind === 'action' ? [i.work.ticketId] : []))),
    [waiting],
  );
  const open = tickets?.find((t) => t.id === openId) ?? null;

  return (
    <div className="phone">
      <header className="phone-top">
        <div>
          <strong data-testid="phone-grid-name">{grid?.name ?? viewer.jurisdictionName}</strong>
          <small>{viewer.displayName}</small>
        </div>
        <button
          type="button"
          className="phone-signout"
          data-testid="phone-sign-out"
          onClick={onSignOut}
        >
          {tr('退出登录')}
        </button>
        <span
          className={online ? 'phone-net online' : 'phone-net offline'}
          data-testid="phone-network"
        >
          {online ? tr('在线') : tr('离线')}
        </span>
      </header>
      {!online && (
        <p className="phone-banner" data-testid="phone-offline-banner">
          {savedAt
            ? tr('离线：显示 {time} 保存的数据，操作将在联网后发送', { time: formatTime(savedAt) })
            : tr('离线：操作将在联网后发送')}
        </p>
      )}
      <main className="phone-main">
        {open ? (
          <TicketPage
            ticket={open}
            grid={grid}
            viewer={viewer}
            queued={queuedFor.has(open.id)}
            online={online}
            onBack={() => setOpenId(null)}
            onQueue={queue}
            onChanged={load}
          />
        ) : tickets === null ? (
          <p className="phone-status">{tr('正在加载…')}</p>
        ) : tab === 'needs' ? (
          <NeedsList
            tickets={tickets}
            viewer={viewer}
            queued={queuedFor}
            onOpen={setOpenId}
            onQueue={queue}
          />
        ) : tab === 'tickets' ? (
          <TicketList tickets={byDeadline(tickets)} queued={queuedFor} onOpen={setOpenId} />
        ) : tab === 'report' ? (
          <PatrolForm
            grid={grid}
            categories={categories}
            onQueue={async (w) => {
              await queue(w);
              setTab('queue');
            }}
          />
        ) : (
          <QueueList
            items={items}
            syncing={syncing}
            online={online}
            signInNeeded={signInNeeded}
            onSignIn={onSignIn}
            onSync={() => void sync()}
            onClear={async () => {
              await outbox.clearDone(viewer.username);
              setItems(await mine());
            }}
          />
        )}
      </main>
      <nav className="phone-tabs">
        {(
          [
            ['needs', tr('待办')],
            ['tickets', tr('工单')],
            ['report', tr('上报')],
            ['queue', tr('队列')],
          ] as const
        ).map(([key, label]) => (
          <button
            key={key}
            type="button"
            className={tab === key && !open ? 'active' : ''}
            data-testid={`phone-tab-${key}`}
            onClick={() => {
              setOpenId(null);
              setTab(key);
            }}
          >
            {label}
            {key === 'queue' && waiting.length > 0 && (
              <span className="phone-badge" data-testid="phone-queue-count">
                {waiting.length}
              </span>
            )}
          </button>
        ))}
      </nav>
    </div>
  );
}

const NEED_LABEL: Record<Need, string> = {
  ACCEPT: tr('待受理'),
  VERIFY: tr('待核查'),
  CALL_BACK: tr('待回访'),
};

function TicketRow({
  ticket,
  queued,
  onOpen,
  extra,
}: {
  ticket: PhoneTicket;
  queued: boolean;
  onOpen: (id: string) => void;
  extra?: React.ReactNode;
}) {
  const left = countdown(deadlineOf(ticket), Date.now());
  return (
    <li className="phone-ticket" data-testid="phone-ticket" data-code={ticket.code}>
      <button type="button" className="phone-ticket-open" onClick={() => onOpen(ticket.id)}>
        <span className="phone-ticket-head">
          <b>{ticket.code}</b>
          <span className={`phone-status-pill s-${ticket.status}`}>
            {STATUS_LABEL[ticket.status] ?? ticket.status}
          </span>
        </span>
        <span className="phone-ticket-text">{ticket.description}</span>
        <span className="phone-ticket-meta">
          {ticket.compound?.name ?? ''} {ticket.category?.nameZh ?? ''}
          {left && <em className={ticket.overdue ? 'late' : ''}> · {left}</em>}
          {queued && <em className="queued"> · {tr('已排队')}</em>}
        </span>
      </button>
      {extra}
    </li>
  );
}

function NeedsList({
  tickets,
  viewer,
  queued,
  onOpen,
  onQueue,
}: {
  tickets: PhoneTicket[];
  viewer: Viewer;
  queued: Set<string>;
  onOpen: (id: string) => void;
  onQueue: (w: QueuedWork) => Promise<void>;
}) {
  const needs = needsMe(tickets, viewer.actions);
  if (needs.length === 0) return <p className="phone-empty">{tr('暂无待办')}</p>;
  return (
    <ul className="phone-list" data-testid="phone-needs">
      {needs.map(({ ticket, need }) => (
        <TicketRow
          key={ticket.id}
          ticket={ticket}
          queued={queued.has(ticket.id)}
          onOpen={onOpen}
          extra={
            <div className="phone-row-actions">
              <span className="phone-need">{NEED_LABEL[need]}</span>
              {need !== 'CALL_BACK' && !queued.has(ticket.id) && (
                <button
                  type="button"
                  className="primary"
                  data-testid={`phone-${need === 'ACCEPT' ? 'accept' : 'verify'}`}
                  onClick={() =>
                    void onQueue(actionOn(ticket, need === 'ACCEPT' ? 'ACCEPT' : 'VERIFY_PASS'))
                  }
                >
                  {need === 'ACCEPT' ? tr('受理') : tr('核查通过')}
                </button>
              )}
              {need === 'CALL_BACK' && (
                <button type="button" onClick={() => onOpen(ticket.id)}>
                  {tr('回访')}
                </button>
              )}
            </div>
          }
        />
      ))}
    </ul>
  );
}

const actionOn = (t: PhoneTicket, action: string, reason: string | null = null): QueuedWork => ({
  kind: 'action',
  ticketId: t.id,
  ticketCode: t.code,
  action,
  expectedVersion: t.version,
  reason,
});

function TicketList({
  tickets,
  queued,
  onOpen,
}: {
  tickets: PhoneTicket[];
  queued: Set<string>;
  onOpen: (id: string) => void;
}) {
  if (tickets.length === 0) return <p className="phone-empty">{tr('网格内暂无未办结工单')}</p>;
  return (
    <ul className="phone-list" data-testid="phone-tickets">
      {tickets.map((t) => (
        <TicketRow key={t.id} ticket={t} queued={queued.has(t.id)} onOpen={onOpen} />
      ))}
    </ul>
  );
}

function TicketPage({
  ticket,
  grid,
  viewer,
  queued,
  online,
  onBack,
  onQueue,
  onChanged,
}: {
  ticket: PhoneTicket;
  grid: Grid | null;
  viewer: Viewer;
  queued: boolean;
  online: boolean;
  onBack: () => void;
  onQueue: (w: QueuedWork) => Promise<void>;
  onChanged: () => Promise<void>;
}) {
  const [phone, setPhone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [visited, setVisited] = useState(false);
  const reveal = async () => {
    setError(null);
    try {
      const d = await request(REVEAL_PHONE_QUERY, { id: ticket.id });
      setPhone(d.node?.__typename === 'Ticket' ? d.node.reporterPhone : null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  const recordVisit = async (rating: number) => {
    setError(null);
    try {
      await request(RETURN_VISIT_MUTATION, {
        input: { ticketId: ticket.id, channel: 'PHONE', rating },
      });
      setVisited(true);
      await onChanged();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const may = (a: string) =>
    viewer.actions.includes(a as never) && ticket.allowedActions.includes(a as never);
  const steps = ['ACCEPT', 'START', 'RESOLVE', 'VERIFY_PASS', 'VERIFY_FAIL'].filter(may);
  const needsCallBack =
    ticket.status === 'VERIFIED' && !ticket.events.nodes.some((e) => e.type === 'RETURN_VISIT');
  return (
    <article className="phone-detail" data-testid="phone-detail">
      <button type="button" className="phone-back" onClick={onBack}>
        ‹ {tr('返回')}
      </button>
      <h2>
        {ticket.code}{' '}
        <span className={`phone-status-pill s-${ticket.status}`}>
          {STATUS_LABEL[ticket.status] ?? ticket.status}
        </span>
      </h2>
      <p className="phone-detail-text">{ticket.description}</p>
      <Suspense fallback={<div className="phone-map" />}>
        <TicketMap point={ticket.location ?? null} grid={grid?.boundary ?? null} />
      </Suspense>
      <dl className="phone-facts">
        <dt>{tr('位置')}</dt>
        <dd>
          {ticket.compound?.name ?? '—'}
          {ticket.building ? ` ${ticket.building.number}${tr('号楼')}` : ''}
        </dd>
        <dt>{tr('类别')}</dt>
        <dd>{ticket.category?.nameZh ?? tr('未分类')}</dd>
        <dt>{tr('上报时间')}</dt>
        <dd>{formatTime(ticket.reportedAt)}</dd>
        {deadlineOf(ticket) && (
          <>
            <dt>{tr('时限')}</dt>
            <dd>{countdown(deadlineOf(ticket), Date.now())}</dd>
          </>
        )}
        <dt>{tr('反映人')}</dt>
        <dd>
          {ticket.reporterName ?? '—'}{' '}
          <span data-testid="phone-reporter-phone">{phone ?? ticket.reporterPhone ?? ''}</span>
          {phone ? (
            <a className="phone-call" href={`tel:${phone}`} data-testid="phone-call">
              {tr('拨打')}
            </a>
          ) : (
            ticket.reporterPhone && (
              <button
                type="button"
                disabled={!online}
                data-testid="phone-reveal"
                onClick={() => void reveal()}
              >
                {tr('显示完整号码')}
              </button>
            )
          )}
          <small className="phone-hint">{tr('查看将被记录')}</small>
        </dd>
      </dl>
      {ticket.photos.length > 0 && (
        <div className="phone-photos">
          {ticket.photos.map((p) => (
            <a key={p.url} href={p.url} target="_blank" rel="noreferrer">
              <img src={p.thumbnailUrl} alt={tr('照片')} width={96} height={96} />
            </a>
          ))}
        </div>
      )}
      {queued ? (
        <p className="phone-note" data-testid="phone-detail-queued">
          {tr('已排队，联网后发送')}
        </p>
      ) : (
        steps.length > 0 && (
          <div className="phone-steps">
            {steps.includes('VERIFY_FAIL') && (
              <input
                placeholder={tr('核查不通过的原因')}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
            {steps.map((a) => (
              <button
                key={a}
                type="button"
                className={a === 'VERIFY_FAIL' ? '' : 'primary'}
                data-testid={`phone-step-${a}`}
                disabled={a === 'VERIFY_FAIL' && !reason.trim()}
                onClick={() =>
                  void onQueue(actionOn(ticket, a, a === 'VERIFY_FAIL' ? reason.trim() : null))
                }
              >
                {ACTION_LABEL[a] ?? a}
              </button>
            ))}
          </div>
        )
      )}
      {needsCallBack && !visited && (
        <div className="phone-steps" data-testid="phone-callback">
          <span>{tr('回访满意度')}</span>
          {[5, 4, 3, 2, 1].map((r) => (
            <button key={r} type="button" disabled={!online} onClick={() => void recordVisit(r)}>
              {r}
            </button>
          ))}
        </div>
      )}
      {error && <p className="phone-error">{error}</p>}
    </article>
  );
}

/** The phone's position, or why there is none. */
function useGps() {
  const [fix, setFix] = useState<{ lon: number; lat: number; accuracy: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const locate = useCallback(() => {
    if (!navigator.geolocation) {
      setProblem(tr('此设备无法定位'));
      return;
    }
    setProblem(null);
    navigator.geolocation.getCurrentPosition(
      (p) =>
        setFix({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      () => setProblem(tr('无法获取位置')),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }, []);
  useEffect(locate, [locate]);
  return { fix, problem, locate };
}

function PatrolForm({
  grid,
  categories,
  onQueue,
}: {
  grid: Grid | null;
  categories: Category[];
  onQueue: (w: QueuedWork) => Promise<void>;
}) {
  const gps = useGps();
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!photo) return;
    const url = URL.createObjectURL(photo);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [photo]);
  const worker = grid?.worker;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!worker || !gps.fix) return;
    setBusy(true);
    await onQueue({
      kind: 'report',
      idempotencyKey: newIdempotencyKey(),
      gridWorkerCode: worker.code,
      reporterName: worker.name,
      reporterPhone: worker.phone,
      categoryCode: category || null,
      description: text.trim(),
      lon: gps.fix.lon,
      lat: gps.fix.lat,
      photo: photo ? { bytes: await photo.arrayBuffer(), type: photo.type } : null,
      photoKey: null,
    });
    setBusy(false);
  };
  return (
    <form className="phone-form" onSubmit={(e) => void submit(e)} data-testid="phone-report-form">
      <h2>{tr('巡查上报')}</h2>
      <label>
        {tr('类别')}
        <select
          value={category}
          data-testid="phone-report-category"
          onChange={(e) => setCategory(e.target.value)}
        >
          <option value="">{tr('未分类')}</option>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {c.nameZh}
            </option>
          ))}
        </select>
      </label>
      <label className="phone-camera">
        {tr('拍照')}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          data-testid="phone-report-photo"
          onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
        />
      </label>
      <div className="phone-preview">
        {preview && photo && (
          <img src={preview} alt={tr('照片')} data-testid="phone-report-preview" />
        )}
      </div>
      <p className="phone-gps" data-testid="phone-report-gps">
        {gps.fix
          ? tr('位置：{lon}, {lat}（精度 {m} 米），由服务器对应到小区和楼栋', {
              lon: gps.fix.lon.toFixed(5),
              lat: gps.fix.lat.toFixed(5),
              m: Math.round(gps.fix.accuracy),
            })
          : (gps.problem ?? tr('正在定位…'))}
        {gps.problem && (
          <button type="button" onClick={gps.locate}>
            {tr('重新定位')}
          </button>
        )}
      </p>
      <label>
        {tr('情况描述')}
        <textarea
          required
          rows={4}
          value={text}
          data-testid="phone-report-text"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button
        type="submit"
        className="primary"
        disabled={busy || !gps.fix || !worker || !text.trim()}
        data-testid="phone-report-submit"
      >
        {tr('提交上报')}
      </button>
    </form>
  );
}

const STATE_LABEL: Record<QueueItem['state'], string> = {
  pending: tr('等待发送'),
  applied: tr('已生效'),
  refused: tr('被拒绝'),
};

function QueueList({
  items,
  syncing,
  online,
  signInNeeded,
  onSignIn,
  onSync,
  onClear,
}: {
  items: QueueItem[];
  syncing: boolean;
  online: boolean;
  signInNeeded: boolean;
  onSignIn: () => void;
  onSync: () => void;
  onClear: () => Promise<void>;
}) {
  return (
    <section className="phone-queue">
      {signInNeeded && (
        <p className="phone-banner" data-testid="phone-sign-in-needed">
          {tr('登录已过期：队列中的操作保留，重新登录后发送')}{' '}
          <button type="button" onClick={onSignIn} data-testid="phone-sign-in-again">
            {tr('重新登录')}
          </button>
        </p>
      )}
      <div className="phone-row-actions">
        <button
          type="button"
          className="primary"
          disabled={!online || syncing}
          onClick={onSync}
          data-testid="phone-sync"
        >
          {syncing ? tr('发送中…') : tr('立即发送')}
        </button>
        <button type="button" onClick={() => void onClear()} data-testid="phone-clear">
          {tr('清除已完成')}
        </button>
      </div>
      {items.length === 0 ? (
        <p className="phone-empty">{tr('队列为空')}</p>
      ) : (
        <ul className="phone-list" data-testid="phone-queue">
          {items.map((item) => (
            <li
              key={item.id}
              className={`phone-item ${item.state}`}
              data-testid="phone-queue-item"
              data-state={item.state}
            >
              <span className="phone-ticket-head">
                <b>
                  {item.work.kind === 'report'
                    ? tr('巡查上报')
                    : `${ACTION_LABEL[item.work.action] ?? item.work.action} ${item.work.ticketCode}`}
                </b>
                <span className={`phone-state ${item.state}`}>{STATE_LABEL[item.state]}</span>
              </span>
              <span className="phone-ticket-text">
                {item.work.kind === 'report' ? item.work.description : ''}
              </span>
              {item.outcome && (
                <span className="phone-outcome" data-testid="phone-queue-outcome">
                  {item.state === 'refused'
                    ? `${item.code}${item.reason ? ` ${item.reason}` : ''}：${item.outcome}`
                    : item.outcome}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
