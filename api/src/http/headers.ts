import type express from 'express';
import type { Basemap } from '../config';

// Headers on every answer. Pages get a Content-Security-Policy (scripts, styles and workers from
// this origin only; MapLibre's workers start from blob: URLs) and may not be framed
// (clickjacking of 派单 or 办结). A resident's pages send no Referer anywhere: the private follow
// link (/f/<token>) is in their URL. The staff map sends only its origin, and only when a
// basemap is configured (tile hosts such as Tianditu check which site asks).

/** A CSP source for the basemap's host: a template's {s}-style subdomain becomes `*`. */
export function basemapSource(url: string): string {
  const match = /^(https?:)\/\/([^/?#]+)/.exec(url);
  if (!match) return "'none'";
  const labels = match[2]!.split('.').map((label) => (label.includes('{') ? '*' : label));
  // CSP allows a wildcard only as the leftmost label; elsewhere the scheme is the narrowest
  if (labels.slice(1).includes('*')) return match[1]!;
  return `${match[1]}//${labels.join('.')}`;
}

export function contentSecurityPolicy(basemap: Basemap | null, page: 'app' | 'graphiql'): string {
  const remote = basemap ? ` ${basemapSource(basemap.url)}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // GraphiQL's editor (Monaco) writes <style> elements at run time
    page === 'graphiql' ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    `img-src 'self' data: blob:${remote}`,
    "font-src 'self' data:",
    `connect-src 'self'${remote}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers every answer to a path carries (the tiles' own handler sets them too). */
export function securityHeaderValues(
  basemap: Basemap | null,
): (path: string) => Record<string, string> {
  const app = contentSecurityPolicy(basemap, 'app');
  const graphiql = contentSecurityPolicy(basemap, 'graphiql');
  return (path) => ({
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': path === '/graphql' ? graphiql : app,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': basemap && !/^\/[rf]\//.test(path) ? 'strict-origin' : 'no-referrer',
  });
}

export function securityHeaders(basemap: Basemap | null): express.RequestHandler {
  const headersFor = securityHeaderValues(basemap);
  return (req, res, next) => {
    res.set(headersFor(req.path));
    next();
  };
}
