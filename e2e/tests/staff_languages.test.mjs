// Staff pages in the workers' own languages, in a real browser on a phone: a Romanian social
// worker whose browser asks for English switches her account to Romanian and works a child's
// record and case in it; a Ukrainian interpreter's pages follow her browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, signedInAs, axeViolations, phone } from "./server.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a social worker chooses Romanian for her account and works a case in it", async () => {
  const { page } = await signedInAs(server, browser, "ioana", "--role", "social-worker", "--hub", "siret-border");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.selectOption("#staff-language", "ro");
  await page.click("#language-form button[type=submit]");
  await page.waitForFunction(() => document.documentElement.lang === "ro");
  assert.equal(await page.locator("nav a[aria-current=page]").innerText(), "Acasă");

  await page.goto(`${server.url}/staff/people/new`);
  assert.equal(await page.getAttribute("html", "lang"), "ro");
  assert.match(await page.locator("h1").innerText(), /Înregistrați o persoană/);
  await page.fill("#given_name", "Олена");
  await page.fill("#family_name", "Шевченко");
  await page.check("input[name=sex][value=female]");
  await page.fill("#age", "8");
  await page.check("input[name=need][value=separated-child]");
  await page.selectOption("#consent_by", "parent");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");

  await page.click("#cases summary");
  await page.check("#open-case input[value=separated]");
  await page.fill("#case-screening", "Separată de mamă la graniță");
  await page.click("#open-case button[type=submit]");
  await page.waitForSelector("#case-facts");
  assert.match(await page.locator("#case-stage").innerText(), /așteaptă evaluarea/);
  assert.deepEqual(await axeViolations(page), []);
  // Nothing on the page is wider than the phone, long Romanian words included.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: "/tmp/bluedot-case-ro.png", fullPage: true });
});

test("an interpreter at the desk flags a child in Ukrainian; a social worker takes it", async () => {
  const { context } = await signedInAs(server, browser, "oksana", "--role", "information-desk", "--hub", "siret-border");
  // The same session in a browser set to Ukrainian.
  const ukrainian = await phone(browser, { locale: "uk-UA" });
  await ukrainian.addCookies(await context.cookies());
  const page = await ukrainian.newPage();
  await page.goto(`${server.url}/staff/visits`);
  assert.equal(await page.getAttribute("html", "lang"), "uk");
  assert.match(await page.locator("h1").innerText(), /Записати відвідування/);
  assert.deepEqual(await axeViolations(page), []);

  // She cannot open records, but she can flag a child for the social workers.
  await page.click("nav a[href='/staff/flag']");
  await page.waitForSelector("#flag-child");
  assert.match(await page.locator("h1").innerText(), /Повідомити соціального працівника/);
  await page.fill("#flag-seen", "Хлопчик років десяти сам у черзі, каже, що мама лишилася в Одесі");
  await page.click("#flag-child button[type=submit]");
  // Nothing typed is lost when something is missing; each problem shows beside its field.
  await page.waitForSelector("#flag-concern-error");
  assert.match(await page.locator("#flag-urgency-error").innerText(), /Виберіть, наскільки це терміново/);
  assert.match(await page.locator("#flag-seen").inputValue(), /Одесі/);
  // The text area shows how much of its limit is used.
  assert.match(await page.locator("#flag-seen-counter").innerText(), /^\d+ \/ 1000$/);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-flag-uk.png", fullPage: true });
  await page.check("input[name=concern][value=unaccompanied-child]");
  await page.check("input[name=urgency][value=high]");
  await page.fill("#flag-where-now", "На лаві біля інформаційного столу, з волонтеркою");
  await page.click("#flag-child button[type=submit]");
  await page.waitForSelector("#flag-sent");

  const worker = await signedInAs(server, browser, "mihai", "--role", "social-worker", "--hub", "siret-border");
  const flag = worker.page.locator("#flags .flag").first();
  assert.match(await flag.innerText(), /Unaccompanied child/);
  assert.match(await flag.innerText(), /Одесі/);
  await flag.locator("button[type=submit]").click();
  await worker.page.waitForSelector("#flags .flag-taken");
  assert.match(await worker.page.locator("#flags .flag-taken").innerText(), /Taken by Test mihai/);
  assert.deepEqual(await axeViolations(worker.page), []);
  await worker.page.screenshot({ path: "/tmp/bluedot-flag-taken.png", fullPage: true });
});
