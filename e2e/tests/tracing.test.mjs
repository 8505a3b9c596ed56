// Family tracing in a real browser on a phone: a registered girl, a mother's request in another
// spelling, the candidate with the matcher's reasons, confirmation, verification, reunification.
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

test("a mother's request finds her daughter and ends in reunification", async () => {
  const { context, page } = await signedInAs(server, browser, "worker.tracing", "--role", "social-worker", "--hub", "siret-border");
  await page.goto(`${server.url}/staff/people/new`);
  await page.fill("#given_name", "Олена");
  await page.fill("#family_name", "Кравченко");
  await page.check("input[name=sex][value=female]");
  await page.fill("#age", "11");
  await page.check("input[name=need][value=unaccompanied-child]");
  await page.selectOption("#consent_by", "child-assent");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");
  await page.selectOption("#purpose", "tracing");
  await page.selectOption("#given_by", "child-assent");
  await page.click("#add-consent button[type=submit]");
  await page.waitForSelector("#consent-list li >> nth=1");

  await page.click("a[href='/staff/tracing']");
  await page.fill("#given_name", "Olena");
  await page.fill("#family_name", "Krawczenko");
  await page.selectOption("#sex", "f");
  await page.fill("#age", "11");
  await page.fill("#requester_name", "Oksana Krawczenko");
  await page.fill("#relation", "mother");
  await page.click("#new-request button[type=submit]");
  await page.waitForSelector(".candidate");
  assert.match(await page.locator(".candidate .card-name").first().innerText(), /Олена Кравченко/);
  await page.click(".candidate summary");
  const evidence = await page.locator(".candidate .evidence").first().innerText();
  assert.match(evidence, /Same first name/);
  assert.doesNotMatch(evidence, /given_name|\+\d/, "no matcher jargon");
  assert.match(evidence, /\+ Born the same year/, "an age given today agrees with the age at registration");
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-tracing-candidate.png", fullPage: true });

  await page.click(".candidate button[value=confirm]");
  await page.waitForSelector(".candidate button[value=verify-relationship]");
  await page.check(".candidate input[name=way][value=documents]");
  await page.fill(".candidate textarea[name=details]", "Birth certificate names Oksana as the mother");
  await page.click(".candidate button[value=verify-relationship]");
  await page.waitForSelector("#reunify");
  await page.fill("#reunify-date", "2026-11-25");
  await page.fill("#reunify-place", "Blue Dot Siret");
  await page.fill("#reunify-with", "mother, Oksana Kravchenko");
  await page.check("#reunify input[name=close_case][value=yes]");
  await page.click("#reunify button[type=submit]");
  await page.waitForSelector("#reunification");
  assert.match(await page.locator("#tracing-status").innerText(), /reunified/);
  await context.close();
});

test("a request sent from the public site in Ukrainian is searched only once staff verify it", async () => {
  const { context: staff, page: desk } = await signedInAs(server, browser, "worker.public", "--role", "social-worker", "--hub", "siret-border");
  await desk.goto(`${server.url}/staff/people/new`);
  await desk.fill("#given_name", "Марко");
  await desk.fill("#family_name", "Бойко");
  await desk.check("input[name=sex][value=male]");
  await desk.fill("#age", "9");
  await desk.check("input[name=need][value=unaccompanied-child]");
  await desk.selectOption("#consent_by", "child-assent");
  await desk.click("#new-person button[type=submit]");
  await desk.waitForSelector("#person-name");
  await desk.selectOption("#purpose", "tracing");
  await desk.selectOption("#given_by", "child-assent");
  await desk.click("#add-consent button[type=submit]");
  await desk.waitForSelector("#consent-list li >> nth=1");

  const mother = await phone(browser);
  const site = await mother.newPage();
  await site.goto(`${server.url}/uk/tracing`);
  await site.fill("#given_name", "Marko");
  await site.fill("#family_name", "Bojko");
  await site.fill("#age", "9");
  await site.fill("#your_name", "Ірина Бойко");
  await site.selectOption("#relation", "mother");
  await site.fill("#phone", "+40 712 345 678");
  const hub = await site.locator("#hub option", { hasText: /Серет|Siret/ }).first().getAttribute("value");
  await site.selectOption("#hub", hub);
  await site.click("#trace-form button[type=submit]");
  const thanks = await site.locator("#trace-thanks").innerText();
  assert.match(thanks, /ніколи не повідомляємо/, "the answer says nothing about registration");
  assert.deepEqual(await axeViolations(site), []);
  await site.screenshot({ path: "/tmp/bluedot-tracing-public.png", fullPage: true });
  await mother.close();

  await desk.goto(`${server.url}/staff/tracing`);
  await desk.locator("#tracing-requests a", { hasText: "Marko" }).first().click();
  await desk.waitForSelector("#verify-request");
  assert.equal(await desk.locator(".candidate").count(), 0, "nothing is searched before verification");
  await desk.click("#verify-request button[type=submit]");
  await desk.waitForSelector(".candidate");
  assert.match(await desk.locator(".candidate .card-name").first().innerText(), /Марко Бойко/);
  await staff.close();
});
