import { useState } from 'react';
import { ACTION_LABEL, NEEDS_REASON } from './labels';
import type { TicketAction } from './ticket';
import { tr } from '../../i18n';

/** The loop steps the API allows this viewer now (受理, 上报上级, 转办 …), with the reason some need. */
export function TicketActions({
  actions,
  busy,
  onAct,
}: {
  actions: TicketAction[];
  busy: boolean;
  /** Resolves true when the step was taken (the reason is then cleared). */
  onAct: (action: TicketAction, reason: string | null) => Promise<boolean>;
}) {
  const [reason, setReason] = useState('');
  if (actions.length === 0) return null;
  return (
    <div className="actions">
      <input
        placeholder={tr('说明（上报、转办、缓办、核查不通过时必填）')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        data-testid="action-reason"
      />
      {actions.map((a) => (
        <button
          key={a}
          type="button"
          disabled={busy || (NEEDS_REASON.has(a) && !reason.trim())}
          data-testid={`action-${a}`}
          onClick={() => void onAct(a, reason.trim() || null).then((done) => done && setReason(''))}
        >
          {ACTION_LABEL[a] ?? a}
        </button>
      ))}
    </div>
  );
}
