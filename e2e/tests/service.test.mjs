// The server run as a service: JSON request logs without personal data, health and metrics
// endpoints, and a graceful stop on SIGTERM that lets a request in flight finish.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startServer, launchBrowser, signedInAs, freePort } from "./server.mjs";

let server, browser, metricsPort;
before(async () => {
  metricsPort = await freePort();
  server = await startServer({
    captureLogs: true,
    env: { BLUEDOT_LOG: "info,sqlx=warn", BLUEDOT_LOG_FORMAT: "json", BLUEDOT_METRICS_LISTEN: `127.0.0.1:${metricsPort}` },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("each request is one JSON log line with its id, and no name, phone or query reaches the log", async () => {
  const worker = await signedInAs(server, browser, "worker.logs", "--role", "social-worker", "--hub", "siret-border");
  const page = worker.page;
  await page.goto(`${server.url}/staff/people/new`);
  await page.fill("#given_name", "Ярина");
  await page.fill("#family_name", "Логвиненко");
  await page.check("input[name=sex][value=female]");
  await page.fill("#age", "9");
  await page.fill("#phone", "+380 50 123 45 67");
  await page.check("input[name=need][value=separated-child]");
  await page.selectOption("#consent_by", "parent");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");
  await page.goto(`${server.url}/staff/people?q=${encodeURIComponent("Логвиненко")}`);
  await page.goto(`${server.url}/uk/hubs?q=${encodeURIComponent("Ярина Логвиненко")}`);
  const answer = await page.request.get(`${server.url}/healthz`, { headers: { "x-request-id": "probe-42" } });
  assert.equal(answer.headers()["x-request-id"], "probe-42");
  await worker.context.close();

  const lines = server.logs().split("\n").filter((l) => l.startsWith("{"));
  const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.message === "request");
  assert.ok(requests.length > 10, `${requests.length} request lines`);
  for (const r of requests) {
    assert.ok(r.request_id && r.method && r.route && r.status && r.duration_ms !== undefined, JSON.stringify(r));
  }
  assert.ok(requests.some((r) => r.request_id === "probe-42" && r.route === "/healthz"));
  assert.ok(requests.some((r) => r.route === "/staff/people" && r.method === "POST"));
  const all = server.logs();
  for (const secret of ["Ярина", "Логвиненко", "123 45 67", "%D0", "q="]) {
    assert.ok(!all.includes(secret), `the log holds ${secret}`);
  }
});

test("health, readiness and metrics answer for load balancers and Prometheus", async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get("cache-control"), "no-store");
  const ready = await (await fetch(`${server.url}/readyz`)).json();
  assert.deepEqual(ready, { status: "ready", database: "ok", migrations: "ok", keys: "ok" });
  // Metrics are on their own address, not on the site.
  assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  for (const name of [
    'bluedot_http_requests_total{method="GET",route="/{lang}/hubs",status="200"}',
    "bluedot_http_request_duration_seconds_bucket",
    'bluedot_db_pool_connections{state="open"}',
    "bluedot_transfer_deliveries_waiting",
    "bluedot_transfer_oldest_waiting_seconds",
    "bluedot_audit_entries",
    "bluedot_audit_last_entry_timestamp_seconds",
    "bluedot_directory_entries_due",
    "bluedot_sign_in_failures",
    "bluedot_accounts_locked",
  ]) {
    assert.ok(metrics.includes(name), `metrics lack ${name}`);
  }
  assert.ok(!metrics.includes("Ярина"));
});

test("SIGTERM during a request lets it finish, then the server exits cleanly", async () => {
  const { port } = new URL(server.url);
  const socket = net.connect(Number(port), "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  let answer = "";
  socket.on("data", (d) => { answer += d; });
  const closed = new Promise((r) => socket.once("close", r));
  const body = "x".repeat(64);
  // Headers and half the body; the server is waiting for the rest when it is told to stop.
  socket.write(`POST /api/transfers HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 32)}`);
  await new Promise((r) => setTimeout(r, 300));
  const exited = server.signal("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  socket.write(body.slice(32));
  await closed;
  assert.match(answer, /^HTTP\/1\.1 (503|400)/, answer);
  assert.equal(await exited, 0);
});
