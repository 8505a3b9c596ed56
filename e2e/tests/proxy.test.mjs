// Two bluedot processes on one PostgreSQL database behind nginx, configured as deploy/ ships
// it: a staff member signs in through the proxy with two factors (the session made on one
// process holds on the other), and the client address is taken from the proxy only because
// the proxy is trusted; a forged X-Forwarded-For counts for nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launchBrowser, signedInAs, freePort, databases } from "./server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = process.env.BLUEDOT_BIN || join(root, "target", "debug", "bluedot");
const POSTGRES = process.env.BLUEDOT_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";
// nginx connects to the processes from this loopback address, the only trusted proxy.
const PROXY_SOURCE = "127.0.0.5";

const postgres = databases().find((d) => d.name === "PostgreSQL");
let database, first, second, nginx, proxyUrl, browser, dbUrl;

function sql(query) {
  return execFileSync("psql", ["-At", "-v", "ON_ERROR_STOP=1", dbUrl, "-c", query]).toString().trim();
}

before(async () => {
  if (!postgres) return;
  database = postgres.create();
  dbUrl = database.env.BLUEDOT_DATABASE_URL;
  const key = (args) => execFileSync(binary, args).toString().split("\n")[0].trim();
  const encryption = key(["keys", "generate", "k1"]).replace(/^BLUEDOT_ENCRYPTION_KEYS=/, "");
  const audit = key(["audit", "keygen"]).replace(/^BLUEDOT_AUDIT_KEYS=/, "");
  const env = {
    ...database.env,
    BLUEDOT_ENCRYPTION_KEYS: encryption,
    BLUEDOT_AUDIT_KEYS: audit,
    BLUEDOT_TRUSTED_PROXIES: `${PROXY_SOURCE}/32`,
  };
  first = await startServer({ env });
  second = await startServer({ env });
  const port = (url) => new URL(url).port;
  const proxyPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "bluedot-nginx-"));
  const site = readFileSync(join(root, "deploy", "nginx.conf"), "utf8")
    .replace("127.0.0.1:8081", `127.0.0.1:${port(first.url)}`)
    .replace("127.0.0.1:8082", `127.0.0.1:${port(second.url)}`)
    .replace("listen 8443;", `listen 127.0.0.1:${proxyPort};`)
    .replace("proxy_bind 127.0.0.1;", `proxy_bind ${PROXY_SOURCE};`);
  writeFileSync(join(dir, "bluedot.conf"), site);
  writeFileSync(join(dir, "nginx.conf"), `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  include ${dir}/bluedot.conf;
}
`);
  nginx = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], { stdio: "inherit" });
  proxyUrl = `http://127.0.0.1:${proxyPort}`;
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${proxyUrl}/healthz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  nginx?.kill("SIGTERM");
  await first?.stop();
  await second?.stop();
  database?.drop();
});

test("a staff member signs in through nginx in front of two processes", { skip: !postgres && "needs PostgreSQL" }, async () => {
  // Every request through the proxy alternates between the processes; all are answered.
  for (let i = 0; i < 4; i++) assert.equal((await fetch(`${proxyUrl}/readyz`)).status, 200);
  const proxied = { url: proxyUrl, run: (...args) => first.run(...args) };
  const { context, page } = await signedInAs(proxied, browser, "coord.proxy", "--role", "country-coordinator", "--country", "RO");
  // Signed in with two factors through the proxy; the session holds whichever process answers.
  for (let i = 0; i < 4; i++) {
    await page.goto(`${proxyUrl}/staff/cases`);
    assert.match(page.url(), /\/staff\/cases$/);
  }
  // The audit names the client as nginx reported it, not nginx's own address.
  const source = sql("SELECT source FROM audit_log WHERE action = 'sign-in' AND outcome = 'ok' ORDER BY seq DESC LIMIT 1");
  assert.equal(source, "127.0.0.1");
  await context.close();

  // A forged X-Forwarded-For counts for nothing, through the proxy or straight at a process.
  const forger = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.9" } });
  const tries = await forger.newPage();
  for (const url of [proxyUrl, first.url]) {
    await tries.goto(`${url}/staff/login`);
    await tries.fill("#username", "nobody-here");
    await tries.fill("#password", "wrong password");
    await Promise.all([tries.waitForNavigation(), tries.click("button[type=submit]")]);
  }
  await forger.close();
  const sources = sql("SELECT source FROM audit_log WHERE action = 'sign-in' AND outcome = 'unknown-user'").split("\n");
  assert.deepEqual(sources, ["127.0.0.1", "127.0.0.1"]);
});
