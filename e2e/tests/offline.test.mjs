// A mobile team working with no connection, in a real browser on a phone: it prepares the phone
// with a PIN, goes offline, registers a child, counts a group, writes a note on its case, makes a
// referral and raises the case's risk while a coordinator changes the same risk online; back
// online, everything reaches the server once (an answer lost on the way is resent and not
// stored twice), the clash is shown and settled, and the audit says the work was done offline.
// A phone past its offline time, or whose account is disabled, holds nothing personal after.
// On SQLite and on PostgreSQL.
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

const PIN = "482915";

/// What the offline desk keeps in IndexedDB: its keys, and the device record.
async function deviceStorage(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open("bluedot-staff", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("kv");
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const tx = req.result.transaction("kv", "readonly");
      const kv = tx.objectStore("kv");
      const keys = kv.getAllKeys();
      const device = kv.get("device");
      const values = kv.getAll();
      tx.oncomplete = () => {
        req.result.close();
        resolve({ keys: keys.result, device: device.result, text: JSON.stringify(values.result) });
      };
    };
  }));
}

/// Registers a child online and opens a case for it at the worker's hub; the case's address.
async function caseOnline(page, url, given, family, risk) {
  await page.goto(`${url}/staff/people/new`);
  await page.fill("#given_name", given);
  await page.fill("#family_name", family);
  await page.check("input[name=sex][value=female]");
  await page.fill("#age", "13");
  await page.check("input[name=need][value=separated-child]");
  await page.selectOption("#consent_by", "child-assent");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");
  await page.click("#cases summary");
  await page.check("#open-case input[value=separated]");
  await page.selectOption("#case-risk-level", risk);
  await page.fill("#case-screening", "Travelling with a neighbour");
  await page.click("#open-case button[type=submit]");
  await page.waitForSelector("#case-facts");
  return page.url();
}

async function prepare(page, url) {
  await page.goto(`${url}/staff/offline`);
  await page.waitForSelector("#offline-setup:not([hidden])");
  await page.fill("#offline-pin-new", PIN);
  await page.fill("#offline-pin-again", PIN);
  await page.click("#offline-setup-form button[type=submit]");
  await page.waitForSelector("#offline-app:not([hidden])");
}

const queueSays = (page, pattern) =>
  page.waitForFunction((p) => new RegExp(p).test(document.getElementById("offline-queue").textContent), pattern.source, { timeout: 20_000 });

