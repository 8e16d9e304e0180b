// PostGraphile 4 for bench:peer, in its own process: the public schema of the bench database
// with @graphile/postgis (geometry as GeoJSON) and the connection-filter plugin, plus the bench's
// own `peer` schema (a bbox search and a grid-at-point function, the way a PostGraphile project
// adds them). Its pg pool is pg's default of 10, as the API's. Production settings: no watch, no query log, no GraphiQL. Bench only: never part of
// the product. Env: DATABASE_URL; prints "PostGraphile: <url>/graphql" when it listens.
import http from 'node:http';
import PostgisPlugin from '@graphile/postgis';
import ConnectionFilterPlugin from 'postgraphile-plugin-connection-filter';
import { postgraphile } from 'postgraphile';

const middleware = postgraphile(process.env.DATABASE_URL, ['public', 'peer'], {
  appendPlugins: [PostgisPlugin.default ?? PostgisPlugin, ConnectionFilterPlugin],
  disableQueryLog: true,
  graphiql: false,
  watchPg: false,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  legacyRelations: 'omit',
  graphileBuildOptions: { connectionFilterRelations: false },
});
const server = http.createServer(middleware);
server.listen(0, '127.0.0.1', () => {
  console.log(`PostGraphile: http://127.0.0.1:${server.address().port}/graphql`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
