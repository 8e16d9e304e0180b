import { tr } from '../../i18n';

// What to do at once, by kind: the call first, then the one thing not to do.
const ADVICE: Record<string, string> = {
  GAS: tr('闻到燃气味：不要开关电器、不要点火，开窗后到室外拨打'),
  FIRE: tr('发生火情：立即撤离到安全地带，拨打'),
  LIFT: tr('有人被困电梯：请被困者不要扒门，拨打'),
  INJURY: tr('有人受伤或晕倒：立即拨打'),
  DANGER: tr('有人身危险：立即拨打'),
  CATEGORY: tr('这是紧急情况：请立即拨打'),
};

/** The number to call, before anything else on the resident's page (紧急情况不是工单). */
export function EmergencyCall({ kind, number }: { kind: string; number: string }) {
  return (
    <section className="emergency" role="alert" data-testid="emergency-call">
      <p>{ADVICE[kind] ?? ADVICE.CATEGORY}</p>
      <a href={`tel:${number}`} data-testid="emergency-number">
        {tr('拨打 {number}', { number })}
      </a>
      <p className="small">{tr('您的报告仍会提交，作为紧急工单，社区 1 小时内响应。')}</p>
    </section>
  );
}
