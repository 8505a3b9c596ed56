// The visit counter in a real browser on a phone: a group in a few taps, and a group recorded
// while the connection is down that is sent, once, when it comes back.
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

const figure = (page, id) => page.locator(`#${id}`).innerText();

test("the information desk records groups, even through a dropped connection", async () => {
  const { context, page } = await signedInAs(server, browser, "desk.siret", "--role", "information-desk", "--hub", "siret-border");
  await page.click("a[href='/staff/visits']");
  await page.waitForSelector("#visit-form");
  assert.deepEqual(await axeViolations(page), []);

  // A mother with two boys: four taps and a submit.
  await page.click("button[aria-label='+ Women and girls 18-59']");
  await page.click("button[aria-label='+ Men and boys 5-11']");
  await page.click("button[aria-label='+ Men and boys 5-11']");
  await page.check("input[name=service][value=information-desk]");
  await page.click("#visit-form button[type=submit]");
  await page.waitForFunction(() => document.getElementById("today-people").textContent === "3");
  assert.equal(await figure(page, "today-children"), "2");
  assert.equal(await page.inputValue("#male-5-11"), "0", "the counter is ready for the next group");

  // The connection drops: the group waits, and is sent when it is back.
  await context.setOffline(true);
  await page.click("button[aria-label='+ Women and girls 60plus']").catch(() => {});
  await page.fill("#female-60plus", "1");
  await page.click("#visit-form button[type=submit]");
  await page.waitForFunction(() => /Waiting for the connection: 1/.test(document.getElementById("queue-status").textContent));
  assert.equal(await figure(page, "today-people"), "3");
  await context.setOffline(false);
  await page.waitForFunction(() => document.getElementById("today-people").textContent === "4", null, { timeout: 15_000 });

  // Reloading shows the same figures: nothing was lost and nothing counted twice.
  await page.reload();
  assert.equal(await figure(page, "today-people"), "4");
  assert.equal(await figure(page, "today-visits"), "2");
  assert.equal(await page.locator("#today-visits-list tbody tr").count(), 2);
  await context.close();
});
