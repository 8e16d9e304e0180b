import { STATUS_ZH, type TicketStatus } from '../modules/ticket/ticket-status';
// Notifications (issue 18): who hears of a ticket event, and how. The event relay
// (modules/ticket/ticket-events.ts) turns each ticket event into notices for the resources on
// the ticket (noticesOf, pure) and hands them to every notifier configured. In the product, one
// notifier delivers in the app: the live subscription `myNotices` of the resources' own
// accounts. SMS or WeChat is the deployer's to add (see ExternalNotifier below); nothing here
// calls any outside service.

/** One thing a resource's people should hear of. */
export interface Notice {
  /** OFFER: a dispatch was sent to the resource; TICKET_MOVED: a ticket it holds changed. */
  kind: 'OFFER' | 'TICKET_MOVED';
  resourcePk: number;
  ticketCode: string;
  ticketStatus: string;
  /** A short line in Chinese, as the phone shows it. */
  text: string;
  at: Date;
}

/** Delivers notices; a notifier never throws at the relay (failures are its own to log). */
export interface Notifier {
  readonly name: string;
  deliver(notices: readonly Notice[]): Promise<void>;
}

/**
 * The seam for SMS, WeChat template messages or any other channel. A deployer implements
 * `send` for one notice (look the resource's contact up, call the provider, keep its own retry
 * and rate), and adds the notifier to `notifiers` in http/app.ts. Contacts are personal data:
 * read them in the notifier, never put them in a Notice. Every API process relays every ticket
 * event, so with several processes an outside channel must send from one of them only (or
 * remember what it sent). Nothing in this repository implements it, so no outside service is
 * ever called.
 */
export abstract class ExternalNotifier implements Notifier {
  abstract readonly name: string;
  protected abstract send(notice: Notice): Promise<void>;
  constructor(private readonly log: (message: string) => void) {}
  async deliver(notices: readonly Notice[]): Promise<void> {
    for (const notice of notices) {
      try {
        await this.send(notice);
      } catch (error) {
        this.log(`${this.name}: ${(error as Error).message}`);
      }
    }
  }
}

/** In the app: publishes each notice to the live subscriptions of this process. */
export class InAppNotifier implements Notifier {
  readonly name = 'in-app';
  constructor(private readonly publish: (notice: Notice) => void) {}
  deliver(notices: readonly Notice[]): Promise<void> {
    for (const notice of notices) this.publish(notice);
    return Promise.resolve();
  }
}

/** Hands the notices to every notifier; one failing never keeps the others from theirs. */
export async function deliverAll(
  notifiers: readonly Notifier[],
  notices: readonly Notice[],
  log: (message: string) => void,
): Promise<void> {
  if (notices.length === 0) return;
  await Promise.all(
    notifiers.map((n) =>
      n.deliver(notices).catch((error: unknown) => log(`${n.name}: ${(error as Error).message}`)),
    ),
  );
}

export interface EventForNotice {
  type: string;
  at: Date;
  ticketCode: string;
  ticketStatus: string;
  /** The resources on the ticket now: offered or taken, and when each was sent. */
  assignments: { resourcePk: number; status: string; assignedAt: string | Date }[];
}

/**
 * The notices one ticket event makes: a DISPATCH tells each resource it newly offered (sent at
 * the event's time) of the offer; any other event tells the resources holding the ticket that
 * it moved. Resources that declined or were released hear nothing more.
 */
export function noticesOf(e: EventForNotice): Notice[] {
  const at = new Date(e.at).getTime();
  return e.assignments
    .filter((a) => a.status === 'OFFERED' || a.status === 'ACCEPTED')
    .map((a) => {
      const offered = e.type === 'DISPATCH' && new Date(a.assignedAt).getTime() === at;
      if (e.type === 'DISPATCH' && !offered) return null;
      const status = STATUS_ZH[e.ticketStatus as TicketStatus] ?? e.ticketStatus;
      return {
        kind: offered ? 'OFFER' : 'TICKET_MOVED',
        resourcePk: a.resourcePk,
        ticketCode: e.ticketCode,
        ticketStatus: e.ticketStatus,
        text: offered
          ? `新派单 ${e.ticketCode}，请接单或说明原因拒单`
          : `工单 ${e.ticketCode} ${status}`,
        at: new Date(e.at),
      } satisfies Notice;
    })
    .filter((n): n is Notice => n !== null);
}
