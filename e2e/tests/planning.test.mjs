// Network planning in a real browser on a phone: a Romanian country coordinator imports a
// month of arrivals (a file with a bad row first, refused with its line and nothing written),
// sees coverage and the worst gaps on the map and in a table, saves the three best mobile-team
// slots as a plan, compares it with today and turns it into deployments.
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

test("a country coordinator imports arrivals, plans the three best team slots and deploys them", async () => {
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
  // Someone to send: a social worker of Romania.
  server.run("user", "add", "mobile.ro", "--name", "Mobile Romania", "--base-url", server.url, "--role", "social-worker", "--country", "RO");

  const { context, page } = await signedInAs(server, browser, "coord.ro", "--role", "country-coordinator", "--country", "RO");
  await page.click("nav a[href='/staff/planning']");
  await page.waitForSelector("#planning-form");
  // The demo network comes with a month of made-up arrivals, and says so.
  assert.match(await page.locator("#planning-demo").innerText(), /Demo arrivals/);
  assert.deepEqual(await axeViolations(page), []);

  // What November reads as before (the demo's month may reach into it), to see the refused
  // import changed nothing.
  const november = `${server.url}/staff/planning?country=RO&from=2026-11-01&to=2026-11-30`;
  const read = async () => (await page.locator("#planning-summary").count()) ? page.locator("#planning-summary").innerText() : "";
  await page.goto(november);
  const before = await read();
  writeFileSync(join(dir, "bad.csv"), "place,date,count\nSIRET-BORDER,2026-11-30,5\nSIRET-BORDER,2026-11-31,5\n");
  await page.setInputFiles("#planning-places", join(dir, "ro-places.csv"));
  await page.setInputFiles("#planning-arrivals", join(dir, "bad.csv"));
  await page.click("#planning-form button[type=submit]");
  await page.waitForSelector("#planning-refused");
  assert.match(await page.locator("#planning-refused").innerText(), /Arrivals \(CSV\), line 3: date "2026-11-31"/);
  await page.goto(november);
  assert.equal(await read(), before, "nothing of the refused file was written");

  await page.setInputFiles("#planning-places", join(dir, "ro-places.csv"));
  await page.setInputFiles("#planning-arrivals", join(dir, "ro-arrivals.csv"));
  await page.click("#planning-form button[type=submit]");
  await page.waitForSelector("#planning-imported");
  assert.match(await page.locator("#planning-imported").innerText(), /Imported \d+ counts, 1 Nov 2026 to 30 Nov 2026/);
  const summary = await page.locator("#planning-summary").innerText();
  assert.match(summary, /arrivals at \d+ places, \d+\.\d % with a hub open within 10 km by road/);
  assert.ok((await page.locator("#planning-gaps tbody tr").count()) > 0);
  // The gaps on the map: a circle per place people arrive at, and the hubs.
  await page.waitForFunction(() => document.querySelectorAll("#planning-map path.leaflet-interactive").length >= 8);
  await page.locator("#planning-map").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/bluedot-planning-map.png" });

  // The three best team slots, ticked; Halmeu and Vicovu de Sus have no hub.
  const teams = page.locator("fieldset.planning-suggestions").first();
  assert.equal(await teams.locator("input[type=checkbox]:checked").count(), 3);
  assert.match(await teams.innerText(), /A team at (Halmeu|Vicovu de Sus) \(demo\)/);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-planning.png", fullPage: true });
  await page.fill("#planning-name", "Night teams, November");
  await page.click("#planning-plan-form button[type=submit]");

  // The plan beside today.
  await page.waitForSelector("#planning-compare");
  assert.match(await page.locator("h1").innerText(), /Night teams, November/);
  const row = await page.locator("#planning-compare tbody tr").first().locator("td").allInnerTexts();
  const [today, planned] = [parseFloat(row[1]), parseFloat(row[2])];
  assert.ok(planned > today, `with the plan ${planned} % > today ${today} %`);
  assert.equal(await page.locator("#planning-changes li").count(), 3);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-planning-plan.png", fullPage: true });

  // Turned into deployments in one step: three slots for seven days.
  await page.locator("label", { hasText: "Mobile Romania" }).locator("input").check();
  await page.click("#planning-deploy button[type=submit]");
  await page.waitForSelector("#planning-deployed");
  await page.click("#planning-deployed a");
  await page.waitForURL(/\/staff\/deployments/);
  const listed = await page.locator("main").innerText();
  assert.match(listed, /Halmeu|Vicovu de Sus/);
  assert.match(listed, /Mobile Romania/);
  await context.close();
});
