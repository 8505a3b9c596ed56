// Network planning in a real browser on a phone: a Romanian country coordinator uploads the
// demo network's places and a month of demo arrivals, reads coverage, the worst gaps and the
// best mobile-team slots; a file with a bad row is refused with its line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchBrowser, signedInAs, axeViolations } from "./server.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a country coordinator sees which arrivals the network misses and where a team would help most", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bluedot-planning-"));
  execFileSync(server.binary, ["planning", "demo-arrivals", "--out", dir, "--from", "2026-11-01", "--days", "30"]);
  // Romania's places only: the coordinator plans for Romania.
  const places = readFileSync(join(dir, "demo-places.csv"), "utf8").split("\n");
  const romanian = places.filter((line, i) => i === 0 || line.includes(",RO,"));
  const codes = new Set(romanian.slice(1).map((l) => l.split(",")[0]));
  const arrivals = readFileSync(join(dir, "demo-arrivals.csv"), "utf8").split("\n")
    .filter((line, i) => i === 0 || codes.has(line.split(",")[0]));
  writeFileSync(join(dir, "ro-places.csv"), romanian.join("\n"));
  writeFileSync(join(dir, "ro-arrivals.csv"), arrivals.join("\n"));

  const { context, page } = await signedInAs(server, browser, "coord.ro", "--role", "country-coordinator", "--country", "RO");
  await page.click("nav a[href='/staff/planning']");
  await page.waitForSelector("#planning-form");
  assert.deepEqual(await axeViolations(page), []);
  await page.setInputFiles("#planning-places", join(dir, "ro-places.csv"));
  await page.setInputFiles("#planning-arrivals", join(dir, "ro-arrivals.csv"));
  await page.fill("#planning-slots", "3");
  await page.click("#planning-form button[type=submit]");
  await page.waitForSelector("#planning-coverage");
  const summary = await page.locator("#planning-summary").innerText();
  assert.match(summary, /arrivals at \d+ places, \d+\.\d % with a hub open within 10 km by road/);
  assert.match(await page.locator("#planning-countries").innerText(), /Romania/);
  assert.ok((await page.locator("#planning-gaps tbody tr").count()) > 0);
  // Halmeu and Vicovu de Sus have no hub: a team there is among the best three.
  const teams = await page.locator(".planning-suggestions").first().innerText();
  assert.match(teams, /A team at (Halmeu|Vicovu de Sus) \(demo\)/);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-planning.png", fullPage: true });

  writeFileSync(join(dir, "bad.csv"), "place,date,count\nSIRET-BORDER,2026-11-31,5\n");
  await page.setInputFiles("#planning-places", join(dir, "ro-places.csv"));
  await page.setInputFiles("#planning-arrivals", join(dir, "bad.csv"));
  await page.click("#planning-form button[type=submit]");
  await page.waitForSelector("#planning-refused");
  assert.match(await page.locator("#planning-refused").innerText(), /Arrivals \(CSV\), line 2: date "2026-11-31"/);
  assert.equal(await page.locator("#planning-coverage").count(), 0);
  await context.close();
});
