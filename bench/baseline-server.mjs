// The benchmark's baseline: a bare node:http server that answers every GET with the same bytes
// (the emulator's own /servers/detail body, saved by the benchmark), and nothing else. The
// emulator's throughput is reported as a ratio to this, measured in the same run, so machine
// noise cancels out. Usage: node bench/baseline-server.mjs <port> <body-file>
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'

const [port, file] = process.argv.slice(2)
const body = readFileSync(file)
createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-openstack-request-id': 'req-00000000-0000-4000-8000-000000000000' })
  res.end(body)
}).listen(Number(port), '127.0.0.1')
