// Inclusion mapping in a real browser on a phone, on SQLite and PostgreSQL: a Moldova country
// coordinator starts a round in Romanian from the demo round, a content editor answers in
// Ukrainian and adds an action that is already overdue, the coordinator sends one domain back
// and then approves; the action shows on its owner's home; an analyst compares Moldova's rounds
// with Romania's, with the change since the last round.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, signedInAs, axeViolations, databases } from "./server.mjs";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/// Chooses the staff pages' language on the home page.
async function speak(page, url, lang) {
  await page.goto(`${url}/staff`);
  await page.selectOption("#staff-language", lang);
  await page.click("#language-form button[type=submit]");
  await page.waitForSelector(`html[lang='${lang}']`);
}

for (const database of databases()) {
  test(`a country's inclusion round is drafted, answered, sent back, approved and compared (${database.name})`, async () => {
    const db = database.create();
    const server = await startServer({ env: db.env });
    try {
      const coord = await signedInAs(server, browser, "coord.md", "--role", "country-coordinator", "--country", "MD");
      const editor = await signedInAs(server, browser, "editor.md", "--role", "content-editor", "--country", "MD");
      const analyst = await signedInAs(server, browser, "analyst", "--role", "data-analyst", "--country", "MD", "--country", "RO");

      // The coordinator, in Romanian, starts the round from the demo one.
      const c = coord.page;
      await speak(c, server.url, "ro");
      await c.click("nav a[href='/staff/inclusion']");
      await c.waitForSelector("#inclusion-rounds");
      assert.match(await c.locator("#inclusion-rounds").innerText(), /2025 \(demo\)/);
      assert.deepEqual(await axeViolations(c), []);
      await c.fill("#start-period", "2026");
      await c.click("#inclusion-start button[type=submit]");
      await c.waitForSelector("#inclusion-profile");
      const round = c.url();
      assert.match(await c.locator("#inclusion-meta").innerText(), /Ciornă/);
      await c.locator("#q-laws input[value=partly]").check();
      await c.fill("#laws-evidence", "Legea azilului nu prevede încă tutela pentru copiii neînsoțiți.");
      await c.locator("#domain-laws-policies button[type=submit]").click();
      await c.waitForURL(/#domain-laws-policies$/);
      assert.deepEqual(await axeViolations(c), []);
      await c.screenshot({ path: "/tmp/bluedot-inclusion-ro.png", fullPage: false });

      // The editor, in Ukrainian, answers another domain and adds an action already overdue.
      const e = editor.page;
      await speak(e, server.url, "uk");
      await e.goto(round);
      assert.match(await e.locator("#laws-evidence").inputValue(), /Legea azilului/);
      await e.locator("#q-data input[value=not-included]").check();
      await e.fill("#data-evidence", "Національна статистика не рахує дітей-біженців окремо.");
      await e.locator("#q-data summary").click();
      await e.locator("#q-data input[name='data.barrier'][value=information]").check();
      await e.locator("#domain-data button[type=submit]").click();
      await e.waitForURL(/#domain-data$/);
      const twoDaysAgo = new Date(Date.now() - 2 * 86400_000).toISOString().slice(0, 10);
      await e.selectOption("#action-question", "data");
      await e.selectOption("#action-barrier", "information");
      await e.fill("#action-what", "Домовитися зі статистичним бюро про окремий облік");
      await e.selectOption("#action-owner", { label: "Test editor.md" });
      await e.fill("#action-due", twoDaysAgo);
      await e.click("#inclusion-add-action button[type=submit]");
      await e.waitForSelector("#inclusion-action-list");
      assert.match(await e.locator("#inclusion-action-list").innerText(), /прострочено/);
      await e.click("#inclusion-submit button[type=submit]");
      await e.waitForSelector("#inclusion-meta");
      assert.match(await e.locator("#inclusion-meta").innerText(), /На перевірці/);

      // The coordinator sends the data domain back, with why.
      await c.goto(round);
      await c.selectOption("#return-domain", "data");
      await c.fill("#return-reason", "Adăugați sursa cifrelor pentru 2026.");
      await c.click("#inclusion-return button[type=submit]");
      await c.waitForSelector("#returned-data");
      assert.deepEqual(await axeViolations(c), []);

      // The editor sees why, answers again and sends it back for review; then it is approved.
      await e.goto(round);
      assert.match(await e.locator("#returned-data").innerText(), /Adăugați sursa cifrelor/);
      await e.fill("#data-sources", "https://statistica.gov.md/");
      await e.locator("#domain-data button[type=submit]").click();
      await e.waitForURL(/#domain-data$/);
      await e.click("#inclusion-submit button[type=submit]");
      await e.waitForSelector("#inclusion-meta");
      await c.goto(round);
      await c.click("#inclusion-approve button[type=submit]");
      await c.waitForSelector("#inclusion-meta");
      assert.match(await c.locator("#inclusion-meta").innerText(), /Aprobată/);
      assert.equal(await c.locator("textarea[name='laws.evidence']").count(), 0, "approved is read-only");

      // The overdue action waits on its owner's home.
      await e.goto(`${server.url}/staff`);
      assert.match(await e.locator("#inclusion-overdue").innerText(), /Домовитися зі статистичним бюро/);
      assert.deepEqual(await axeViolations(e), []);

      // The analyst compares Moldova's rounds with Romania's.
      const a = analyst.page;
      await a.goto(`${server.url}/staff/inclusion/compare`);
      const heat = await a.locator("#inclusion-heat").innerText();
      assert.match(heat, /Moldova, 2026/);
      assert.match(heat, /Moldova, 2025/);
      assert.match(heat, /Romania, 2025/);
      const row = a.locator("#inclusion-heat tbody tr", { hasText: "Moldova, 2026" });
      assert.match(await row.innerText(), /\([+−±]\d+\)/);
      assert.deepEqual(await axeViolations(a), []);
      await a.screenshot({ path: "/tmp/bluedot-inclusion-compare.png", fullPage: true });
      const report = await a.goto(`${round}/report`);
      assert.equal(report.status(), 200);
      await a.emulateMedia({ media: "print" });
      const pdf = await a.pdf({ format: "A4" });
      assert.ok(pdf.length > 10_000, "the report prints to an A4 PDF");
      for (const who of [coord, editor, analyst]) await who.context.close();
    } finally {
      await server.stop();
      db.drop();
    }
  });
}
