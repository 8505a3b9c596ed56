// The figures dashboard on a phone, on SQLite and on PostgreSQL: a country coordinator drills
// down from the country to a hub and sets a target; an analyst sees the same figures with
// small counts suppressed; the CSV export with HXL hashtags suppresses them for everyone.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, signedInAs, axeViolations, databases } from "./server.mjs";

const number = (text) => Number(text.replace(/\D/g, ""));
const isoDay = (offsetDays) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

for (const database of databases()) {
  describe(`figures on ${database.name}`, () => {
    let server, browser, made;
    before(async () => {
      made = database.create();
      server = await startServer({ env: made.env });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      made?.drop();
    });
    figureTests(() => server, () => browser, database.name);
  });
}

/// The browser tests, against whichever server `server()` gives.
function figureTests(server, browser, backend) {
  test("a country coordinator reads the country's figures and drills down to a hub", async () => {
    const { context, page } = await signedInAs(server(), browser(), "coord.figures", "--role", "country-coordinator", "--country", "RO");
    await page.click("nav a[href='/staff/figures']");
    await page.waitForSelector("#indicators");
    // The coordinator sees Romania only, so the network view holds one country.
    const rows = page.locator("#places tbody tr");
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /Romania/);
    assert.equal(await page.locator("#place").innerText(), "Everywhere you cover", "not the whole network");
    const country = number(await page.locator("#ind-people-reached .value").first().innerText());
    assert.ok(country > 0, "the demo history has visits");
    assert.ok((await page.locator("#chart rect").count()) >= 30, "a bar a day");
    assert.equal(await page.locator("#suppressed").count(), 0, "exact figures for the records' own coordinator");
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `/tmp/bluedot-figures-network-${backend}.png`, fullPage: true });

    await rows.first().locator("a").click();
    await page.waitForSelector("#trail");
    const hubs = page.locator("#places tbody tr");
    assert.ok((await hubs.count()) > 3);
    let sum = 0;
    for (const cell of await hubs.locator("td:nth-of-type(1)").allInnerTexts()) sum += number(cell);
    assert.equal(sum, country, "the hubs add up to the country");
    await hubs.filter({ hasText: "Siret" }).locator("a").click();
    await page.waitForSelector("#trail a >> nth=1");
    assert.match(await page.locator("#place").innerText(), /Siret/);

    await page.selectOption("#by", "week");
    await page.click("#period button[type=submit]");
    await page.waitForURL(/by=week/);
    assert.ok((await page.locator("#chart rect").count()) <= 6, "a bar a week");

    // A target for the hub, measured from the records.
    await page.click("#new-target summary");
    await page.selectOption("#target-indicator", "children-reached");
    await page.fill("#target-label", "Children reached with child protection");
    await page.fill("#target-starts", isoDay(-90));
    await page.fill("#target-ends", isoDay(30));
    await page.fill("#target-value", "1,000,000");
    await page.click("#new-target button[type=submit]");
    await page.waitForSelector("#targets .target");
    const target = page.locator("#targets .target").first();
    assert.match(await target.innerText(), /Children reached with child protection/);
    assert.match(await target.locator(".percent").innerText(), /^\d+%$/);
    assert.ok(number(await target.locator(".reached").innerText()) > 0);
    await page.screenshot({ path: `/tmp/bluedot-figures-hub-${backend}.png`, fullPage: true });
    await target.locator("button").click();
    await page.waitForSelector("#new-target");
    assert.equal(await page.locator("#targets").count(), 0);

    await page.fill("#from", "2026-12-01");
    await page.fill("#to", "2026-11-01");
    await page.click("#period button[type=submit]");
    assert.match(await page.locator("#error-message").innerText(), /first day must come before/);
    await context.close();
  });

  test("an analyst sees suppressed small counts and exports CSV with HXL hashtags", async () => {
    const { context, page } = await signedInAs(server(), browser(), "analyst.figures", "--role", "data-analyst", "--country", "MD");
    await page.goto(`${server().url}/staff/figures`);
    await page.waitForSelector("#suppressed");
    const href = await page.locator("#exports a", { hasText: "HXL" }).getAttribute("href");
    const response = await page.request.get(`${server().url}${href}`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()["content-type"], /text\/csv/);
    const lines = (await response.text()).trim().split("\n");
    assert.equal(lines[0], "country,hub,hub_name,period_start,period_end,indicator,part,value");
    assert.match(lines[1], /^#country\+code,#loc\+code/);
    const values = lines.slice(2).map((l) => l.split(",").at(-1));
    assert.ok(values.length > 100);
    assert.ok(values.every((v) => v === "<5" || Number(v) >= 5), "no count from 1 to 4 leaves the system");
    assert.ok(lines.slice(2).every((l) => l.startsWith("MD,")), "only the analyst's country");
    const xlsx = await page.request.get(`${server().url}${await page.locator("#exports a", { hasText: "XLSX" }).getAttribute("href")}`);
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()["content-disposition"], /bluedot-figures-.*\.xlsx/);
    assert.equal((await xlsx.body()).subarray(0, 2).toString(), "PK", "an XLSX workbook is a zip file");
    assert.equal(await page.locator("#new-target").count(), 0, "an analyst sets no targets");
    // A person's records stay closed to an analyst.
    await page.goto(`${server().url}/staff/people`);
    assert.notEqual((await page.title()).includes("People"), true);
    await context.close();
  });
}
