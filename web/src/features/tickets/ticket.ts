import type { ResultOf, TICKET_PANEL_QUERY } from '@yitu/schema';

/** One ticket as the ticket panel asks for it (TICKET_PANEL_QUERY). */
export type Ticket = Extract<ResultOf<typeof TICKET_PANEL_QUERY>['node'], { __typename: 'Ticket' }>;
export type TicketAction = Ticket['allowedActions'][number];
export type Category = { code: string; nameZh: string };
