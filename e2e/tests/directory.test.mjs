// The directory run by its coordinators in a real browser: a country coordinator adds a hub
// with hours written through the form, a hub coordinator announces a closure, a content editor
// translates a page and later sees it outdated, and each change shows on the public site and in
// the entry's history. Bad input is refused with a message and writes nothing.
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

/// A local `datetime-local` value `days` from today at `time`.
function localDay(days, time) {
  const d = new Date(Date.now() + days * 86400_000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${time}`;
}

test("a country coordinator adds a hub with hours written by the form; bad input writes nothing", async () => {
  const { context, page } = await signedInAs(server, browser, "coord.dir", "--role", "country-coordinator", "--country", "RO");
  await page.click("a[href='/staff/directory']");
  await page.selectOption("#add-country", "RO");
  await page.click("#add-hub button");
  await page.waitForSelector("#hub-form");
  assert.deepEqual(await axeViolations(page), []);

  await page.fill("#hub-slug", "galati-port");
  await page.fill("#name-en", "Blue Dot Galați port");
  await page.fill("#name-uk", "Блакитна точка Галац, порт");
  await page.fill("#name-ro", "Punctul Albastru Galați port");
  await page.fill("#address-ro", "Strada Portului 1, Galați");
  // The pin: typed coordinates outside Romania are refused on save (Chișinău, Moldova).
  await page.fill("#hub-lat", "47.0105");
  await page.fill("#hub-lon", "28.8638");
  // The hours builder writes the syntax: its first row is Monday to Friday, 09:00-17:00.
  const builder = page.locator("#hours-builder");
  await builder.locator("select").selectOption("off");
  await builder.getByRole("button", { name: "Write the hours" }).click();
  assert.equal(await page.inputValue("#hub-hours"), "Mo-Fr 09:00-17:00; PH off");
  await page.waitForFunction(() => document.querySelectorAll("#hours-preview tr").length === 7);
  // Invalid hours show their error live, before any save.
  await page.fill("#hub-hours", "whenever we like");
  await page.waitForSelector("#hours-error:not([hidden])");
  await page.fill("#hub-hours", "Mo-Fr 09:00-17:00; PH off");
  await page.waitForSelector("#hours-error", { state: "hidden" });
  await page.check("input[name=service][value=information-desk]");
  const groups = page.locator(".service-choice", { has: page.locator("input[value=information-desk]") });
  await groups.locator("summary").click();
  await groups.locator("input[value=children]").check();

  let response = await Promise.all([page.waitForNavigation(), page.click("#hub-save")]).then(([r]) => r);
  assert.equal(response.status(), 400);
  assert.match(await page.locator("#error-message").innerText(), /Location: .*outside RO/);
  // Nothing typed is lost.
  assert.equal(await page.inputValue("#name-uk"), "Блакитна точка Галац, порт");
  assert.equal((await page.request.get(`${server.url}/en/hubs/galati-port`)).status(), 404);

  // Inside Romania it is saved, and shows on the public site.
  await page.fill("#hub-lat", "45.4353");
  await page.fill("#hub-lon", "28.0080");
  response = await Promise.all([page.waitForNavigation(), page.click("#hub-save")]).then(([r]) => r);
  assert.equal(response.status(), 200);
  await page.waitForSelector("#saved");
  const visitor = await phone(browser);
  const publicPage = await visitor.newPage();
  await publicPage.goto(`${server.url}/uk/hubs/galati-port`);
  assert.equal(await publicPage.locator("h1").innerText(), "Блакитна точка Галац, порт");
  assert.match(await publicPage.locator("table.week").innerText(), /09:00–17:00/);

  // An edit with an unknown service code is refused naming it, and changes nothing.
  const hubUrl = page.url().replace(/\?.*$/, "");
  const form = await page.evaluate(() => Object.fromEntries(new FormData(document.getElementById("hub-form"))));
  const bad = await page.request.post(hubUrl, {
    form: { ...form, service: "teleportation" },
    headers: { origin: server.url },
  });
  assert.equal(bad.status(), 400);
  assert.match(await bad.text(), /teleportation/);

  // A service run by a partner, for some people, with its own hours: invalid hours are
  // refused naming the service, valid ones show on the hub's public page.
  const desk = page.locator(".service-choice", { has: page.locator("input[value=information-desk]") });
  await desk.locator("summary").click();
  await desk.locator("input[name='service_hours.information-desk']").fill("weekdays mornings");
  await desk.locator("input[name='provided_by.information-desk']").fill("Save the Children");
  await desk.locator("input[name='eligibility.information-desk.uk']").fill("Родини з дітьми");
  response = await Promise.all([page.waitForNavigation(), page.click("#hub-save")]).then(([r]) => r);
  assert.equal(response.status(), 400);
  assert.match(await page.locator("#error-message").innerText(), /information-desk/);
  await page.locator(".service-choice", { has: page.locator("input[value=information-desk]") }).locator("summary").click();
  await page.fill("input[name='service_hours.information-desk']", "Mo-Fr 10:00-12:00");
  response = await Promise.all([page.waitForNavigation(), page.click("#hub-save")]).then(([r]) => r);
  assert.equal(response.status(), 200);
  await publicPage.goto(`${server.url}/uk/hubs/galati-port`);
  const services = await publicPage.locator("#services-h + h3 + ul, section[aria-labelledby=services-h]").first().innerText();
  assert.match(services, /Надає: Save the Children/);
  assert.match(services, /Для кого: Родини з дітьми/);
  await publicPage.locator(".service-hours summary").click();
  assert.match(await publicPage.locator(".service-hours").innerText(), /10:00–12:00/);

  // The history names the creation, by whom, with every field.
  await page.click("text=History");
  await page.waitForSelector("#history");
  assert.match(await page.locator("#history").innerText(), /Version 1 · created · Test coord\.dir/);
  await publicPage.close();
  await visitor.close();
  await context.close();
});

test("a hub coordinator announces a closure; the public site shows it with the nearest open hub", async () => {
  const { context, page } = await signedInAs(server, browser, "coord.siret", "--role", "hub-coordinator", "--hub", "siret-border");
  await page.click("a[href='/staff/directory']");
  // A hub coordinator adds no hubs and writes no country pages.
  assert.equal(await page.locator("#add-hub").count(), 0);
  assert.equal(await page.locator("#page-list").count(), 0);
  await page.click("#hub-list a");
  await page.waitForSelector("#closure-form");
  // Another hub's form is refused.
  const locations = await (await page.request.get(`${server.url}/locations?per_page=500`)).json();
  const other = locations.contents.find((l) => l.x_slug !== "siret-border");
  assert.equal((await page.request.get(`${server.url}/staff/directory/hubs/${other.id}`)).status(), 403);

  await page.fill("#closure-starts", localDay(-1, "00:00"));
  await page.fill("#closure-ends", localDay(1, "23:59"));
  await page.fill("#reason-en", "Flooding at the crossing");
  await page.fill("#reason-uk", "Підтоплення на переході");
  await page.click("#closure-form button[type=submit]");
  await page.waitForSelector("#closure-list");
  assert.match(await page.locator("#closure-list").innerText(), /in force now/);

  const visitor = await phone(browser);
  const publicPage = await visitor.newPage();
  await publicPage.goto(`${server.url}/uk/hubs/siret-border`);
  assert.match(await publicPage.locator("#open-state").innerText(), /Зачинено · до/);
  assert.match(await publicPage.locator(".closure").innerText(), /Підтоплення на переході/);
  await publicPage.waitForSelector("#alternative a");
  // The list and the map's data say it is closed too.
  await publicPage.goto(`${server.url}/uk/hubs`);
  const card = publicPage.locator(".card", { has: publicPage.locator("a[href$='/hubs/siret-border']") });
  assert.match(await card.innerText(), /Зачинено/);

  // Withdrawing it reopens the hub; both changes are in the history.
  await page.click("#closure-list button");
  await page.waitForSelector("text=No closures announced.");
  await page.click("text=History");
  const history = await page.locator("#history").innerText();
  assert.match(history, /Version \d+ · edited · Test coord\.siret/);
  assert.match(history, /closures/);
  await publicPage.close();
  await visitor.close();
  await context.close();
});

test("a content editor translates a page, which shows outdated when its source changes", async () => {
  const { context, page } = await signedInAs(server, browser, "editor.ro", "--role", "content-editor", "--country", "RO");
  // A content editor sees no records and no hubs to edit.
  assert.equal(await page.locator("a[href='/staff/people']").count(), 0);
  assert.equal((await page.request.get(`${server.url}/staff/people`)).status(), 403);
  await page.click("a[href='/staff/directory']");
  assert.equal(await page.locator("#hub-list").count(), 0);
  await page.goto(`${server.url}/staff/directory/pages/RO/rights/ro`);
  // The English source is beside the form.
  assert.match(await page.locator("#source").innerText(), /English/);
  assert.deepEqual(await axeViolations(page), []);
  await page.fill("#page-title", "Drepturile dumneavoastră în România");
  await page.fill("#page-summary", "Protecție temporară, muncă, școală, sănătate.");
  await page.fill("#page-body", "Ca beneficiar al protecției temporare aveți dreptul la muncă, școală și asistență medicală.");
  await page.click("#page-form button[type=submit]");
  await page.waitForSelector("#saved");
  assert.match(await page.locator("#translation-state").innerText(), /translation, current/);

  const visitor = await phone(browser, { locale: "ro-RO" });
  const publicPage = await visitor.newPage();
  await publicPage.goto(`${server.url}/ro/info/ro/rights`);
  assert.equal(await publicPage.locator("h1").innerText(), "Drepturile dumneavoastră în România");

  // The English source changes: the Romanian translation is outdated, and the public site
  // shows the source with its note until it is checked again.
  await page.goto(`${server.url}/staff/directory/pages/RO/rights/en`);
  await page.fill("#page-body", (await page.inputValue("#page-body")) + "\n\nNew: the protection is extended to March 2027.");
  await page.click("#page-form button[type=submit]");
  await page.waitForSelector("#saved");
  await page.goto(`${server.url}/staff/directory/pages/RO/rights/ro`);
  assert.match(await page.locator("#translation-state").innerText(), /outdated/);
  await page.goto(`${server.url}/staff/directory`);
  assert.match(await page.locator("#review").innerText(), /Drepturile dumneavoastră/);
  await publicPage.reload();
  assert.match(await publicPage.locator("article").innerText(), /March 2027/);

  // Checked again, it is current and shown.
  await page.goto(`${server.url}/staff/directory/pages/RO/rights/ro`);
  await page.click("#page-verify button");
  await page.waitForSelector("#saved");
  assert.match(await page.locator("#translation-state").innerText(), /translation, current/);
  await publicPage.reload();
  assert.equal(await publicPage.locator("h1").innerText(), "Drepturile dumneavoastră în România");

  // The history holds each version; restoring the English page's first version brings back
  // its text as a new version.
  await page.click("text=History");
  await page.waitForSelector("#history");
  assert.match(await page.locator("#history").innerText(), /confirmed still correct/);
  await page.goto(`${server.url}/staff/directory/pages/RO/rights/en/history`);
  await page.click("#version-1 button");
  await page.waitForSelector("text=restored from version 1");
  await page.goto(`${server.url}/staff/directory/pages/RO/rights/en`);
  assert.doesNotMatch(await page.inputValue("#page-body"), /March 2027/);
  await publicPage.close();
  await visitor.close();
  await context.close();
});

test("a country coordinator imports a directory package on the screen: checked first, another country's hub refused", async () => {
  const { context, page } = await signedInAs(server, browser, "coord.import", "--role", "country-coordinator", "--country", "MD");
  await page.goto(`${server.url}/staff/directory`);
  await page.click("#import-link");
  await page.waitForSelector("#import-form");
  assert.deepEqual(await axeViolations(page), []);

  // The whole directory as downloaded from this screen, with one Moldovan hub's phone changed.
  const exported = await (await page.request.get(`${server.url}/staff/directory/export`)).json();
  const hubs = exported.x_bluedot.hubs;
  const moldovan = hubs.find((h) => h.country === "MD");
  const polish = hubs.find((h) => h.country === "PL");
  moldovan.contacts = [{ channel: "phone", value: "+373 22 000 111" }];
  const mine = { x_bluedot: { hubs: [moldovan], providers: [], articles: [] } };
  const file = (name, json) => ({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(json)) });

  await page.setInputFiles("#import-files", file("md.json", mine));
  let response = await Promise.all([page.waitForNavigation(), page.click("#import-form button[value='0']")]).then(([r]) => r);
  assert.equal(response.status(), 200);
  assert.match(await page.locator("#import-summary").innerText(), /0 to create, 1 to change/);
  assert.match(await page.locator("#report-h").innerText(), /nothing was written/);
  let publicHub = await page.request.get(`${server.url}/en/hubs/${moldovan.slug}`);
  assert.doesNotMatch(await publicHub.text(), /\+373 22 000 111/);

  // A hub of another country in the package: refused with the reason, nothing written.
  polish.contacts = [{ channel: "phone", value: "+48 22 000 111" }];
  const both = { x_bluedot: { hubs: [moldovan, polish], providers: [], articles: [] } };
  await page.setInputFiles("#import-files", file("both.json", both));
  response = await Promise.all([page.waitForNavigation(), page.click("#import-form button[value='1']")]).then(([r]) => r);
  assert.equal(response.status(), 400);
  assert.match(await page.locator("#import-refused").innerText(), new RegExp(`hub ${polish.slug}.*outside your scope`));
  publicHub = await page.request.get(`${server.url}/en/hubs/${moldovan.slug}`);
  assert.doesNotMatch(await publicHub.text(), /\+373 22 000 111/);

  // Its own hub alone is imported, and shows on the public site at once.
  await page.setInputFiles("#import-files", file("md.json", mine));
  response = await Promise.all([page.waitForNavigation(), page.click("#import-form button[value='1']")]).then(([r]) => r);
  assert.equal(response.status(), 200);
  assert.match(await page.locator("#report-h").innerText(), /Imported/);
  publicHub = await page.request.get(`${server.url}/en/hubs/${moldovan.slug}`);
  assert.match(await publicHub.text(), /\+373 22 000 111/);
  await context.close();
});

test("a country coordinator adds and corrects a provider; it shows on the country page with its eligibility and fees", async () => {
  const { context, page } = await signedInAs(server, browser, "coord.providers", "--role", "country-coordinator", "--country", "SK");
  await page.goto(`${server.url}/staff/directory`);
  await page.selectOption("#add-provider-country", "SK");
  await page.click("#add-provider button");
  await page.waitForSelector("#provider-form");
  assert.deepEqual(await axeViolations(page), []);
  await page.fill("#provider-organization", "Poradňa pre cudzincov Košice");
  await page.selectOption("#provider-service", "legal-counselling");
  await page.fill("#name-en", "Legal advice for people from Ukraine");
  await page.fill("#name-uk", "Юридичні консультації для людей з України");
  await page.fill("#eligibility-uk", "Особи з тимчасовим притулком");
  await page.uncheck("#provider-free");
  await page.fill("#fees-uk", "Перша консультація безкоштовна");
  await page.fill("#hub-hours", "Tu,Th 10:00-16:00");
  await page.fill("#provider-website", "ftp://kosice.example.sk");

  // A web address that is not a web page is refused with the field named; nothing typed is lost.
  let response = await Promise.all([page.waitForNavigation(), page.click("#provider-save")]).then(([r]) => r);
  assert.equal(response.status(), 400);
  assert.match(await page.locator("#error-message").innerText(), /Website|https/);
  assert.equal(await page.inputValue("#eligibility-uk"), "Особи з тимчасовим притулком");

  await page.fill("#provider-website", "https://kosice.example.sk");
  response = await Promise.all([page.waitForNavigation(), page.click("#provider-save")]).then(([r]) => r);
  assert.equal(response.status(), 200);
  await page.waitForSelector("#saved");

  const visitor = await phone(browser);
  const publicPage = await visitor.newPage();
  await publicPage.goto(`${server.url}/uk/info/sk`);
  const listed = await publicPage.locator("main").innerText();
  assert.match(listed, /Юридичні консультації для людей з України/);
  assert.match(listed, /Особи з тимчасовим притулком/);
  assert.match(listed, /Перша консультація безкоштовна/);

  // A correction is a new version in the provider's history, with the old value shown.
  await page.fill("#fees-uk", "Перші дві консультації безкоштовні");
  await Promise.all([page.waitForNavigation(), page.click("#provider-save")]);
  await page.click("a[href$='/history']");
  const history = await page.locator("#history").innerText();
  assert.match(history, /Перша консультація безкоштовна/);
  assert.match(history, /Перші дві консультації безкоштовні/);
  assert.deepEqual(await axeViolations(page), []);

  // Another country's provider is not this coordinator's to open.
  const exported = await (await page.request.get(`${server.url}/staff/directory/export`)).json();
  const polish = exported.x_bluedot.providers.find((p) => p.country === "PL");
  const other = await page.request.get(`${server.url}/staff/directory/providers/${polish.id}`);
  assert.equal(other.status(), 403);
  await context.close();
});
