import path from 'node:path';
import type express from 'express';

/**
 * GraphiQL at GET /graphql: the page built by Vite into web/dist/graphiql.html (all assets
 * local, no CDN). Mount before Apollo: `app.get('/graphql', graphiqlHandler(webDist))`.
 */
export function graphiqlHandler(webDist: string): express.RequestHandler {
  const page = path.join(webDist, 'graphiql.html');
  return (req, res, next) => {
    // One URL, two representations (page or GraphQL response): caches must key on Accept.
    res.vary('Accept');
    // A browser opening /graphql asks for text/html first (`*/*` only at q=0.8), so 'html'
    // wins; GraphQL clients ask for JSON (application/json, application/graphql-response+json)
    // or send `*/*`, where the first listed type, 'json', wins. A GET carrying `query` (or an
    // APQ `extensions`) is a GraphQL-over-HTTP operation whatever it accepts: Apollo's.
    const wantsPage =
      req.accepts(['json', 'html']) === 'html' &&
      req.query.query === undefined &&
      req.query.extensions === undefined;
    if (!wantsPage) return next();
    // graphiql.html missing (web/dist built before GraphiQL existed): let Apollo answer.
    res.sendFile(page, (err) => {
      if (err && !res.headersSent) next();
    });
  };
}
