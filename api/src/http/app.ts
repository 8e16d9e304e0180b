import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express from 'express';
import { sql } from 'drizzle-orm';
import { repoRoot, type Config } from '../config';
import { QUERY_LIMITS, queryLimitRules } from '../graphql/limits';
import type { Database } from '../db';
import { createContext, type Context } from '../graphql/context';
import { asGraphQLError, ErrorCode, formatError, logInternalError, YituError } from '../errors';
import { photoStorageIn } from '../modules/photo/photo.storage';
import { graphiqlHandler } from './graphiql';
import { securityHeaders, securityHeaderValues } from './headers';
import { bodyNotJson, refuse } from './refuse';
import { sqlAnswers, type SqlAnswers } from './sql-answers';
import { photoRoutes } from './uploads';
import { importRoutes } from './imports';
import { exportRoutes } from './exports';
import { open311Routes } from './open311';
import { reportRoutes } from './reports';
import { posterRoutes } from './posters';
import { tileHandler, type TileHandler } from './tiles';
import { createTileService } from '../modules/tile/tiles';
import { buildYituSchema } from '../graphql/schema';
import { compiledExecution } from '../graphql/executor';
import { createTicketPubSub, relayTicketEvents } from '../modules/ticket/ticket-events';
import { createCalendar } from '../modules/ticket/working-calendar';
import { authenticate, securityPlugin } from '../auth/http';
import { SessionMemory } from '../auth/session-memory';
import { SESSION_COOKIE } from '../auth/credentials';
import { CREDENTIALS_CHANNEL, serveLiveEvents } from './live';
import { requestTimeBudget, timeBudgetPlugin } from './budget';
import { outsideTimeBudget } from '../db/budget';

/** Largest GraphQL request body: far above any real query, far below a memory problem. */
const BODY_LIMIT = '256kb';
const BODY_LIMIT_BYTES = 256 * 1024;

export interface RunningApp {
  server: http.Server;
  url: string;
  stop(): Promise<void>;
}

