import { badInput } from './errors';

// Global object identification: an id is base64("Type:key"), opaque to clients.
export type NodeType =
  | 'Region'
  | 'Compound'
  | 'Building'
  | 'Grid'
  | 'GridWorker'
  | 'PropertyCompany'
  | 'PartyOrganization'
  | 'Resource'
  | 'ResourceClaim'
  | 'Category'
  | 'Ticket'
  | 'TicketEvent'
  | 'TicketAssignment'
  | 'ApiToken';

const NODE_TYPES = new Set<string>([
  'ApiToken',
  'Region',
  'Compound',
  'Building',
  'Grid',
  'GridWorker',
  'PropertyCompany',
  'PartyOrganization',
  'Resource',
  'ResourceClaim',
  'Category',
  'Ticket',
  'TicketEvent',
  'TicketAssignment',
]);

export const toGlobalId = (type: NodeType, key: number | string): string =>
  Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');

/** Decode an id; refuses ids that are not ours with BAD_USER_INPUT naming the argument. */
export function fromGlobalId(id: string, field = 'id'): { type: NodeType; key: string } {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  const type = decoded.slice(0, colon);
  const key = decoded.slice(colon + 1);
  if (colon < 1 || !NODE_TYPES.has(type) || key === '') {
    throw badInput(field, 'INVALID_ID', `${field}: "${id}" is not a Yitu id`);
  }
  return { type: type as NodeType, key };
}

/** Decode an id that must be of one type and have an integer key. */
export function expectId(id: string, type: NodeType, field = 'id'): number {
  const decoded = fromGlobalId(id, field);
  const key = Number(decoded.key);
  if (decoded.type !== type || !Number.isSafeInteger(key) || key <= 0) {
    throw badInput(field, 'WRONG_ID_TYPE', `${field}: expected a ${type} id`);
  }
  return key;
}
