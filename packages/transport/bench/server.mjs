// The bench's HTTP server, run as a child process so the parent's process.cpuUsage() is the
// client's CPU alone. Prints its port on stdout, exits when stdin closes.
import http from 'node:http';

const body = JSON.stringify({
  group_id: '7e1d5a1c-4b0e-4f59-9b0e-0f7c4d9e8a11',
  namespace: 'demo',
  name: 'bench-group',
  description: 'A group the benchmark reads over and over',
  size: 3,
});
const server = http.createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-request-id', 'bench');
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