/** API and map on one port: /graphql, /health, and the built SPA for every other path. */
export async function startApp(
  config: Config,
  database: Database,
  // Off for an app over a test transaction: PGlite's single connection cannot LISTEN inside it.
  options: { liveEvents?: boolean } = {},
): Promise<RunningApp> {
  const app = express();
  app.disable('x-powered-by');
  // behind proxies, req.ip is the client they name (sign-in throttling, per-client upload rate)
  app.set('trust proxy', config.trustProxyHops);
  app.use(securityHeaders(config.basemap));
  // tiles first, by a plain handler: a map asks for dozens a second, and Express's chain would
  // cost more than a cached tile does (http/tiles.ts)
  // a map's answers run to hundreds of kB of coordinates: gzip when the client takes it (both
  // ways of answering /graphql)
  const compressGraphql = compression({ threshold: '1kb' });
  const first: { tiles?: TileHandler; answers?: SqlAnswers } = {};
  const server = http.createServer((req, res) => {
    if (!first.tiles?.handle(req, res) && !first.answers?.handle(req, res)) app(req, res);
  });
  const pubSub = createTicketPubSub();
  const schema = await buildYituSchema(pubSub);
  const now = () => new Date(Date.now() + config.clockOffsetMs);
  // deadlines count working hours on the configured holidays (YITU_HOLIDAYS, …WORKING_WEEKENDS)
  const calendar = createCalendar(config);
  // Subscriptions: graphql-ws on the same path; events arrive through LISTEN/NOTIFY.
  const live = serveLiveEvents(server, schema, database, now, calendar);
  const stopRelay =
    options.liveEvents === false
      ? async () => {}
      : await relayTicketEvents(database, pubSub, (m) => console.error(m));
  // vector tiles, cached in this process; ticket events and place writes drop what they touch
  const tiles = await createTileService(database, now, {
    listen: options.liveEvents !== false,
    maxBytes: config.tileCacheBytes,
    log: (m) => console.error(m),
  });
  // sessions' viewers for a few seconds, for tiles and /graphql; only while this process hears
  // revocations (below), so a session signed out elsewhere is forgotten at once
  const listening = options.liveEvents !== false;
  const sessions = new SessionMemory();
  const tileRouter = tileHandler(
    database,
    tiles,
    now,
    securityHeaderValues(config.basemap)('/tiles/'),
    sessions,
  );
  first.tiles = tileRouter;
  // a signed-in map's reads of places, answered by one statement before Express and Apollo
  // (http/sql-answers.ts); only while this process hears revocations, as the memory of sessions
  if (config.sqlAnswers && listening)
    first.answers = sqlAnswers({
      database,
      schema,
      sessions,
      now,
      bodyLimitBytes: BODY_LIMIT_BYTES,
      budgetMs: config.timeBudgetMs,
      headers: { ...securityHeaderValues(config.basemap)('/graphql'), 'cache-control': 'no-store' },
      compress: compressGraphql,
      general: (req, res) => app(req, res),
    });
  // a credential signed out or revoked through any process closes its sockets here (and is
  // forgotten by the memory of sessions)
  const stopRevocations =
    options.liveEvents === false
      ? async () => {}
      : await database.listen(CREDENTIALS_CHANNEL, (pk) => {
          live.closeCredential(Number(pk));
          sessions.forget(Number(pk));
        });
  const apollo = new ApolloServer<Context>({
    // the schema, run by compiled operations (graphql/executor.ts)
    gateway: compiledExecution(schema),
    // internals (stack traces, failing SQL and its parameters) go to the server's log, never
    // to the caller, in every mode
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, logInternalError),
    // main.ts owns shutdown; Apollo's own signal handlers would race it.
    stopOnTerminationSignals: false,
    // Depth, alias, directive and token bombs are refused before anything runs.
    validationRules: queryLimitRules,
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
    // One operation per request (Apollo's default, stated): a batch could multiply any limit.
    allowBatchedHttpRequests: false,
    // Introspection is decided per caller by securityPlugin (sessions, or the token scope).
    introspection: true,
    plugins: [
      timeBudgetPlugin,
      securityPlugin,
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        serverWillStart: async () => ({
          drainServer: async () => {
            await live.dispose();
          },
        }),
      },
      ApolloServerPluginLandingPageDisabled(),
      // No field carries a cache hint: Apollo's cache-control plugin (on by default) would wrap
      // every field's resolution to compute an answer of `no-store` (set below, once). Nothing is
      // reported to Apollo's services, whatever the environment says.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();

  // What the map app needs to know at start: which basemap, if any (YITU_BASEMAP_*).
  app.get('/config.json', (_req, res) => {
    res.json({ basemap: config.basemap });
  });
  app.get('/health', async (_req, res) => {
    try {
      await database.rows(sql`SELECT 1`);
      res.json({ status: 'ok', engine: database.engine });
    } catch {
      res.status(503).json({ status: 'unavailable', engine: database.engine });
    }
  });
  app.use(
    photoRoutes(
      database,
      photoStorageIn(config.dataDir),
      {
        maxBytes: config.maxPhotoBytes,
        maxPixels: config.maxPhotoPixels,
        anonymousPerHour: config.anonymousUploadsPerHour,
        unattachedQuotaBytes: config.unattachedPhotoQuotaBytes,
      },
      async (headers, request) => (await authenticate(database, headers, now(), request)).viewer,
      now,
    ),
  );
  app.use(
    importRoutes(
      database,
      config.maxImportBytes,
      async (headers, request) => (await authenticate(database, headers, now(), request)).viewer,
      now,
    ),
  );
  app.use(
    exportRoutes(
      database,
      async (headers, request) => (await authenticate(database, headers, now(), request)).viewer,
      now,
    ),
  );
  // Open311 GeoReport v2 for outside civic tools: tokens only (api_key), never the session cookie
  app.use(
    '/open311/v2',
    // each request's database time is budgeted as a GraphQL request's is (http/budget.ts)
    requestTimeBudget(config.timeBudgetMs),
    open311Routes({
      database,
      calendar,
      now,
      viewerOf: async (headers, request) =>
        (await authenticate(database, headers, now(), request)).viewer,
    }),
  );
  app.use(
    reportRoutes(
      database,
      async (headers, request) => (await authenticate(database, headers, now(), request)).viewer,
      now,
      config.pdfFont,
    ),
  );
  app.use(
    posterRoutes(
      database,
      async (headers, request) => (await authenticate(database, headers, now(), request)).viewer,
      now,
      { publicBaseUrl: config.publicBaseUrl, font: config.pdfFont },
    ),
  );
  const webDist = path.join(repoRoot, 'web', 'dist');
  // Browsers asking for /graphql get GraphiQL, served from the product (no CDN).
  app.get('/graphql', graphiqlHandler(webDist));
  app.use(
    '/graphql',
    compressGraphql,
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      // answers name people and places: never kept by a cache on the way
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    // after the body is read: its budget covers the request's database work only
    requestTimeBudget(config.timeBudgetMs),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const at = now();
        const request = `${req.method} /graphql`;
        const { viewer, sessionSecret } = await outsideTimeBudget(() =>
          listening
            ? sessions.authenticate(database, req.headers, at, request)
            : authenticate(database, req.headers, at, request),
        ).catch((error: unknown) => {
          // Apollo answers a context's GraphQLError with its status, anything else with 500
          throw error instanceof YituError ? asGraphQLError(error) : error;
        });
        return createContext(database, now, calendar, viewer, {
          secret: sessionSecret,
          client: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          set: (secret, expiresAt) =>
            res.cookie(SESSION_COOKIE, secret, {
              httpOnly: true,
              sameSite: 'strict',
              secure: req.secure || config.secureCookies,
              path: '/',
              expires: expiresAt,
            }),
          clear: () => {
            // signed out: forgotten here at once (other processes by the NOTIFY)
            if (sessionSecret) sessions.forgetSecret(sessionSecret);
            res.clearCookie(SESSION_COOKIE, { path: '/' });
          },
        });
      },
    }),
  );
  // A body over the limit or not JSON: a coded error like every other, not an HTML page.
  app.use(
    '/graphql',
    (
      error: { type?: string; status?: number },
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error.type === 'entity.too.large')
        refuse(
          res,
          new YituError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `the request body is over ${BODY_LIMIT}`,
            undefined,
            undefined,
            { limit: BODY_LIMIT },
          ),
        );
      else if (error.type === 'entity.parse.failed') refuse(res, bodyNotJson());
      else next(error);
    },
  );
  // anything else that fails: logged here, a bare 500 to the caller (never express's stack page)
  app.use(
    (error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      logInternalError(error);
      refuse(res, new YituError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
    },
  );

  if (fs.existsSync(path.join(webDist, 'index.html'))) {
    // the phone's service worker is looked for afresh on each visit, so an update reaches it
    app.get('/m/sw.js', (_req, res, next) => {
      res.setHeader('cache-control', 'no-cache');
      next();
    });
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // the grid worker's phone (/m/): its own page, an installable PWA
    app.get(/^\/m(\/.*)?$/, (_req, res) => res.sendFile(path.join(webDist, 'm.html')));
    // Client-side routes (/r/<compound code>, …) all load the SPA.
    app.get(
      /^\/(?!graphql|health|photos|uploads|imports|exports|posters|reports|tiles|open311).*/,
      (_req, res) => res.sendFile(path.join(webDist, 'index.html')),
    );
  } else {
    app.get('/', (_req, res) =>
      res
        .type('text')
        .send('Yitu API is running. The map is not built: run `pnpm build` (or `pnpm start`).'),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    server,
    url: `http://${shownHost}:${port}`,
    stop: async () => {
      await stopRelay();
      await stopRevocations();
      await tiles.stop();
      await apollo.stop();
      server.closeAllConnections();
    },
  };
}
