/**
 * Fleet Kanban custom server: one HTTP port for the Next.js board + REST API and the `/ws`
 * WebSocket (SPEC §1, §9). Run with `tsx server.ts` (dev) or
 * `NODE_ENV=production node --import tsx server.ts` (npm start).
 *
 * Order matters: the database opens first, so a refused or corrupt file is a one-line error and
 * exit 1 before Next spends a second booting.
 */
import { createServer } from "node:http";
import next from "next";
import { WebSocketServer, WebSocket } from "ws";
import { closeRuntime, getRuntime } from "./server/runtime";
import { getHub } from "./server/ws/hub";
import { Dispatcher } from "./server/dispatcher/dispatcher";
import { buildPolicy, checkRequest, handleLogin, isLoopback, jsonMethodNotAllowed, loadOrCreateToken, rejectUpgrade, sendRefusal } from "./server/http/guards";

/** Start-up failures are user errors (bad env, bad DB file, port taken): no stack trace. */
function fatal(message: string): never {
  console.error(`Fleet Kanban: ${message}`);
  process.exit(1);
}

const dev = process.env.NODE_ENV !== "production";
const host = process.env.HOST || "127.0.0.1";
const portRaw = process.env.PORT || "4777";
const port = Number(portRaw);
if (!/^\d+$/.test(portRaw) || port > 65535) fatal(`PORT must be a port number (0-65535), got "${portRaw}"`);

// 1. Config and database first (an invalid config.yaml or DB file is a one-line error).
let dbPath: string;
let token: string | null;
try {
  const rt = getRuntime();
  dbPath = rt.paths.db;
  // The token exists either way (remote workers may use it); it is required off loopback.
  const t = loadOrCreateToken(rt.paths.token);
  token = isLoopback(host) ? null : t;
} catch (e) {
  fatal(e instanceof Error ? e.message : String(e));
}

// 2. Next, on our own HTTP server (STACK §3 pattern).
// requireHostHeader off: a request without Host reaches our guard and gets a JSON 400, not Node's bare one.
const server = createServer({ requireHostHeader: false });
const app = next({ dev, hostname: host, port, httpServer: server });
const handle = app.getRequestHandler();
try {
  await app.prepare();
} catch (e) {
  fatal(`Next.js failed to start: ${e instanceof Error ? e.message : String(e)}`);
}

// Host/Origin checks need the real port (PORT=0 picks one), so the policy is rebuilt once listening.
let policy = buildPolicy(host, port, token);

server.on("request", (req, res) => {
  const refused = checkRequest(req, policy, "http");
  if (refused) return sendRefusal(res, refused);
  // Never let a client claim to be a Next middleware subrequest (CVE-2025-29927).
  delete req.headers["x-middleware-subrequest"];
  // JSON and logs are data: never let a browser sniff them into HTML.
  res.setHeader("x-content-type-options", "nosniff");
  if (req.url?.startsWith("/login")) return handleLogin(req, res, policy.token);
  if (req.url?.startsWith("/api/")) jsonMethodNotAllowed(req, res);
  void handle(req, res);
});

// 3. WebSocket on /ws. noServer + our own upgrade listener, never `{server, path}` (STACK P6).
//    The hub (server/ws/hub.ts) tails task_events once for every client: hello, ordered batches,
//    resume with ?since=, resync, keep-alive, slow clients closed (lib/ws-protocol.ts).
//    Clients have nothing to send, so inbound frames are capped small.
const pingMs = Number(process.env.KANBAN_WS_PING_MS) || undefined; // tests shorten the keep-alive
const hub = getHub({ pingMs });
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
wss.on("connection", (ws, req) => hub.addClient(ws, req));

server.on("upgrade", (req, socket, head) => {
  const refused = checkRequest(req, policy, "upgrade");
  if (refused) return rejectUpgrade(socket, refused.status, refused.code, refused.message);
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  // Dev HMR (/_next/hmr) is handled by the upgrade listener Next attaches itself (STACK P6).
  if (dev && pathname.startsWith("/_next/")) return;
  // Anything else must be answered, or the client hangs forever.
  if (pathname !== "/ws") return rejectUpgrade(socket, 404, "not_found", `no WebSocket endpoint at ${pathname}`);
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});

server.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EADDRINUSE") fatal(`${host}:${port} is already in use (set PORT to another port)`);
  if (e.code === "EADDRNOTAVAIL") fatal(`cannot bind HOST ${host}: no such local address`);
  if (e.code === "EACCES") fatal(`not allowed to bind ${host}:${port}`);
  fatal(e.message);
});

server.listen(port, host, () => {
  const addr = server.address();
  const boundPort = typeof addr === "object" && addr ? addr.port : port;
  policy = buildPolicy(host, boundPort, token);
  const shown = host.includes(":") ? `[${host}]` : host;
  console.log(`Fleet Kanban listening on http://${shown}:${boundPort} (db: ${dbPath})`);
  if (token) {
    const near = host === "0.0.0.0" || host === "::" ? "<this-host>" : shown;
    console.log(`Bound to a non-loopback address: requests need the token. Open http://${near}:${boundPort}/login?token=${token} once in the browser.`);
  }

  hub.start(); // tails task_events, sets rt.notify for the route handlers

  // The in-server dispatcher (SPEC §6), unless KANBAN_DISPATCH is 0/false/off or config says
  // dispatch.enabled: false. It ticks every interval and as soon as anything changes.
  if (dispatcher) {
    getRuntime().dispatcher = dispatcher;
    dispatcher.start();
    console.log(`Dispatcher on: ${Object.keys(getRuntime().config.profiles).length} profile(s), tick every ${getRuntime().config.dispatch.interval_seconds}s and on every change`);
  } else {
    console.log("Dispatcher off (KANBAN_DISPATCH or dispatch.enabled); run `kanban daemon` or `kanban dispatch` elsewhere");
  }
});

const dispatchEnv = (process.env.KANBAN_DISPATCH ?? "").trim().toLowerCase();
const dispatcher = ["0", "false", "off", "no"].includes(dispatchEnv) || !getRuntime().config.dispatch.enabled
  ? null
  : new Dispatcher({
      kernel: getRuntime().kernel,
      config: getRuntime().config,
      paths: getRuntime().paths,
      superviseChildren: true,
      onChange: () => getRuntime().notify?.(),
    });

// 4. Graceful shutdown: must finish well inside 2 s (CI and process managers send SIGTERM).
let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`Fleet Kanban: ${signal}, shutting down`);
  const exit = () => {
    try {
      closeRuntime(); // checkpoints WAL; safe even if a request was mid-flight (writes are sync)
    } catch {
      /* exiting anyway */
    }
    process.exit(0);
  };
  setTimeout(exit, 1500).unref(); // hard stop if something keeps the server open
  // Background work first: no new spawns while closing. Workers keep running in their own
  // process groups; the next server (or `kanban daemon`) finds them by pid.
  dispatcher?.stop();
  hub.stop(); // timers, the file watcher, rt.notify; closes its clients with 1001
  for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.close(1001, "server shutting down");
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(exit);
  // Keep-alive and upgraded sockets would otherwise hold close() for seconds (STACK P15).
  server.closeAllConnections();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
