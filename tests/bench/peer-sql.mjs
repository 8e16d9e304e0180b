// The raw SQL for bench:peer, in its own process: a plain Node HTTP server over a pg pool of 10
// (as the API's) that answers GET /<case> with the one row, one column (json text) its statement
// returns, nothing else in between. The floor of any API over this database. Bench only.
// Env: DATABASE_URL, PEER_SQL = JSON { case: statement }; prints "SQL: <url>" when it listens.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import pg from 'pg';

const statements = JSON.parse(process.env.PEER_SQL ?? '{}');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const server = http.createServer((req, res) => {
  const text = statements[req.url.slice(1)];
  if (!text) {
    res.writeHead(404).end();
    return;
  }
  // a named statement: parsed and planned once per connection, as a careful API would
  pool.query({ name: req.url.slice(1), text }).then(
    (result) => {
      const body = String(Object.values(result.rows[0] ?? {})[0] ?? 'null');
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    },
    (error) => {
      res.writeHead(500).end(String(error));
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  console.log(`SQL: http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
