// A case crossing a border in real browsers, between two servers on loopback: a Romanian social
// worker sends a child's case to the Polish deployment after checking what will travel; the
// Polish hub sees the child coming, a coordinator accepts, the case continues there with its
// state, history and documents, and the arrival is reported back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, signedInAs, axeViolations, freePort, transferKeys, databases } from "./server.mjs";

// Romania runs on SQLite, Poland on PostgreSQL (when it is reachable), as two real deployments.
let ro, pl, plDatabase, browser;
before(async () => {
  const [roPort, plPort] = [await freePort(), await freePort()];
  const [roKeys, plKeys] = [transferKeys(), transferKeys()];
  const partner = (id, port, keys, country) =>
    JSON.stringify([{ id, url: `http://127.0.0.1:${port}`, public_key: keys.publicKey, country }]);
  ro = await startServer({
    port: roPort,
    env: { BLUEDOT_DEPLOYMENT_ID: "RO", BLUEDOT_TRANSFER_KEY: roKeys.secret, BLUEDOT_PARTNERS: partner("PL", plPort, plKeys, "PL") },
  });
  const backends = databases();
  plDatabase = (backends.find((d) => d.name === "PostgreSQL") || backends[0]).create();
  pl = await startServer({
    port: plPort,
    env: { ...plDatabase.env, BLUEDOT_DEPLOYMENT_ID: "PL", BLUEDOT_TRANSFER_KEY: plKeys.secret, BLUEDOT_PARTNERS: partner("RO", roPort, roKeys, "RO") },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await ro?.stop();
  await pl?.stop();
  plDatabase?.drop();
});

/// Fetches `path` as the page's user every second until its text matches `pattern`.
async function until(page, path, pattern, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const text = await page.evaluate(async (p) => (await fetch(p)).text(), path);
    if (pattern.test(text)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${path} never matched ${pattern}`);
}

test("a case is sent from Romania and accepted in Poland", async () => {
  const worker = await signedInAs(ro, browser, "worker.ro", "--role", "social-worker", "--hub", "siret-border");
  const page = worker.page;
  await page.goto(`${ro.url}/staff/people/new`);
  await page.fill("#given_name", "Марко");
  await page.fill("#family_name", "Бойко");
  await page.check("input[name=sex][value=male]");
  await page.fill("#age", "10");
  await page.check("input[name=need][value=unaccompanied-child]");
  await page.selectOption("#consent_by", "child-assent");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");
  await page.selectOption("#purpose", "transfer");
  await page.click("#add-consent button[type=submit]");
  await page.waitForSelector("#consent-list li >> nth=1");
  await page.click("#cases summary");
  await page.check("#open-case input[value=unaccompanied]");
  await page.click("#open-case button[type=submit]");
  await page.waitForSelector("#case-facts");

  await page.click("#transfer-link");
  await page.selectOption("#transfer-to", "partner:PL");
  await page.uncheck("#transfer-form input[value=best-interests]");
  await page.click("#transfer-form button[type=submit]");
  await page.waitForSelector("#preview");
  assert.match(await page.locator("#preview .package-child").innerText(), /Марко Бойко/);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-transfer-preview.png", fullPage: true });
  await page.click("#confirm-transfer button[type=submit]");
  await page.waitForSelector("#outgoing-list");
  // The delivery loop sends it within seconds.
  await until(page, "/staff/transfers", /card transfer-(received|accepted)/);

  const lead = await signedInAs(pl, browser, "lead.pl", "--role", "country-coordinator", "--country", "PL");
  await signedInAs(pl, browser, "worker.pl", "--role", "social-worker", "--hub", "przemysl-station").then((w) => w.context.close());
  await lead.page.click("a[href='/staff/transfers']");
  await lead.page.waitForSelector(".incoming-transfer");
  assert.match(await lead.page.locator(".incoming-transfer .package-child").innerText(), /Марко Бойко/);
  assert.match(await lead.page.locator(".incoming-transfer .package-needs").innerText(), /Unaccompanied/);
  assert.deepEqual(await axeViolations(lead.page), []);
  await lead.page.screenshot({ path: "/tmp/bluedot-transfer-arrival.png", fullPage: true });
  await lead.page.selectOption(".incoming-transfer select[name=hub]", { label: await lead.page.locator(".incoming-transfer select[name=hub] option", { hasText: "Przemy" }).first().innerText() });
  await lead.page.selectOption(".incoming-transfer select[name=assigned_to]", { label: "Test worker.pl" });
  await lead.page.click(".incoming-transfer button[value=accept]");
  await lead.page.waitForSelector("#no-incoming");

  // Back in Romania the case closes as transferred once the answer arrives.
  await until(page, "/staff/transfers", /card transfer-accepted/);
  await worker.context.close();
  await lead.context.close();
});

test("a hand-over carries the case's state and history to the hub where the child is expected", async () => {
  const worker = await signedInAs(ro, browser, "worker2.ro", "--role", "social-worker", "--hub", "siret-border");
  const page = worker.page;
  await page.goto(`${ro.url}/staff/people/new`);
  await page.fill("#given_name", "Софія");
  await page.fill("#family_name", "Ткаченко");
  await page.check("input[name=sex][value=female]");
  await page.fill("#age", "7");
  await page.check("input[name=need][value=separated-child]");
  await page.selectOption("#consent_by", "legal-guardian");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");
  await page.selectOption("#purpose", "transfer");
  await page.click("#add-consent button[type=submit]");
  await page.waitForSelector("#consent-list li >> nth=1");
  await page.click("#cases summary");
  await page.check("#open-case input[value=separated]");
  await page.check("#open-case input[value=without-birth-certificate]");
  await page.click("#open-case button[type=submit]");
  await page.waitForSelector("#case-facts");
  // Assessed, and her birth registration applied for, before she travels on.
  await page.fill("#assessment-note", "Travels with her grandmother; no birth certificate.");
  await Promise.all([page.waitForNavigation(), page.click("#step-assessment button[type=submit]")]);
  await page.click("#next-steps summary:has-text('Birth registration')");
  await page.selectOption("#birth-registration", "applied");
  await page.fill("#birth-note", "Applied at the Siret civil registry.");
  await Promise.all([page.waitForNavigation(), page.click("#step-birth button[type=submit]")]);
  assert.match(await page.locator("#case-birth").innerText(), /applied for/);
  // Two documents: the registry's receipt and a photo of her Ukrainian papers.
  const documents = [
    { name: "registry-receipt.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% receipt\n%%EOF\n") },
    {
      name: "papers.png",
      mimeType: "image/png",
      buffer: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
    },
  ];
  for (const document of documents) {
    await page.setInputFiles("#document", document);
    await Promise.all([page.waitForNavigation(), page.click("#upload button[type=submit]")]);
  }
  assert.equal(await page.locator("#document-list li").count(), 2);

  await page.click("#transfer-link");
  for (const box of await page.locator("#transfer-form input[name=doc]").all()) await box.check();
  await page.selectOption("#transfer-to", "partner:PL");
  const przemysl = await page.locator("#transfer-dest-hub option", { hasText: "Przemy" }).first().getAttribute("value");
  await page.selectOption("#transfer-dest-hub", przemysl);
  await page.click("#transfer-form button[type=submit]");
  await page.waitForSelector("#preview");
  const preview = await page.locator("#preview dl.package").innerText();
  assert.match(preview, /waiting for a case plan/);
  assert.match(preview, /applied for/);
  assert.match(preview, /Applied at the Siret civil registry/);
  assert.match(preview, /Test worker2\.ro \(social-worker\), Blue Dot Siret, RO/);
  assert.match(preview, /Poland — .*Przemy/);
  assert.match(preview, /registry-receipt\.pdf · application\/pdf/);
  assert.match(preview, /papers\.png · image\/png/);
  assert.deepEqual(await axeViolations(page), []);
  await page.click("#confirm-transfer button[type=submit]");
  await page.waitForSelector("#outgoing-list");
  await until(page, "/staff/transfers", /card transfer-(received|accepted)[^]*Софія/);

  // The Przemyśl social worker sees her coming on her home page, before anyone accepts.
  const plWorker = await signedInAs(pl, browser, "worker2.pl", "--role", "social-worker", "--hub", "przemysl-station");
  await plWorker.page.goto(`${pl.url}/staff`);
  await until(plWorker.page, "/staff", /Софія Ткаченко/);
  await plWorker.page.reload();
  assert.match(await plWorker.page.locator("#arrivals").innerText(), /Софія Ткаченко/);

  // The coordinator sees exactly what the sender checked, and gives her to that worker.
  const lead = await signedInAs(pl, browser, "lead2.pl", "--role", "country-coordinator", "--country", "PL");
  await lead.page.goto(`${pl.url}/staff/transfers`);
  const card = lead.page.locator(".incoming-transfer", { hasText: "Софія" });
  assert.equal(await card.locator("dl.package").innerText(), preview, "what arrived is what the sender saw");
  assert.match(await card.locator("select[name=hub] option:checked").innerText(), /Przemy/);
  await card.locator("select[name=assigned_to]").selectOption({ label: "Test worker2.pl" });
  await Promise.all([lead.page.waitForNavigation(), card.locator("button[value=accept]").click()]);

  // Her case continues where it stood, with the sender's history credited to the sender.
  await plWorker.page.goto(`${pl.url}/staff/cases`);
  await plWorker.page.click("text=Софія Ткаченко");
  await plWorker.page.waitForSelector("#case-facts");
  assert.match(await plWorker.page.locator("#case-stage").innerText(), /waiting for a case plan/);
  assert.match(await plWorker.page.locator("#case-birth").innerText(), /applied for/);
  const arrivedFiles = await plWorker.page.locator("#document-list").innerText();
  assert.match(arrivedFiles, /registry-receipt\.pdf/);
  assert.match(arrivedFiles, /papers\.png/);
  const history = await plWorker.page.locator("#case-history").innerText();
  assert.match(history, /Applied at the Siret civil registry[^]*/);
  assert.match(history, /Test worker2\.ro \(social-worker\), Blue Dot Siret, RO/);

  // She arrived: the Przemyśl worker says so, and Siret reads "arrived" on its status line.
  await plWorker.page.goto(`${pl.url}/staff/transfers`);
  const awaited = plWorker.page.locator(".awaited-transfer", { hasText: "Софія" });
  await awaited.locator("textarea[name=note]").fill("Arrived with her grandmother by bus.");
  await Promise.all([plWorker.page.waitForNavigation(), awaited.locator("button[value=arrived]").click()]);
  await until(page, "/staff/transfers", /arrived \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/);
  await worker.context.close();
  await plWorker.context.close();
  await lead.context.close();
});
