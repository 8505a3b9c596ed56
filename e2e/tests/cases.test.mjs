// A child protection case in a real browser on a phone: a social worker opens it from the
// child's record, assesses and plans; the best interests assessment waits for the supervisor,
// who sends it back with a reason and approves it once corrected; a document is attached; the
// summary prints.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
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

test("a social worker opens and works a case, the supervisor sends the best interests step back, then approves it", async () => {
  const worker = await signedInAs(server, browser, "worker.case", "--role", "social-worker", "--hub", "siret-border");
  const lead = await signedInAs(server, browser, "lead.case", "--role", "hub-coordinator", "--hub", "siret-border");
  const page = worker.page;
  await page.goto(`${server.url}/staff/people/new`);
  await page.fill("#given_name", "Олександр");
  await page.fill("#family_name", "Кравченко");
  await page.check("input[name=sex][value=male]");
  await page.fill("#age", "12");
  await page.check("input[name=need][value=unaccompanied-child]");
  await page.selectOption("#consent_by", "child-assent");
  await page.click("#new-person button[type=submit]");
  await page.waitForSelector("#person-name");

  await page.click("#cases summary");
  await page.check("#open-case input[value=unaccompanied]");
  await page.selectOption("#case-risk-level", "high");
  await page.fill("#case-screening", "Crossed alone at night; aunt in Kraków");
  await page.click("#open-case button[type=submit]");
  await page.waitForSelector("#case-facts");
  assert.match(await page.locator("#case-stage").innerText(), /waiting for assessment/);
  assert.ok(await page.locator("#assessment-due").isVisible());
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-case-opened.png", fullPage: true });
  const caseUrl = page.url();

  await page.fill("#assessment-note", "Healthy; wants to reach his aunt");
  await page.click("#step-assessment button[type=submit]");
  await page.waitForFunction(() => /case plan/.test(document.getElementById("case-stage").textContent));
  await page.fill("#plan-note", "Trace the aunt; interim foster care");
  await page.click("#step-plan button[type=submit]");
  await page.waitForFunction(() => /plan under way/.test(document.getElementById("case-stage").textContent));
  await page.click("#next-steps summary:has-text('Best interests assessment')");
  await page.fill("#bia-note", "Kinship care with the aunt recommended");
  await page.click("#step-bia button[type=submit]");
  await page.waitForSelector(".case-alert");
  assert.match(await page.locator("#case-bia").innerText(), /waiting for approval/);

  // A document, then the supervisor's approval.
  const dir = mkdtempSync(join(tmpdir(), "bluedot-doc-"));
  const file = join(dir, "aunt-statement.pdf");
  writeFileSync(file, "%PDF-1.4\n% statement\n%%EOF\n");
  await page.setInputFiles("#document", file);
  await page.click("#upload button[type=submit]");
  await page.waitForSelector("#document-list");
  assert.match(await page.locator("#document-list").innerText(), /aunt-statement\.pdf/);

  await lead.page.click("a[href='/staff/cases']");
  await lead.page.check("input[name=alerts]");
  await lead.page.click("#case-search button[type=submit]");
  assert.match(await lead.page.locator("#case-list").innerText(), /best interests step waits for approval/);
  await lead.page.click("#case-list a");
  // Sent back first: a return without a reason is refused, then the reason reaches the worker.
  await lead.page.click("#step-approve-bip button[value=bip-return]");
  await lead.page.waitForSelector("#error-message");
  await lead.page.fill("#approve-bip-note", "Add the aunt's address and how she was reached");
  await lead.page.click("#step-approve-bip button[value=bip-return]");
  await lead.page.waitForFunction(() => /sent back/.test(document.getElementById("case-history").textContent));
  await page.goto(caseUrl);
  assert.match(await page.locator("#case-history").innerText(), /Best interests assessment sent back[\s\S]*aunt's address/);
  await page.click("#next-steps summary:has-text('Best interests assessment')");
  await page.fill("#bia-note", "Kinship care with the aunt recommended; she lives at ul. Długa 5, Kraków, reached by phone");
  await page.click("#step-bia button[type=submit]");
  await page.waitForSelector(".case-alert");
  await lead.page.reload();
  await lead.page.click("#step-approve-bip button[value=bip-approval]");
  await lead.page.waitForFunction(() => /approved/.test(document.getElementById("case-bia").textContent));
  assert.deepEqual(await axeViolations(lead.page), []);
  await lead.page.screenshot({ path: "/tmp/bluedot-case-approved.png", fullPage: true });

  await page.goto(`${caseUrl}/summary`);
  assert.match(await page.locator("#summary-child").innerText(), /Олександр Кравченко/);
  assert.match(await page.locator("#summary-history").innerText(), /Kinship care with the aunt/);
  const pdf = await page.pdf({ format: "A4" });
  assert.ok(pdf.length > 1000);
  await worker.context.close();
  await lead.context.close();
});
