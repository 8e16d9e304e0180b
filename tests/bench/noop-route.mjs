// Loaded into the API process by bench:tiles (node --import): GET /__noop answered by a plain
// Node handler ahead of the product's, so the bench can compare cached tiles with the cheapest
// answer this process can give under the same load. Bench only: never in the product.
import http from 'node:http';

const createServer = http.createServer;
http.createServer = function (...args) {
  const at = args.findIndex((a) => typeof a === 'function');
  if (at >= 0) {
    const listener = args[at];
    args[at] = (req, res) => {
      if (req.url !== '/__noop') return listener(req, res);
      res.writeHead(200, { 'content-length': '2' });
      res.end('ok');
    };
  }
  return createServer.apply(this, args);
};
