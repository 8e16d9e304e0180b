import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { FollowPage } from './features/resident/FollowPage';
import { ReportPage } from './features/resident/ReportPage';
import { StaffGate } from './features/session/StaffGate';
import { PeopleApp } from './features/people/PeopleApp';
import { lang, tr } from './i18n';

// Four entrances: the resident's QR page (/r/<compound code>), the resident's private follow
// link (/f/<token>), the phone pages of the people who do the work (/v/, /v/invite#<token>),
// and the staff map (everything else). The map and MapLibre load only for
// staff, so a resident's phone fetches a small page; staff sign in first (StaffGate), and the
// map loads only once they have.
const StaffApp = lazy(() => import('./App').then((m) => ({ default: m.App })));

document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';

const [, section, key] = location.pathname.split('/');
const page =
  section === 'r' && key ? (
    <ReportPage compoundCode={decodeURIComponent(key)} />
  ) : section === 'f' && key ? (
    <FollowPage token={decodeURIComponent(key)} />
  ) : section === 'v' ? (
    // the people who do the work: volunteers, party members, organisations, partners
    <PeopleApp path={key ?? ''} />
  ) : (
    <StaffGate>
      <Suspense fallback={<p className="status">{tr('正在加载…')}</p>}>
        <StaffApp />
      </Suspense>
    </StaffGate>
  );

createRoot(document.getElementById('root')!).render(<StrictMode>{page}</StrictMode>);
