import type { Viewer } from '@yitu/api/testing';

/**
 * A viewer made in a test, for services called without a request: no account, the permissions
 * given, the jurisdiction given merged over none (`{ all: true }` for a whole district).
 */
export const testViewer = (
  permissions: string[],
  jurisdiction: Partial<Viewer['jurisdiction']> = {},
  over: Partial<Viewer> = {},
): Viewer => ({
  via: 'session',
  account: null,
  credentialPk: null,
  tokenName: null,
  expiresAt: null,
  permissions: new Set(permissions) as Viewer['permissions'],
  actions: new Set(),
  introspection: false,
  jurisdiction: {
    all: false,
    communityPks: [],
    gridPks: [],
    departmentOnly: false,
    ...jurisdiction,
  },
  sessionExpired: false,
  ...over,
});
