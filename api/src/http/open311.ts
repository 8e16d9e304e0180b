import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Database } from '../db';
import { resultOf, writeAudit } from '../auth/audit';
import { Guard } from '../auth/guard';
import { OPEN311_RULES, type Open311Method } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { toGlobalId } from '../graphql/ids';
import { outsideTimeBudget, settleTimeBudget } from '../db/budget';
import {
  badInput,
  ErrorCode,
  HTTP_STATUS,
  logInternalError,
  yituErrorOf,
  YituError,
} from '../errors';
import {
  CONTENT_TYPE,
  errorBody,
  OPEN311_FORMATS,
  render,
  type Open311Body,
  type Open311Format,
} from '../modules/open311/open311.format';
import {
  createRequest,
  listRequests,
  listServices,
  oneRequest,
  serviceDefinition,
  type Open311Report,
} from '../modules/open311/open311.service';
import { requestQuery } from '../modules/open311/open311.params';
import type { WorkingCalendar } from '../modules/ticket/working-calendar';

// Open311 GeoReport v2 beside /graphql, under /open311/v2/: discovery, services, service
// definitions, requests (POST and GET) and tokens, each as .json or .xml. The caller is the
// api_key (an API token, as `Authorization: Bearer` elsewhere: counted against its rate, refused
// and audited the same way); never a session cookie, so a form on another site cannot file a
// report as a signed-in browser. Errors are the spec's arrays with an HTTP status: 400 for a bad
// parameter, 403 for a bad key or scope, 404 for an unknown service or request.

const PREFIX = '/open311/v2';
const BODY_LIMIT = '64kb';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
// discovery's changeset says when clients should fetch the services again: they change with a
// deployment's categories, which are seeded as the API starts
const STARTED = new Date();

/** Our argument names as the spec names its parameters, so an error names what the caller sent. */
const PARAMETER: Record<string, string> = {
  lon: 'long',
  reporterName: 'first_name',
  reporterPhone: 'phone',
  reporterEmail: 'email',
  mediaUrl: 'media_url',
  compoundCode: 'address_id',
  buildingNumber: 'address_id',
  categoryCode: 'service_code',
};

/** The token scope that grants a permission an Open311 method needs, for the caller's error. */
const SCOPE: Record<string, string> = {
  'tickets:report': 'write:tickets',
  'tickets:read': 'read:tickets',
};

function statusOf(error: YituError): number {
  // the spec answers a missing or bad api_key, and one without the right, with 403
  if (error.code === ErrorCode.UNAUTHENTICATED || error.code === ErrorCode.FORBIDDEN) return 403;
  return HTTP_STATUS[error.code];
}

function describe(error: YituError): string {
  const field = error.field ? (PARAMETER[error.field] ?? error.field) : null;
  const why = [field, error.reason].filter(Boolean).join(' ');
  return why ? `${error.message} (${why})` : error.message;
}

/** "requests.json" → ["requests", "json"]; an unknown format is refused (answered in JSON). */
function split(file: string): { name: string; format: Open311Format } {
  const dot = file.lastIndexOf('.');
  const format = file.slice(dot + 1) as Open311Format;
  if (dot < 0 || !OPEN311_FORMATS.includes(format))
    throw new YituError(
      ErrorCode.NOT_FOUND,
      `no such path: add .json or .xml (GeoReport v2)`,
      undefined,
      'FORMAT',
    );
  return { name: file.slice(0, dot), format };
}

type Params = Record<string, unknown>;

/** One parameter as a string, or undefined; a repeated or structured one is refused. */
function param(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  // a JSON body may send lat and long as numbers
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw badInput(name, 'ONCE', `give ${name} once, as text`);
  return value;
}

