import { useEffect, useState, type FormEvent } from 'react';
import {
  FOLLOW_EXISTING_MUTATION,
  QR_COMPOUND_QUERY,
  REPORT_ADVICE_QUERY,
  REPORT_MUTATION,
} from '@yitu/schema';
import { ApiError, describeError, request, uploadPhoto } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { tr } from '../../i18n';
import { formatTime, STATUS_LABEL } from '../tickets/labels';
import { EmergencyCall } from './EmergencyCall';

const MAX_PHOTOS = 9;

const FIELD_LABEL: Record<string, string> = {
  reporterName: tr('姓名'),
  reporterPhone: tr('电话'),
  description: tr('问题描述'),
  buildingNumber: tr('楼栋'),
};

/** The text as it stands once the resident pauses typing: advice is not asked per keystroke. */
function useSettled(value: string, ms = 400): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The page behind a compound's QR code: a resident reports a problem, no sign-in. */
export function ReportPage({ compoundCode }: { compoundCode: string }) {
  const qr = useQuery(QR_COMPOUND_QUERY, { code: compoundCode });
  // undefined: still asking; null: no such compound
  const compound = qr.data ? qr.data.qrCompound : undefined;
  const [form, setForm] = useState({ name: '', phone: '', building: '', description: '' });
  const [failed, setError] = useState<string | null>(null);
  const error = failed ?? (qr.error === null ? null : describeError(qr.error));
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState<{
    code: string;
    followToken: string;
    followed: boolean;
  } | null>(null);
  const text = useSettled(form.description.trim());
  const advice = useQuery(
    REPORT_ADVICE_QUERY,
    text.length >= 2 && compound
      ? { compoundCode, text, buildingNumber: form.building || null }
      : null,
  );
  const advised = text.length >= 2 ? advice.data : null;
  const emergency = advised?.reportAdvice.emergency ?? null;
  const categoryName = (code: string | null | undefined) =>
    advised?.categories.find((c) => c.code === code)?.nameZh ?? code ?? '';
  const existing = advised?.reportAdvice.existing ?? [];
  // Photos are uploaded as they are chosen (即拍即传); the report carries their keys.
  const [photos, setPhotos] = useState<{ key: string; thumbnailUrl: string }[]>([]);
  const [uploading, setUploading] = useState(false);
  // One key per submission attempt: a double tap or a retry never makes two tickets.
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const addPhotos = async (files: FileList | null) => {
    if (!files?.length) return;
    setUploading(true);
    setError(null);
    try {
      for (const file of [...files].slice(0, MAX_PHOTOS - photos.length)) {
        const photo = await uploadPhoto(file);
        setPhotos((p) => [...p, photo]);
      }
    } catch (err) {
      setError(tr('照片上传失败：{error}', { error: describeError(err) }));
    } finally {
      setUploading(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    setError(null);
    try {
      const d = await request(REPORT_MUTATION, {
        input: {
          compoundCode,
          reporterName: form.name,
          reporterPhone: form.phone,
          description: form.description,
          buildingNumber: form.building || null,
          photoKeys: photos.map((p) => p.key),
          idempotencyKey,
        },
      });
      setDone({
        code: d.reportTicket.ticket.code,
        followToken: d.reportTicket.followToken,
        followed: false,
      });
    } catch (err) {
      const field = err instanceof ApiError ? String(err.extensions.field ?? '') : '';
      setError(`${FIELD_LABEL[field] ? `${FIELD_LABEL[field]}：` : ''}${describeError(err)}`);
    } finally {
      setSending(false);
    }
  };

  // 附议: follow the ticket someone already filed instead of filing the same matter again
  const follow = async (ticketId: string, categoryCode: string) => {
    if (!form.name.trim() || !form.phone.trim()) {
      setError(tr('请先填写姓名和电话，社区会通过它们联系您'));
      return;
    }
    setSending(true);
    setError(null);
    try {
      const d = await request(FOLLOW_EXISTING_MUTATION, {
        input: {
          ticketId,
          compoundCode,
          buildingNumber: form.building || null,
          categoryCode,
          reporterName: form.name,
          reporterPhone: form.phone,
          idempotencyKey,
        },
      });
      setDone({
        code: d.followExistingTicket.ticket.code,
        followToken: d.followExistingTicket.followToken,
        followed: true,
      });
    } catch (err) {
      const field = err instanceof ApiError ? String(err.extensions.field ?? '') : '';
      setError(`${FIELD_LABEL[field] ? `${FIELD_LABEL[field]}：` : ''}${describeError(err)}`);
    } finally {
      setSending(false);
    }
  };

  if (compound === null)
    return (
      <main className="resident">
        <p className="error">{tr('没有找到这个小区（{code}）', { code: compoundCode })}</p>
      </main>
    );
  if (done) {
    const link = `${location.origin}/f/${done.followToken}`;
    return (
      <main className="resident" data-testid="report-done">
        {emergency && <EmergencyCall kind={emergency.kind} number={emergency.number} />}
        <h1>{done.followed ? tr('已附议，谢谢！') : tr('已收到，谢谢！')}</h1>
        <p>
          {tr('工单号')} <strong data-testid="report-code">{done.code}</strong>
        </p>
        <p>
          {done.followed
            ? tr('已关注邻居反映的同一问题。用这个专属链接查看进度（请保存，勿转发）：')
            : tr('社区会尽快处理。用这个专属链接查看进度、评价结果（请保存，勿转发）：')}
        </p>
        <p>
          <a href={link} data-testid="follow-link">
            {link}
          </a>
        </p>
      </main>
    );
  }
  return (
    <main className="resident">
      {/* an emergency comes before anything else: the number to call, then the form */}
      {emergency && <EmergencyCall kind={emergency.kind} number={emergency.number} />}
      <h1>{tr('问题上报')}</h1>
      <p className="compound" data-testid="report-compound">
        {compound?.name ?? '…'}
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {tr('姓名')}
          <input
            required
            maxLength={50}
            value={form.name}
            data-testid="report-name"
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label>
          {tr('电话')}
          <input
            required
            inputMode="tel"
            value={form.phone}
            data-testid="report-phone"
            onChange={(e) => setForm({ ...form, phone: e.target.value })}
          />
        </label>
        <label>
          {tr('楼栋')}
          <select
            value={form.building}
            data-testid="report-building"
            onChange={(e) => setForm({ ...form, building: e.target.value })}
          >
            <option value="">{tr('不确定')}</option>
            {compound?.buildings.nodes.map((b) => (
              <option key={b.number} value={b.number}>
                {tr('{n} 号楼', { n: b.number })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr('问题描述')}
          <textarea
            required
            maxLength={4000}
            rows={5}
            value={form.description}
            data-testid="report-description"
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </label>
        {advised?.reportAdvice.categoryCode && (
          <p className="suggested" data-testid="report-category">
            {tr('问题分类：{name}', { name: categoryName(advised.reportAdvice.categoryCode) })}
          </p>
        )}
        {existing.length > 0 && (
          <section className="existing" data-testid="report-existing">
            <h2>{tr('已有人反映')}</h2>
            <p>{tr('附近已有同类问题在处理。是同一件事的话，关注它即可，不必重复提交：')}</p>
            <ul>
              {existing.map((x) => (
                <li key={x.id} data-testid="existing-ticket">
                  <strong>{categoryName(x.categoryCode)}</strong>{' '}
                  <span>
                    {tr('约 {m} 米 · {time} · {status}', {
                      m: Math.round(x.distanceM),
                      time: formatTime(x.reportedAt),
                      status: STATUS_LABEL[x.status] ?? x.status,
                    })}
                  </span>
                  {x.seconds > 0 && <span> {tr('· {n} 人附议', { n: x.seconds })}</span>}
                  <button
                    type="button"
                    className="secondary"
                    disabled={sending}
                    data-testid="follow-existing"
                    onClick={() => void follow(x.id, x.categoryCode)}
                  >
                    {tr('是同一件事，关注它（附议）')}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <label>
          {tr('照片（最多 {n} 张）', { n: MAX_PHOTOS })}
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            multiple
            capture="environment"
            disabled={uploading || photos.length >= MAX_PHOTOS}
            data-testid="report-photos"
            onChange={(e) => void addPhotos(e.target.files)}
          />
        </label>
        {photos.length > 0 && (
          <div className="photos" data-testid="report-photo-list">
            {photos.map((p) => (
              <img key={p.key} src={p.thumbnailUrl} alt={tr('现场照片')} />
            ))}
          </div>
        )}
        {error && (
          <p className="error" role="alert" data-testid="report-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={sending || uploading || !compound}
          data-testid="report-submit"
        >
          {sending ? tr('提交中…') : tr('提交')}
        </button>
      </form>
    </main>
  );
}
