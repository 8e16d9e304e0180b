import { TICKET_STEPS, type TicketStep } from '../modules/ticket/ticket-machine';

// Who may do what, as data: the policy (policy.ts) and the SPA read these tables, so a role's
// rights are written once. Jurisdiction (which tickets) is separate: see policy.ts.

export const ROLES = [
  'GRID_WORKER', // 网格员: own grid (and its micro-grids)
  'COMMUNITY_STAFF', // 社区两委: own community
  'STREET_STAFF', // 街道 / 指挥中心: own street or the district
  'DEPARTMENT', // 职能部门: tickets sent on to departments (去函) in its area
  'ADMIN', // 系统管理员: accounts, tokens and the audit log; reads, never acts on tickets
  // 资源方: a volunteer, party member, social organisation or partner bound to its resource
  // record; sees and answers only the offers sent to that resource, no places, no tickets
  'RESOURCE',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'places:read', // regions, compounds, grids, buildings, resources, statistics
  'places:write', // import and edit them (建档), within the jurisdiction
  'tickets:read',
  'tickets:classify',
  'tickets:dispatch',
  'tickets:answer', // record a resource's take / decline of a dispatch
  'tickets:report', // file a patrol, hotline or counter report (a resident's QR report needs none)
  'tickets:revisit', // record a return visit 回访 (the resident's own rating stays theirs)
  'personal:reveal', // read a reporter's full phone number (every read is audited)
  'households:read', // vulnerable households of the own community
  'audit:read',
  'tokens:manage',
  'offers:own', // the offers sent to one's own resource: take, decline, done; its record, its hours
  'people:manage', // invite resources' accounts, approve party members' registrations (双报到)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// FEEDBACK and REOPEN are the resident's, through the private link; staff record a return visit
const STAFF_ACTIONS = TICKET_STEPS.filter((a) => a !== 'REOPEN' && a !== 'FEEDBACK');

// working tickets: what staff who run the loop do, and what a write:tickets token may
const TICKET_WORK: readonly Permission[] = [
  'tickets:read',
  'tickets:classify',
  'tickets:dispatch',
  'tickets:answer',
  'tickets:report',
  'tickets:revisit',
];

// what staff who run the loop may do, for a street or a community alike
const LOOP_STAFF: readonly Permission[] = ['places:read', ...TICKET_WORK, 'personal:reveal'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  GRID_WORKER: [
    'places:read',
    'tickets:read',
    'tickets:report',
    'tickets:revisit',
    'personal:reveal',
  ],
  // vulnerable households belong to the community's own staff only
  COMMUNITY_STAFF: [...LOOP_STAFF, 'households:read', 'people:manage'],
  // a street keeps its own map: its communities, compounds, grids, buildings and resources
  STREET_STAFF: [...LOOP_STAFF, 'places:write', 'people:manage'],
  DEPARTMENT: ['places:read', 'tickets:read', 'tickets:answer'],
  // an administrator sets a deployment up: on an empty start the first import is theirs
  ADMIN: ['places:read', 'places:write', 'tickets:read', 'audit:read', 'tokens:manage'],
  RESOURCE: ['offers:own'],
};

/** Ticket actions per role (REOPEN is the resident's, through the private link). */
export const ROLE_ACTIONS: Record<Role, readonly TicketStep[]> = {
  GRID_WORKER: [
    'ACCEPT',
    'START',
    'RESOLVE',
    'VERIFY_PASS',
    'VERIFY_FAIL',
    'ESCALATE',
    'SUSPEND',
    'RESUME',
  ],
  COMMUNITY_STAFF: STAFF_ACTIONS,
  STREET_STAFF: STAFF_ACTIONS,
  DEPARTMENT: ['ACCEPT', 'START', 'RESOLVE', 'TRANSFER', 'SUSPEND', 'RESUME'],
  ADMIN: [],
  // they answer their offers through answerOffer / finishOffer, never actOnTicket
  RESOURCE: [],
};

/** What a third-party API token may be granted; personal data is never among them. */
export const TOKEN_SCOPES = [
  'read:places',
  'read:tickets',
  'write:tickets',
  'introspection',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const SCOPE_PERMISSIONS: Record<TokenScope, readonly Permission[]> = {
  'read:places': ['places:read'],
  'read:tickets': ['tickets:read'],
  'write:tickets': TICKET_WORK,
  introspection: [],
};

/** A token's rights: its scopes, never more than its account's role. */
export function tokenRights(
  role: Role,
  scopes: readonly string[],
): { permissions: Permission[]; actions: TicketStep[]; introspection: boolean } {
  const granted = new Set(scopes.flatMap((s) => SCOPE_PERMISSIONS[s as TokenScope] ?? []));
  return {
    permissions: ROLE_PERMISSIONS[role].filter((p) => granted.has(p)),
    actions: scopes.includes('write:tickets') ? [...ROLE_ACTIONS[role]] : [],
    introspection: scopes.includes('introspection'),
  };
}

/** Whether a role holds all a scope gives: a token never exceeds its issuer nor its account. */
export function roleCovers(role: Role, scope: TokenScope): boolean {
  if (scope === 'write:tickets') return ROLE_ACTIONS[role].length > 0;
  return SCOPE_PERMISSIONS[scope].every((p) => ROLE_PERMISSIONS[role].includes(p));
}
