// Staff accounts in a real browser: set-up from a one-time link, two-factor sign-in, and what
// each role may and may not open.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
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

async function signedIn(username, ...userArgs) {
  return signedInAs(server, browser, username, ...userArgs);
}

test("a hub coordinator and a social worker sign in with two factors and see only their part", async () => {
  const coordinator = await signedIn("coord.ro", "--role", "country-coordinator", "--country", "RO");
  assert.match(await coordinator.page.locator("#who").innerText(), /Country coordinator · Romania/);
  assert.match(await coordinator.page.locator("#stale").innerText(), /brasov-station/);
  await coordinator.page.click("a[href='/staff/audit']");
  await coordinator.page.waitForSelector("#audit");

  const worker = await signedIn("worker.siret", "--role", "social-worker", "--hub", "siret-border");
  assert.match(await worker.page.locator("#who").innerText(), /Social worker · Blue Dot Siret/);
  assert.equal(await worker.page.locator("a[href='/staff/audit']").count(), 0);
  const denied = await worker.page.goto(`${server.url}/staff/audit`);
  assert.equal(denied.status(), 403);
  assert.equal(denied.headers()["cache-control"], "no-store");

  // Signing out ends the session in this browser.
  await worker.page.goto(`${server.url}/staff`);
  await worker.page.click("form[action='/staff/logout'] button");
  await worker.page.waitForURL(/\/staff\/login$/);
  await worker.page.goto(`${server.url}/staff`);
  assert.match(worker.page.url(), /\/staff\/login$/);
  await coordinator.context.close();
  await worker.context.close();

  const verify = server.run("audit", "verify");
  assert.match(verify, /audit log intact: \d+ entries/);
});

test("an administrator creates an account and gets its one-time link", async () => {
  const admin = await signedIn("admin", "--role", "system-administrator", "--everywhere");
  await admin.page.click("a[href='/staff/users']");
  await admin.page.fill("#username", "legal.md");
  await admin.page.fill("#display_name", "Legal Aid Chișinău");
  await admin.page.selectOption("#role", "legal-aid");
  await admin.page.check("input[name=country][value=MD]");
  await admin.page.click("#new-user button[type=submit]");
  await admin.page.waitForSelector("#setup-link");
  assert.match(await admin.page.locator("#setup-link code").innerText(), /\/staff\/setup\//);
  assert.match(await admin.page.locator("#users").innerText(), /legal\.md[\s\S]*waiting for set-up/);
  assert.deepEqual(await axeViolations(admin.page), []);
  await admin.context.close();
});

test("a social worker registers a child on a phone, writes a note, and the view is audited", async () => {
  const worker = await signedIn("worker.people", "--role", "social-worker", "--hub", "siret-border");
  const page = worker.page;
  await page.click("a[href='/staff/people']");
  await page.click("#register");
  // A mistake is refused with a message and the form keeps what was typed.
  await page.fill("#given_name", "Олена");
  await page.fill("#family_name", "Кравченко");
  await page.check("input[name=sex][value=female]");
  await page.fill("#age", "300");
  await page.check("input[name=need][value=unaccompanied-child]");
  await page.selectOption("#consent_by", "child-assent");
  await page.click("#new-person button[type=submit]");
  assert.match(await page.locator("#error-message").innerText(), /age is 0 to 120/);
  assert.equal(await page.inputValue("#given_name"), "Олена");
  await page.fill("#age", "11");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");
  assert.equal(await page.locator("#person-name").innerText(), "Олена Кравченко");
  assert.match(await page.locator("#identity").innerText(), /Olena Kravchenko/);
  await page.fill("#note-body", "Arrived alone on the night bus.");
  await page.click("#add-note button[type=submit]");
  await page.waitForSelector(".note-entry");
  assert.match(await page.locator("#notes-case-work").innerText(), /night bus/);
  assert.deepEqual(await axeViolations(page), []);
  // Found again from a Latin spelling.
  await page.goto(`${server.url}/staff/people?q=olena`);
  assert.equal(await page.locator("#people li").count(), 1);

  const coordinator = await signedIn("coord.audit", "--role", "hub-coordinator", "--hub", "siret-border");
  // The coordinator finds what this worker did by choosing her by name: every row is hers, and
  // the view of the child's record is named by the child's reference, not an internal id.
  const audit = coordinator.page;
  await audit.goto(`${server.url}/staff/audit`);
  await audit.selectOption("#actor", { label: "Test worker.people (worker.people)" });
  await audit.click("#audit-filters button[type=submit]:not([name])");
  await audit.waitForURL(/actor=/);
  const who = await audit.locator("#audit tbody tr td:nth-child(3)").allInnerTexts();
  assert.ok(who.length >= 2, `only ${who.length} rows for the worker`);
  assert.ok(who.every((cell) => cell.startsWith("Test worker.people")), who.join(" | "));
  const rows = await audit.locator("#audit tbody").innerText();
  assert.match(rows, /person\.view/);
  assert.doesNotMatch(rows, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  assert.deepEqual(await axeViolations(audit), []);
  await worker.context.close();
  await coordinator.context.close();
});