for (const database of databases()) {
  test(`a mobile team works offline and everything arrives once (${database.name})`, async () => {
    const db = database.create();
    const server = await startServer({ env: db.env });
    try {
      const worker = await signedInAs(server, browser, "mobile.siret", "--role", "social-worker", "--hub", "siret-border");
      const lead = await signedInAs(server, browser, "lead.siret", "--role", "hub-coordinator", "--hub", "siret-border");
      const page = worker.page;
      const caseUrl = await caseOnline(page, server.url, "Злата", "Мельничук", "medium");

      // The phone is prepared while there is signal: a PIN, and the team's open cases.
      await page.click("nav a[href='/staff/offline']");
      await page.waitForSelector("#offline-setup:not([hidden])");
      assert.deepEqual(await axeViolations(page), []);
      await page.fill("#offline-pin-new", "1234");
      await page.fill("#offline-pin-again", "1234");
      await page.click("#offline-setup-form button[type=submit]");
      assert.match(await page.locator("#offline-setup-error").innerText(), /at least 6 digits/);
      await page.fill("#offline-pin-new", PIN);
      await page.fill("#offline-pin-again", PIN);
      await page.click("#offline-setup-form button[type=submit]");
      await page.waitForSelector("#offline-app:not([hidden])");
      await queueSays(page, /Everything is sent/);
      assert.match((await page.locator("#op-note-case option").allTextContents()).join("\n"), /Злата Мельничук \(medium risk\)/);
      const stored = await deviceStorage(page);
      assert.ok(stored.keys.includes("held"), "the cases are kept on the phone");
      assert.ok(!stored.text.includes("Мельничук") && !stored.text.includes("Melnychuk"), "but only encrypted");
      assert.deepEqual(await axeViolations(page), []);

      for (let waited = 0; !(await deviceStorage(page)).keys.includes("slips-uk"); waited += 200) {
        assert.ok(waited < 20_000, "the blank slips were never kept");
        await new Promise((r) => setTimeout(r, 200));
      }

      // No signal: a child on a bus, a group, a note, a referral and a higher risk.
      await worker.context.setOffline(true);
      await page.fill("#op-given", "Богдан");
      await page.fill("#op-family", "Шевчук");
      await page.check("#offline-person input[name=sex][value=male]");
      await page.fill("#op-age", "9");
      await page.check("#offline-person input[name=need][value=unaccompanied-child]");
      await page.selectOption("#op-consent", "child-assent");
      await page.check("#offline-person input[name=consent_referral]");
      await page.click("#offline-person button[type=submit]");
      await queueSays(page, /Waiting to send: 1/);
      assert.match(await page.locator("#offline-status").innerText(), /Saved on this phone/);

      // The same boy written in Latin letters is recognised before he is registered twice.
      await page.fill("#op-given", "Bohdan");
      await page.fill("#op-family", "Shevchuk");
      await page.check("#offline-person input[name=sex][value=male]");
      await page.click("#offline-person button[type=submit]");
      assert.match(await page.locator("#offline-person [data-duplicate]").innerText(), /Богдан Шевчук/);
      await page.fill("#op-given", "");
      await page.fill("#op-family", "");

      await page.click("summary:has-text('Record a visit group')");
      await page.fill("#offline-visit input[name=female-18-59]", "1");
      await page.fill("#offline-visit input[name=male-5-11]", "2");
      await page.click("#offline-visit button[type=submit]");
      await queueSays(page, /Waiting to send: 2/);

      await page.click("summary:has-text('Add a note to a case')");
      await page.fill("#op-note", "Met on the night bus; the neighbour left at Suceava");
      await page.click("#offline-note button[type=submit]");
      await queueSays(page, /Waiting to send: 3/);

      await page.click("summary:has-text('Make a referral')");
      await page.selectOption("#op-ref-person", { label: "Богдан Шевчук" });
      await page.selectOption("#op-ref-service", "psychosocial-support");
      await page.selectOption("#op-ref-to", "specialist:psychosocial");
      await page.check("#offline-referral input[name=urgency][value=high]");
      await page.check("#offline-referral input[name=share][value=needs]");
      await page.fill("#op-ref-reason", "Alone and frightened");
      await page.click("#offline-referral button[type=submit]");
      await queueSays(page, /Waiting to send: 4/);
      // The boy's slip, in Ukrainian, printed with no connection.
      await page.evaluate(() => { window.print = () => { window.printed = true; }; });
      await page.selectOption("#op-slip-lang", "uk");
      await page.click("#op-slip-print");
      await page.waitForFunction(() => window.printed === true);
      const slip = await page.locator("#offline-slip-sheet").innerText();
      await page.locator("#offline-slip").screenshot({ path: "/tmp/bluedot-offline-slip.png" });
      assert.match(slip, /Богдан Шевчук/);
      assert.match(slip, /Скерування/);
      assert.match(slip, /Психосоціальна підтримка/);
      assert.match(slip, /\b[0-9A-F]{8}\b/);
      assert.deepEqual(await axeViolations(page), []);

      await page.click("summary:has-text(\"Change a case's risk\")");
      await page.check("#offline-risk input[name=risk][value=high]");
      await page.click("#offline-risk button[type=submit]");
      await queueSays(page, /Waiting to send: 5/);
      await page.screenshot({ path: "/tmp/bluedot-offline-queued.png", fullPage: true });

      // Meanwhile the coordinator, online, lowers the same case's risk.
      await lead.page.goto(caseUrl);
      await lead.page.click("summary:has-text('Change the risk level')");
      await lead.page.selectOption("#risk", "low");
      await lead.page.fill("#risk-note", "The aunt has been found");
      await lead.page.click("#step-risk button[type=submit]");
      await lead.page.waitForFunction(() => /low/i.test(document.getElementById("case-risk").textContent));

      // The phone's first send reached the server but its answer was lost on the way: the
      // server has the child, the phone does not know it and will send him again.
      const first = await page.evaluate(() => new Promise((resolve) => {
        const req = indexedDB.open("bluedot-staff", 1);
        req.onsuccess = () => {
          const kv = req.result.transaction("kv").objectStore("kv");
          const device = kv.get("device");
          const outbox = kv.get("outbox");
          outbox.onsuccess = () => resolve({ device: device.result.id, op: outbox.result[0] });
        };
      }));
      const reached = await worker.context.request.post(`${server.url}/staff/offline/sync`, {
        headers: { Origin: server.url },
        data: { device: first.device, operations: [{ key: first.op.key, sealed: first.op.sealed }] },
      });
      assert.equal((await reached.json()).results[0].outcome.status, "done");

      // The signal returns and the queue goes, in order, showing how far it has got.
      await page.evaluate(() => {
        window.queueLines = [];
        new MutationObserver(() => window.queueLines.push(document.getElementById("offline-queue").textContent))
          .observe(document.getElementById("offline-queue"), { childList: true, characterData: true, subtree: true });
      });
      await worker.context.setOffline(false);
      await queueSays(page, /Everything is sent/);
      const lines = await page.evaluate(() => window.queueLines);
      assert.ok(lines.includes("1 of 5 sent") && lines.includes("5 of 5 sent"), `progress shown: ${lines}`);

      // The clash is shown, with who changed the risk and to what, and settled by the worker.
      await page.waitForSelector("#offline-conflicts:not([hidden])");
      const clash = await page.locator("#offline-conflict-list").innerText();
      assert.match(clash, /you set high risk, but Test lead\.siret changed it to low risk/);
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({ path: "/tmp/bluedot-offline-conflict.png", fullPage: true });
      await page.click("#offline-conflict-list button:has-text('Use high risk')");
      await page.waitForSelector("#offline-conflicts", { state: "hidden" });
      await queueSays(page, /Everything is sent/);
      assert.equal(await page.locator("#offline-results li").filter({ hasText: "✓" }).count(), 5);

      // On the server, once each.
      await lead.page.goto(`${server.url}/staff/people?q=${encodeURIComponent("Шевчук")}`);
      assert.equal(await lead.page.locator("main a[href^='/staff/people/']").filter({ hasText: "Богдан" }).count(), 1);
      await lead.page.goto(caseUrl);
      assert.match(await lead.page.locator("#case-risk").innerText(), /high/i);
      const history = await lead.page.locator("main").innerText();
      assert.equal(history.split("Met on the night bus").length - 1, 1, "the note is there once");
      await lead.page.goto(`${server.url}/staff/referrals`);
      const referrals = await lead.page.locator("main").innerText();
      assert.equal(referrals.split("Psychosocial support · Psychosocial specialist").length - 1, 1, referrals);
      await lead.page.goto(`${server.url}/staff/visits`);
      const visits = await lead.page.locator("#today-visits-list").innerText();
      assert.match(visits, /\b3 \(2 /);
      const admin = await signedInAs(server, browser, "admin.offline", "--role", "system-administrator", "--everywhere");
      await admin.page.goto(`${server.url}/staff/audit`);
      const audit = await admin.page.locator("main").innerText();
      assert.match(audit, /offline \d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z device/, "the audit says when the work was done offline");

      // The account is disabled: at the phone's next contact everything it held is wiped.
      server.run("user", "disable", "mobile.siret");
      await page.goto(`${server.url}/staff/offline`);
      await page.waitForURL(/\/staff\/login$/);
      for (let waited = 0; (await deviceStorage(page)).keys.length > 0; waited += 200) {
        assert.ok(waited < 20_000, "the phone of a disabled account still holds its data");
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual((await deviceStorage(page)).keys, []);

      // Another phone is past its offline time: what it held is gone at the next start.
      const other = await signedInAs(server, browser, "mobile.two", "--role", "social-worker", "--hub", "siret-border");
      await caseOnline(other.page, server.url, "Дарина", "Гуменюк", "high");
      await prepare(other.page, server.url);
      assert.ok((await deviceStorage(other.page)).keys.includes("held"));
      await other.page.clock.setFixedTime(Date.now() + 13 * 3600 * 1000);
      await other.page.reload();
      await other.page.waitForSelector("#offline-status:has-text('offline time limit has passed')");
      await other.page.waitForSelector("#offline-setup:not([hidden])");
      const after = await deviceStorage(other.page);
      assert.deepEqual(after.keys, [], `the phone still holds ${after.keys}`);
      for (const c of [worker.context, lead.context, admin.context, other.context]) await c.close();
    } finally {
      await server.stop();
      db.drop();
    }
  });
}
