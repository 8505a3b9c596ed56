// Places typed in the visitor's own language and script lead to the right country, on a phone:
// the place understood is named as typed, and the results come into view.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, phone, axeViolations } from "./server.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// A visitor on a phone in `lang` types `query` into the home page's search and gets results.
async function searchTown(lang, query) {
  const context = await phone(browser, { locale: lang });
  const page = await context.newPage();
  await page.goto(`${server.url}/${lang}/`);
  await page.fill("#q", query);
  await page.click("form[role=search] button[type=submit]");
  await page.waitForSelector("#results .card");
  return { context, page };
}

for (const [lang, query, understood, hub] of [
  ["uk", "Краків", /Краків, Польща/, /Krak|Крак/],
  ["uk", "Серет", /Серет, Румунія/, /Серет/],
  ["ru", "Рим", /Рим, Италия/, /Рим/],
  ["ru", "Кишинёв", /Кишин/, /Кишин/],
  ["ro", "Cernăuți", /Cern|Чернівці/, /Siret|Suceava/],
  ["ro", "Iasi", /Ia[sșş]i, România/, /Ia[sșş]i/],
]) {
  test(`${lang}: "${query}" finds the nearest hubs in the right country`, async () => {
    const { context, page } = await searchTown(lang, query);
    assert.match(await page.locator("#results-heading").innerText(), understood);
    assert.match(await page.locator("#results .card .card-name").first().innerText(), hub);
    // The results, not the search form, fill the screen.
    const top = await page.locator("#results-heading").evaluate((h) => h.getBoundingClientRect().top);
    assert.ok(top > -2 && top < 200, `the results heading is at ${top}px`);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });
}

for (const [lang, query, told] of [
  ["uk", "Львів", /поза країнами/],
  ["ru", "Одесса", /вне стран/],
  ["ro", "Lviv", /în afara țărilor/],
]) {
  test(`${lang}: "${query}", outside the seven countries, is told so with the hubs across the border`, async () => {
    const { context, page } = await searchTown(lang, query);
    assert.match(await page.locator("p.note[role=status]").innerText(), told);
    // The nearest hub is across a border: named with its country and distance.
    assert.match(await page.locator("#results .card .meta").first().innerText(), /\d+ (km|км)/);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });
}

test("uk: a position in Lviv is told it is outside the seven countries", async () => {
  const context = await phone(browser, {
    locale: "uk-UA",
    geolocation: { latitude: 49.842, longitude: 24.031 },
    permissions: ["geolocation"],
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/uk/`);
  await page.click("#locate");
  await page.waitForSelector("#results .card");
  assert.match(await page.locator("p.note[role=status]").innerText(), /Ви поза країнами/);
  assert.match(await page.locator("#results .card .meta").first().innerText(), /Польща/);
  await context.close();
});
