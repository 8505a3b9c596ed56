// Starts a `bluedot serve --demo` on a free port with a fresh SQLite database, and a headless
// Chromium (Debian's, never a downloaded one) for the tests.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const POSTGRES = process.env.BLUEDOT_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";

/// The databases a test file runs on: always a fresh SQLite file; a fresh PostgreSQL database
/// too when the server in BLUEDOT_TEST_POSTGRES_URL answers (required when
/// BLUEDOT_REQUIRE_POSTGRES=1, as in CI). Each is `{ name, create() }`, create giving the
/// server's settings and a function that drops what it made.
export function databases() {
  const sqlite = { name: "SQLite", create: () => ({ env: {}, drop() {} }) };
  const admin = (sql) =>
    execFileSync("psql", ["-q", "-v", "ON_ERROR_STOP=1", POSTGRES, "-c", sql], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    admin("SELECT 1");
  } catch (e) {
    if (process.env.BLUEDOT_REQUIRE_POSTGRES === "1") throw new Error(`PostgreSQL is required: ${e.message}`);
    console.log(`# PostgreSQL not reachable at ${POSTGRES}: browser tests on SQLite only`);
    return [sqlite];
  }
  const postgres = {
    name: "PostgreSQL",
    create() {
      const db = `bluedot_e2e_${process.pid}_${Date.now()}`;
      admin(`CREATE DATABASE ${db}`);
      return {
        env: { BLUEDOT_DATABASE_URL: POSTGRES.replace(/\/[^/]*$/, `/${db}`) },
        drop: () => admin(`DROP DATABASE ${db} WITH (FORCE)`),
      };
    },
  };
  return [sqlite, postgres];
}

/// Starts a server; `env` adds settings (e.g. a partner deployment's or a database URL),
/// `port` fixes the port, `dataDir` reuses a data directory (kept when the server stops).
/// `captureLogs` keeps what the server writes to its log (stderr) for `logs()`.
export async function startServer({ env = {}, port = 0, dataDir: given, captureLogs = false } = {}) {
  const binary = process.env.BLUEDOT_BIN || join(root, "target", "debug", "bluedot");
  const dataDir = given || mkdtempSync(join(tmpdir(), "bluedot-e2e-"));
  const child = spawn(binary, ["serve", "--demo", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", captureLogs ? "pipe" : "inherit"],
    env: { ...process.env, BLUEDOT_LOG: "warn", ...env },
  });
  let logs = "";
  child.stderr?.on("data", (chunk) => { logs += chunk; });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 60000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/open (http:\/\/[0-9.:]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  const ended = async (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    dataDir,
    binary,
    /// Runs `bluedot ARGS...` against this server's database and returns what it printed.
    run(...args) {
      const out = execFileSync(binary, [...args, "--data-dir", dataDir], {
        env: { ...process.env, BLUEDOT_LOG: "warn", ...env },
      });
      return out.toString();
    },
    logs: () => logs,
    /// Sends the server a signal and waits for it to exit; its exit code.
    async signal(name) {
      const exited = new Promise((r) => child.once("exit", (code) => r(code)));
      child.kill(name);
      return exited;
    },
    async stop() {
      await ended("SIGTERM");
      if (!given) rmSync(dataDir, { recursive: true, force: true });
    },
    /// Kills the server as a power cut would, leaving its data as it was.
    async crash() {
      await ended("SIGKILL");
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/// A phone-sized browser context, as most visitors have.
export async function phone(browser, options = {}) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "uk-UA",
    ...options,
  });
}

/// The current RFC 6238 code for a base32 secret (SHA-1, 6 digits, 30 s), as an authenticator
/// app would show it.
export function totp(secretBase32, now = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secretBase32.replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return code.toString().padStart(6, "0");
}

const PASSWORD = "a long staff passphrase";

/// Creates an account with the command line, sets it up through its link and signs it in.
export async function signedInAs(server, browser, username, ...userArgs) {
  const printed = server.run("user", "add", username, "--name", `Test ${username}`, "--base-url", server.url, ...userArgs);
  const link = printed.match(/https?:\/\/\S+\/staff\/setup\/\S+/)[0];
  const context = await phone(browser, { locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(link);
  const secret = (await page.locator("#totp-secret").innerText()).trim();
  await page.fill("#password", PASSWORD);
  await page.fill("#password_again", PASSWORD);
  await page.fill("#code", totp(secret));
  await page.click("button[type=submit]");
  await page.waitForSelector("#recovery-codes");
  if ((await page.locator("#recovery-codes li").count()) !== 8) throw new Error("expected 8 recovery codes");
  await page.goto(`${server.url}/staff/login`);
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/staff\/2fa$/);
  // The set-up spent the current code; the authenticator's next one is accepted as drift.
  await page.fill("#code", totp(secret, Date.now() + 30_000));
  await page.click("button[type=submit]");
  await page.waitForURL(/\/staff$/);
  return { context, page };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/// The accessibility rules axe finds broken on the page, with where; injected through the
/// DevTools protocol, since the pages' CSP rightly refuses inline script.
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
}

/// A port nothing listens on now, for a server that must be known before it starts.
export async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// A transfer secret and its public key, from `bluedot transfer keygen`.
export function transferKeys() {
  const binary = process.env.BLUEDOT_BIN || join(root, "target", "debug", "bluedot");
  const out = execFileSync(binary, ["transfer", "keygen"]).toString();
  return {
    secret: out.match(/BLUEDOT_TRANSFER_KEY=(\S+)/)[1],
    publicKey: out.match(/public key for partners: (\S+)/)[1],
  };
}
