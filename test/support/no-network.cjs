// Preloaded (`node --require`) into a child process that must not touch the network: every TCP or
// UDP connection and every DNS lookup fails at once and is reported on stderr, so a test that reads
// stderr proves the program made none. Unix sockets and pipes (tsx's own IPC) stay allowed.
const net = require('node:net');
const dgram = require('node:dgram');
const dns = require('node:dns');

const MARK = 'NETWORK ATTEMPT';
function refuse(what) {
  process.stderr.write(`${MARK}: ${what}\n`);
  const error = new Error(`${MARK}: ${what}`);
  error.code = 'ENETUNREACH';
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options =
    typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  if (options && typeof options.path === 'string') return connect.apply(this, args);
  const error = refuse(`tcp ${options?.host ?? 'localhost'}:${options?.port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};
dgram.Socket.prototype.send = function () {
  throw refuse('udp send');
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const original = dns[name];
  dns[name] = function (host, ...rest) {
    const callback = rest.find((arg) => typeof arg === 'function');
    const error = refuse(`dns ${name} ${host}`);
    if (callback) process.nextTick(() => callback(error));
    else return original;
  };
}
dns.promises.lookup = async (host) => {
  throw refuse(`dns lookup ${host}`);
};

module.exports = { MARK };
