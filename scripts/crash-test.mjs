// Crash test: staff clients record visits at once with idempotency keys while the server is
// killed with SIGKILL mid-stream; after a restart every acknowledged visit is there with its
// audit entry, no visit is there without one, replaying every request changes nothing, and the
// audit chain verifies. Runs on SQLite and, when reachable (required in CI), on PostgreSQL.
//
//   node scripts/crash-test.mjs        (after `cargo build -p bluedot` and `npm ci` in e2e/)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databases, freePort, startServer, totp } from "../e2e/tests/server.mjs";

const PASSWORD = "a long staff passphrase";
const CLIENTS = 8;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// A form post (or get) that follows no redirect; returns the response and its new cookie.
async function request(url, { method = "GET", cookie, form, json = false } = {}) {
  const headers = {};
  if (cookie) headers.Cookie = `bluedot_staff=${cookie}`;
  if (form) headers["Content-Type"] = "application/x-www-form-urlencoded";
  if (json) headers.Accept = "application/json";
  const response = await fetch(url, {
    method,
    headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: "manual",
  });
  const set = response.headers.get("set-cookie") || "";
  const fresh = set.match(/bluedot_staff=([^;]*)/);
  return { response, cookie: fresh ? fresh[1] : cookie, text: await response.text() };
}

const field = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))[1];

/// Sets up an information-desk account at Siret through its link and signs it in.
async function signIn(server) {
  const base = server.url;
  const printed = server.run("user", "add", "desk", "--name", "Desk", "--role", "information-desk",
    "--hub", "siret-border", "--base-url", base);
  const link = printed.match(/https?:\/\/\S+\/staff\/setup\/\S+/)[0];
  const setup = await request(link);
  const secret = setup.text.match(/id="totp-secret">([^<]+)</)[1].trim();
  const done = await request(link, {
    method: "POST",
    form: { password: PASSWORD, password_again: PASSWORD, secret, code: totp(secret) },
  });
  check(done.response.status === 200, `set-up refused: ${done.response.status}`);
  const login = await request(`${base}/staff/login`, { method: "POST", form: { username: "desk", password: PASSWORD } });
  const form = await request(`${base}/staff/2fa`, { cookie: login.cookie });
  const passed = await request(`${base}/staff/2fa`, {
    method: "POST",
    cookie: login.cookie,
    form: { code: totp(secret, Date.now() + 30_000), csrf: field(form.text, "csrf") },
  });
  check(passed.response.status === 303, `second factor refused: ${passed.response.status}`);
  return passed.cookie;
}

function sql(env, dataDir, query) {
  if (env.BLUEDOT_DATABASE_URL) {
    return execFileSync("psql", ["-At", "-v", "ON_ERROR_STOP=1", env.BLUEDOT_DATABASE_URL, "-c", query]).toString().trim();
  }
  const script = "import sqlite3,sys\nfor r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(map(str, r)))";
  return execFileSync("python3", ["-c", script, join(dataDir, "bluedot.sqlite3"), query]).toString().trim();
}

async function crashOnce(db) {
  const { env, drop } = db.create();
  const dataDir = mkdtempSync(join(tmpdir(), "bluedot-crash-"));
  // The restarted server must listen where the clients were talking.
  const port = await freePort();
  let server = await startServer({ env, port, dataDir });
  const base = server.url;
  try {
    const cookie = await signIn(server);
    const counter = await request(`${base}/staff/visits`, { cookie });
    const csrf = field(counter.text, "csrf");
    const hub = field(counter.text, "hub");
    const body = (key) => ({ csrf, hub, key, "female-18-59": "1", "male-5-11": "1", nationality: "UA" });
    const acknowledged = new Map();
    let killed = false;
    const client = async (c) => {
      for (let i = 0; !killed; i++) {
        const key = `crash-${c}-${i}`;
        try {
          const r = await request(`${base}/staff/visits`, { method: "POST", cookie, form: body(key), json: true });
          if (r.response.status === 200) acknowledged.set(key, JSON.parse(r.text).id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    await new Promise((r) => setTimeout(r, 1500));
    killed = true;
    await server.crash();
    await Promise.all(clients);
    check(acknowledged.size > 0, "no visit was acknowledged before the kill");

    server = await startServer({ env, port, dataDir });
    const stored = () => Number(sql(env, dataDir, "SELECT COUNT(*) FROM visits WHERE idempotency_key LIKE 'crash-%'"));
    const audited = () => Number(sql(env, dataDir, "SELECT COUNT(*) FROM audit_log WHERE action = 'visit.create'"));
    const before = stored();
    check(before >= acknowledged.size, `${acknowledged.size} acknowledged, ${before} stored`);
    check(audited() === before, `${before} visits stored but ${audited()} visit.create audit entries`);
    const subjects = new Set(sql(env, dataDir, "SELECT subject FROM audit_log WHERE action = 'visit.create'").split("\n"));
    for (const [key, id] of acknowledged) {
      check(subjects.has(`visit:${id}`), `acknowledged visit ${key} (${id}) has no audit entry`);
    }
    // Every acknowledged request again, as a client that lost the answers would send them.
    for (const [key, id] of acknowledged) {
      const r = await request(`${base}/staff/visits`, { method: "POST", cookie, form: body(key), json: true });
      check(r.response.status === 200, `replay of ${key}: ${r.response.status} ${r.text}`);
      const answer = JSON.parse(r.text);
      check(answer.id === id && answer.created === false, `replay of ${key} answered ${r.text}`);
    }
    check(stored() === before && audited() === before, "replays changed the stored visits or the audit log");
    const verify = server.run("audit", "verify");
    check(/intact/.test(verify), verify);
    console.log(`# ${db.name}: ${acknowledged.size} acknowledged before SIGKILL, ${before} stored, each with its audit entry; replays changed nothing`);
  } finally {
    await server.crash();
    rmSync(dataDir, { recursive: true, force: true });
    drop();
  }
}

let passed = 0;
let failed = 0;
for (const db of databases()) {
  try {
    await crashOnce(db);
    passed++;
  } catch (e) {
    console.error(`crash test on ${db.name} failed: ${e.stack || e}`);
    failed++;
  }
}
console.log(`crash: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
