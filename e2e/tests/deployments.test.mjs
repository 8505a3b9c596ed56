// A mobile team in a real browser on a phone: the hub coordinator plans where, when and who;
// a team member starts it, counts a group out there, and the deployment's page counts it.
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

async function noViolations(page) {
  assert.deepEqual(await axeViolations(page), []);
}

/// `datetime-local` text `hours` from now in Romania's time zone.
function local(hours) {
  const at = new Date(Date.now() + hours * 3600_000);
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Bucharest", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

test("a coordinator plans a deployment and the team's visits are counted for it", async () => {
  const desk = await signedInAs(server, browser, "desk.mobile", "--role", "information-desk", "--hub", "siret-border");
  const lead = await signedInAs(server, browser, "lead.siret", "--role", "hub-coordinator", "--hub", "siret-border");

  await lead.page.click("a[href='/staff/deployments']");
  await lead.page.waitForSelector("#plan-deployment");
  await noViolations(lead.page);
  await lead.page.fill("#deployment-place", "Vicovu de Sus, bus stop by the church");
  await lead.page.fill("#deployment-starts", local(0));
  await lead.page.fill("#deployment-ends", local(8));
  await lead.page.screenshot({ path: "/tmp/bluedot-plan-form.png", fullPage: true });
  const teamLabels = await lead.page.locator("#plan-deployment label.check").allInnerTexts();
  const deskIndex = teamLabels.findIndex((t) => t.includes("Test desk.mobile"));
  assert.ok(deskIndex >= 0, `the desk worker is offered: ${teamLabels}`);
  await lead.page.locator("#plan-deployment label.check").nth(deskIndex).click();
  await lead.page.click("#plan-deployment button[type=submit]");
  await lead.page.waitForURL(/\/staff\/deployments\/[0-9a-f-]+$/);
  const deploymentUrl = lead.page.url();
  assert.match(await lead.page.locator("#deployment-status").innerText(), /planned/);
  await lead.page.screenshot({ path: "/tmp/bluedot-deployment-planned.png", fullPage: true });

  // The team member starts it from the list, and records a group there.
  await desk.page.goto(deploymentUrl);
  await desk.page.click("button[value=under-way]");
  await desk.page.waitForSelector("#open-counter");
  assert.match(await desk.page.locator("#deployment-status").innerText(), /under way/);
  await noViolations(desk.page);
  await desk.page.click("#open-counter");
  await desk.page.waitForSelector("#visit-form");
  assert.equal(
    await desk.page.locator("#deployment option:checked").innerText(),
    "Vicovu de Sus, bus stop by the church",
  );
  await desk.page.click("button[aria-label='+ Women and girls 18-59']");
  await desk.page.click("button[aria-label='+ Women and girls 0-4']");
  await desk.page.click("#visit-form button[type=submit]");
  await desk.page.waitForFunction(() => document.getElementById("today-people").textContent === "2");
  await desk.page.screenshot({ path: "/tmp/bluedot-counter-deployment.png", fullPage: false });

  await lead.page.reload();
  assert.equal(await lead.page.locator("#deployment-people").innerText(), "2");
  assert.equal(await lead.page.locator("#deployment-children").innerText(), "1");
  await lead.page.click("button[value=completed]");
  await lead.page.waitForFunction(() => /completed/.test(document.getElementById("deployment-status").textContent));
  await lead.page.screenshot({ path: "/tmp/bluedot-deployment-done.png", fullPage: true });
  await desk.context.close();
  await lead.context.close();
});
