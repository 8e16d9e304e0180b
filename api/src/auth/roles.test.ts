import { describe, expect, it } from 'vitest';
import { ROLE_ACTIONS, ROLE_PERMISSIONS, ROLES, tokenRights, TOKEN_SCOPES } from './roles';

describe('roles and token scopes', () => {
  it('never lets a token read personal data, whatever its account and scopes', () => {
    for (const role of ROLES) {
      const { permissions } = tokenRights(role, [...TOKEN_SCOPES]);
      expect(permissions).not.toContain('personal:reveal');
      expect(permissions).not.toContain('households:read');
      expect(permissions).not.toContain('audit:read');
    }
  });

  it('gives a token no more than its account’s role', () => {
    const rights = tokenRights('DEPARTMENT', ['write:tickets']);
    expect(rights.permissions).not.toContain('tickets:dispatch');
    expect(rights.actions).toEqual([...ROLE_ACTIONS.DEPARTMENT]);
    expect(tokenRights('COMMUNITY_STAFF', ['read:places']).actions).toEqual([]);
  });

  it('ignores unknown scopes', () => {
    expect(tokenRights('STREET_STAFF', ['root', 'read:places']).permissions).toEqual([
      'places:read',
    ]);
  });

  it('keeps administrators and departments away from dispatching, and residents’ REOPEN from staff', () => {
    expect(ROLE_ACTIONS.ADMIN).toEqual([]);
    expect(ROLE_PERMISSIONS.DEPARTMENT).not.toContain('tickets:dispatch');
    for (const role of ROLES) expect(ROLE_ACTIONS[role]).not.toContain('REOPEN');
    expect(ROLE_PERMISSIONS.COMMUNITY_STAFF).toContain('households:read');
    expect(ROLE_PERMISSIONS.STREET_STAFF).not.toContain('households:read');
  });
});
