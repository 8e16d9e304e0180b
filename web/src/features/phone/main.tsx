import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../styles.css';
import './phone.css';
import { lang } from '../../i18n';
import { PhoneApp } from './PhoneApp';

// The grid worker's phone (/m/): its own page and bundle, without the staff map's panels, and
// its own service worker (scope /m/) that keeps the app shell for opening offline.
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';

if ('serviceWorker' in navigator)
  void navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch((e: unknown) => {
    console.error('service worker not registered', e);
  });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PhoneApp />
  </StrictMode>,
);