function number(params: Params, name: string): number | null {
  const text = param(params, name)?.trim();
  if (text === undefined || text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw badInput(name, 'FORMAT', `${name} must be a number`);
  return value;
}

function reportOf(params: Params): Open311Report {
  const serviceCode = param(params, 'service_code')?.trim();
  if (!serviceCode) throw badInput('service_code', 'REQUIRED', 'service_code is required');
  const attribute = Object.keys(params).find((k) => k.startsWith('attribute['));
  if (attribute)
    throw badInput(attribute, 'UNKNOWN_ATTRIBUTE', `service ${serviceCode} has no attributes`);
  const lat = number(params, 'lat');
  const long = number(params, 'long');
  if ((lat === null) !== (long === null))
    throw badInput(lat === null ? 'lat' : 'long', 'PAIR', 'give both lat and long, or neither');
  const addressId = param(params, 'address_id')?.trim() || null;
  if (lat === null && addressId === null)
    throw badInput(
      'lat',
      'LOCATION_REQUIRED',
      'give lat and long, or address_id (a compound code, or "<compound code>/<building number>"); address_string is not read',
    );
  const text = (name: string) => param(params, name)?.trim() || null;
  return {
    serviceCode,
    lat,
    long,
    addressId,
    description: param(params, 'description') ?? '',
    mediaUrl: text('media_url'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    email: text('email'),
  };
}

/** What the audit line keeps of a report: where and what, never who (names, phone, email). */
const reportDetails = (params: Params) => ({
  service_code: params.service_code ?? null,
  address_id: params.address_id ?? null,
  lat: params.lat ?? null,
  long: params.long ?? null,
  description:
    typeof params.description === 'string' ? `[${params.description.length} characters]` : null,
  media_url: typeof params.media_url === 'string',
  personal: ['first_name', 'last_name', 'phone', 'email'].filter((k) => params[k] !== undefined),
});

/** What the audit line keeps of a read: its filters (none of them personal). */
const readDetails = (params: Params) =>
  Object.fromEntries(
    ['service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'page', 'page_size']
      .filter((k) => params[k] !== undefined)
      .map((k) => [k, String(params[k]).slice(0, 200)]),
  );

export interface Open311Deps {
  database: Database;
  calendar: WorkingCalendar;
  now: () => Date;
  /** The token behind headers (api_key as a bearer token); throws its refusal. */
  viewerOf: (headers: IncomingHttpHeaders, request: string) => Promise<Viewer>;
}

interface Call {
  guard: Guard;
  params: Params;
  format: Open311Format;
  base: string;
  /** Set when the answer was audited already (a change writes its line in its transaction). */
  audited: boolean;
}

export function open311Routes(deps: Open311Deps): express.Router {
  const { database, calendar, now } = deps;
  const router = express.Router();
  const body = [
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }),
    express.json({ limit: BODY_LIMIT }),
  ];

  const answer = (res: express.Response, format: Open311Format, status: number, b: Open311Body) =>
    res
      .status(status)
      .type(CONTENT_TYPE[format])
      .set('cache-control', 'no-store')
      .send(render(format, b));

  const refuse = (res: express.Response, format: Open311Format, error: YituError) => {
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.set('retry-after', String(retryAfter));
    const status = statusOf(error);
    answer(res, format, status, errorBody([{ code: status, description: describe(error) }]));
  };

  /** One GeoReport method: format, caller, the policy's rule, the answer and its audit line. */
  type Run = (call: Call) => Promise<{ status?: number; body: Open311Body }>;
  const method =
    (pick: (name: string) => [Open311Method, Run]): express.RequestHandler =>
    async (req, res) => {
      let format: Open311Format = 'json';
      const action = `${req.method} ${PREFIX}/${req.path.split('/')[1]?.replace(/\..*$/, '') ?? ''}`;
      const params: Params = { ...(req.query as Params), ...((req.body ?? {}) as Params) };
      let guard: Guard | null = null;
      const call = { audited: false } as Call;
      try {
        const file = split(String(req.params.file));
        format = file.format;
        const key = param(params, 'api_key');
        // the spec's api_key, or the Authorization header other token clients send; no cookie
        const headers: IncomingHttpHeaders = key
          ? { authorization: `Bearer ${key}` }
          : req.headers.authorization
            ? { authorization: req.headers.authorization }
            : {};
        const [which, run] = pick(file.name);
        // knowing who asks is not the asker's database time (as on /graphql)
        const viewer = await outsideTimeBudget(() => deps.viewerOf(headers, action));
        guard = new Guard(viewer, database, now);
        const need = OPEN311_RULES[which];
        if (need !== 'public' && !viewer.permissions.has(need))
          throw new YituError(
            viewer.via === 'anonymous' ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN,
            `${which === 'createRequest' ? 'filing a request' : 'reading requests'} needs an api_key with the ${SCOPE[need]} scope`,
            'api_key',
            viewer.via === 'anonymous' ? 'API_KEY_REQUIRED' : 'NO_PERMISSION',
          );
        Object.assign(call, {
          guard,
          params,
          format,
          base: `${req.protocol}://${req.get('host')}${PREFIX}`,
        });
        const out = await run(call);
        // the answer is decided: its audit line is bookkeeping, never refused for time
        settleTimeBudget();
        if (!call.audited && (viewer.via === 'token' || req.method === 'POST'))
          await guard.audit({ action, result: 'OK', details: readDetails(params) });
        answer(res, format, out.status ?? 200, out.body);
      } catch (thrown) {
        settleTimeBudget();
        // a request stopped at its time budget is a TIMEOUT (503), as on /graphql
        const error = yituErrorOf(thrown);
        if (!error) {
          logInternalError(thrown);
          return refuse(
            res,
            format,
            new YituError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'),
          );
        }
        // a refused key wrote its own line (auth/http.ts); the rest are written here
        if (guard && (guard.viewer.via === 'token' || req.method === 'POST'))
          await guard
            .audit({
              action,
              result: resultOf(error),
              details: req.method === 'POST' ? reportDetails(params) : readDetails(params),
            })
            .catch(logInternalError);
        refuse(res, format, error);
      }
    };

  const notFound = (name: string): never => {
    throw new YituError(ErrorCode.NOT_FOUND, `no such path: ${PREFIX}/${name.slice(0, 40)}`);
  };
  const discovery: Run = async ({ base }) => {
    const changeset = STARTED.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      body: {
        root: 'discovery',
        object: {
          changeset,
          contact: '请联系本街道指挥中心 Ask the street’s command centre',
          key_service:
            '管理员在一图中签发带 write:tickets 权限的 API 令牌 An administrator issues an API token with the write:tickets scope in Yitu',
          endpoints: [
            {
              specification: SPECIFICATION,
              url: base,
              changeset,
              type: 'production',
              formats: ['text/xml', 'application/json'],
            },
          ],
        },
      },
    };
  };
  const services: Run = async () => ({
    body: { root: 'services', item: 'service', list: await listServices(database) },
  });
  const requests: Run = async ({ guard, params }) => {
    const at = now();
    const query = requestQuery(
      Object.fromEntries(
        [
          'service_request_id',
          'service_code',
          'start_date',
          'end_date',
          'status',
          'page',
          'page_size',
        ].map((k) => [k, param(params, k)]),
      ),
      at,
    );
    return {
      body: {
        root: 'service_requests',
        item: 'request',
        list: await listRequests(database, guard.viewer, query, at),
      },
    };
  };
  router.get(
    '/:file',
    method((name) =>
      name === 'discovery'
        ? ['discovery', discovery]
        : name === 'services'
          ? ['services', services]
          : name === 'requests'
            ? ['readRequests', requests]
            : notFound(name),
    ),
  );
  router.get(
    '/services/:file',
    method((name) => [
      'serviceDefinition',
      async () => {
        const definition = await serviceDefinition(database, name);
        if (!definition)
          throw new YituError(ErrorCode.NOT_FOUND, `no service ${name.slice(0, 100)}`);
        return { body: { root: 'service_definition', object: definition } };
      },
    ]),
  );
  router.get(
    '/requests/:file',
    method((name) => [
      'readRequests',
      async ({ guard }) => ({
        body: {
          root: 'service_requests',
          item: 'request',
          list: [await oneRequest(database, guard.viewer, name, now())],
        },
      }),
    ]),
  );
  const create: Run = async (call) => {
    const report = reportOf(call.params);
    const at = now();
    // the ticket and its audit line commit together, or neither
    const record = await createRequest(
      database,
      report,
      call.guard.actor,
      at,
      calendar,
      (tx, ticketId) =>
        writeAudit(tx, call.guard.viewer, at, {
          action: `POST ${PREFIX}/requests`,
          target: toGlobalId('Ticket', ticketId),
          result: 'OK',
          details: reportDetails(call.params),
        }),
    );
    call.audited = true;
    return { status: 201, body: { root: 'service_requests', item: 'request', list: [record] } };
  };
  router.post(
    '/:file',
    ...body,
    method((name) => (name === 'requests' ? ['createRequest', create] : notFound(name))),
  );
  router.get(
    '/tokens/:file',
    method((name) => [
      'token',
      async () => {
        // POST requests answers the service_request_id at once: no token is ever handed out
        throw new YituError(
          ErrorCode.NOT_FOUND,
          `no token ${name.slice(0, 40)}: requests are created at once and POST requests answers their service_request_id`,
        );
      },
    ]),
  );
  // a body that is not a form (or JSON), or too large: the spec's error, not an HTML page
  router.use(
    (
      error: { type?: string },
      req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      const format: Open311Format = req.path.endsWith('.xml') ? 'xml' : 'json';
      if (error.type === 'entity.too.large')
        refuse(
          res,
          format,
          new YituError(ErrorCode.PAYLOAD_TOO_LARGE, `the body is over ${BODY_LIMIT}`),
        );
      else if (error.type === 'entity.parse.failed' || error.type === 'parameters.too.many')
        refuse(
          res,
          format,
          new YituError(ErrorCode.BAD_REQUEST, 'the body is not a form this takes'),
        );
      else next(error);
    },
  );
  router.use((req, res) => {
    const format: Open311Format = req.path.endsWith('.xml') ? 'xml' : 'json';
    refuse(
      res,
      format,
      new YituError(ErrorCode.NOT_FOUND, `no such path: ${PREFIX}${req.path.slice(0, 80)}`),
    );
  });
  return router;
}
