import { createContext, useContext } from 'react';
import type { Role, Viewer } from '../../data/session';
import { tr } from '../../i18n';

// The signed-in viewer for the staff app, and how each role is called.

export interface Session {
  viewer: Viewer;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session the staff app runs in (null outside the sign-in gate, e.g. in a unit test). */
export const useSession = (): Session | null => useContext(SessionContext);

export const ROLE_LABEL: Record<Role, string> = {
  GRID_WORKER: tr('网格员'),
  COMMUNITY_STAFF: tr('社区两委'),
  STREET_STAFF: tr('街道·指挥中心'),
  DEPARTMENT: tr('职能部门'),
  ADMIN: tr('系统管理员'),
  RESOURCE: tr('资源方'),
};
