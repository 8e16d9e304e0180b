import { badInput, notFound } from '../errors';

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
  | 'ApiToken'
  | 'DataImport';

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
  'DataImport',
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

/** Keys are PostgreSQL integers: a larger one cannot exist (and would fail in SQL). */
const MAX_KEY = 2_147_483_647;

/** The key as a row's integer key, or null when it cannot be one. */
export function integerKey(key: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(key)) return null;
  const value = Number(key);
  return value <= MAX_KEY ? value : null;
}

/** Decode an id that must be of one type and have an integer key; NOT_FOUND past any key. */
export function expectId(id: string, type: NodeType, field = 'id'): number {
  const decoded = fromGlobalId(id, field);
  if (decoded.type === type && /^\d+$/.test(decoded.key) && Number(decoded.key) > MAX_KEY)
    throw notFound(`${type} ${id}`);
  const key = integerKey(decoded.key);
  if (decoded.type !== type || key === null) {
    throw badInput(field, 'WRONG_ID_TYPE', `${field}: expected a ${type} id`);
  }
  return key;
}
