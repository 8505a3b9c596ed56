// A refugee's path through the public site on a phone, in Ukrainian, Russian and Romanian:
// every step speaks the visitor's language, puts what matters first and never leaves a dead end.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launchBrowser, phone, axeViolations } from "./server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/// A message of the public site as its translators wrote it for `lang` (single-line messages).
function message(lang, key) {
  const file = readFileSync(join(root, "locales", lang, "main.ftl"), "utf8");
  const line = file.split("\n").find((l) => l.startsWith(`${key} =`));
  assert.ok(line, `${key} is translated into ${lang}`);
  return line.slice(key.length + 2).trim();
}

/// Opening hours as OpenStreetMap writes them: never what a visitor should have to read.
const RAW_HOURS = /\b(Mo|Tu|We|Th|Fr|Sa|Su)\b[-,]|\d\d:\d\d-\d\d:\d\d|24\/7/;

/// Whether `texts` are in the order of `lang`'s alphabet, as the browser's collator has it.
async function inAlphabetOrder(page, lang, texts) {
  return page.evaluate(([lang, texts]) => {
    const sorted = [...texts].sort(new Intl.Collator(lang).compare);
    return JSON.stringify(sorted) === JSON.stringify(texts);
  }, [lang, texts]);
}

/// Opens a page and lets the service worker keep it (and the pages it keeps with it).
async function visitAndKeep(page, path, lang) {
  await page.goto(`${server.url}${path}`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(async (lang) => {
    const cache = await caches.open("bluedot-pages");
    return Boolean(await cache.match(`/${lang}/offline`));
  }, lang);
}

const PROVIDER = {
  uk: "Служба захисту дітей",
  ru: "Служба защиты детей",
  ro: "Servicii de protecție a copilului",
};

for (const lang of ["uk", "ru", "ro"]) {
  test(`${lang}: a hub page gives its services and the way there before its hours; hours compact; contacts open the phone or messenger`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/hubs/siret-border`);
    const sections = await page.locator("article.hub h2").evaluateAll((hs) => hs.map((h) => h.id));
    const at = (id) => sections.indexOf(id);
    assert.ok(at("services-h") >= 0 && at("services-h") < at("where-h"), sections.join());
    assert.ok(at("where-h") < at("hours-h") && at("where-h") < at("contact-h"), sections.join());
    // Open day and night: said once, not seven times.
    assert.equal(await page.locator("#hours-h ~ table.week tr").count(), 1);
    assert.doesNotMatch(await page.locator("main").innerText(), RAW_HOURS);
    const contacts = page.locator(".contacts li");
    assert.ok((await contacts.count()) >= 2);
    for (const href of await page.locator(".contacts li a").evaluateAll((as) => as.map((a) => a.href))) {
      assert.match(href, /^(tel:\+\d+|viber:\/\/chat\?number=%2B\d+|https:\/\/(wa\.me|t\.me|signal\.me)\/)/);
    }
    assert.equal(await page.locator(".contacts li a").count(), await contacts.count(), "every contact can be tapped");
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  test(`${lang}: a country's help page names its providers in the visitor's language, hours in words, every number tappable`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/info/ro`);
    const providers = page.locator("#providers-h + ul.cards > li");
    assert.ok((await providers.count()) >= 2);
    assert.match(await page.locator("#providers-h + ul.cards").innerText(), new RegExp(PROVIDER[lang]));
    assert.doesNotMatch(await page.locator("main").innerText(), RAW_HOURS);
    // Short national numbers (119 for children) are links too.
    const hrefs = await page.locator("#providers-h + ul.cards .contacts a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.equal(hrefs.length, await page.locator("#providers-h + ul.cards .contacts li").count());
    assert.ok(hrefs.includes("tel:119"), hrefs.join());
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  test(`${lang}: countries and hubs are listed in the order of the visitor's alphabet`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/hubs`);
    const countries = await page.locator("#country option:not([value=''])").allInnerTexts();
    assert.equal(countries.length, 7);
    assert.ok(await inAlphabetOrder(page, lang, countries), countries.join(", "));
    await page.goto(`${server.url}/${lang}/info`);
    const pages = await page.locator("a.card-name[href^='/" + lang + "/info/']").allInnerTexts();
    assert.ok(await inAlphabetOrder(page, lang, pages), pages.join(", "));
    await context.close();
  });

  test(`${lang}: the tracing form chooses no hub for the visitor and names each hub once, grouped by country`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/tracing`);
    assert.equal(await page.locator("#hub").inputValue(), "");
    assert.equal(await page.locator("#hub").evaluate((s) => s.validity.valueMissing), true);
    const groups = await page.locator("#hub optgroup").evaluateAll((gs) => gs.map((g) => g.label));
    assert.equal(groups.length, 7);
    assert.ok(await inAlphabetOrder(page, lang, groups), groups.join(", "));
    const hubs = await page.locator("#hub optgroup option").allInnerTexts();
    assert.equal(hubs.length, 36);
    assert.equal(new Set(hubs).size, hubs.length, "no two hubs read the same");
    for (const group of groups) {
      const inGroup = await page.locator(`#hub optgroup[label="${group}"] option`).allInnerTexts();
      assert.ok(await inAlphabetOrder(page, lang, inGroup), inGroup.join(", "));
    }
    await context.close();
  });

  test(`${lang}: without JavaScript nothing offers what cannot work`, async () => {
    const context = await phone(browser, { locale: lang, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/`);
    assert.equal(await page.locator("#locate").isVisible(), false);
    await page.goto(`${server.url}/${lang}/map`);
    const line = page.locator("main p.small", { has: page.locator(`a[href='/${lang}/hubs']`) });
    assert.equal(await line.isVisible(), true, "the map says it needs JavaScript and points to the list");
    await context.close();
  });

  test(`${lang}: "use my location" brings the nearest hubs into view`, async () => {
    const context = await phone(browser, {
      locale: lang,
      geolocation: { latitude: 47.95, longitude: 26.07 },
      permissions: ["geolocation"],
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/`);
    await page.click("#locate");
    await page.waitForSelector("#results .card");
    await page.waitForFunction(() => {
      const top = document.getElementById("results-heading").getBoundingClientRect().top;
      return top > -2 && top < 200;
    });
    assert.match(await page.locator("#results .card a.card-name").first().getAttribute("href"), /siret-border$/);
    await context.close();
  });

  test(`${lang}: the map's controls speak the visitor's language and a hub's "show on map" opens that hub`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/hubs/siret-border`);
    await page.click(`a[href='/${lang}/map#siret-border']`);
    await page.waitForSelector(`.leaflet-popup-content a[href='/${lang}/hubs/siret-border']`);
    assert.equal(await page.getAttribute(".leaflet-control-zoom-in", "title"), message(lang, "map-zoom-in"));
    // Zoomed in to the hub: it stands alone, not inside a group.
    assert.ok((await page.locator(".hub-dot").count()) >= 1);
    await context.close();
  });

  test(`${lang}: offline, a page never opened says so and offers what this phone kept`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await visitAndKeep(page, `/${lang}/hubs/iasi-station`, lang);
    await context.setOffline(true);
    await page.goto(`${server.url}/${lang}/info/pl/rights`);
    assert.equal(await page.locator("h1").innerText(), message(lang, "offline-title"));
    assert.match(await page.locator("main").innerText(), new RegExp(message(lang, "offline-saved-heading")));
    await page.waitForFunction(() => document.querySelectorAll("#saved-pages a").length > 0);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  test(`${lang}: "open data" explains the API in the visitor's language`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/`);
    const [response] = await Promise.all([page.waitForNavigation(), page.click("#open-data-link")]);
    assert.equal(new URL(page.url()).pathname, `/${lang}/open-data`);
    assert.match(response.headers()["content-type"], /^text\/html/);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    assert.equal(await page.locator("h1").innerText(), message(lang, "open-data-title"));
    assert.ok((await response.body()).length < 40_000, "a page, not the data itself");
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  test(`${lang}: a page names its canonical address and each language's version absolutely`, async () => {
    const context = await phone(browser, { locale: lang });
    const page = await context.newPage();
    const path = `/${lang}/hubs/siret-border`;
    await page.goto(`${server.url}${path}`);
    assert.equal(await page.getAttribute("link[rel=canonical]", "href"), `${server.url}${path}`);
    const alternates = await page.locator("link[rel=alternate][hreflang]").evaluateAll((ls) =>
      ls.map((l) => [l.hreflang, l.getAttribute("href")]));
    assert.equal(alternates.length, 10, "nine languages and a default");
    for (const [code, href] of alternates) {
      const expected = code === "x-default" ? `${server.url}/` : `${server.url}/${code}/hubs/siret-border`;
      assert.equal(href, expected);
    }
    await context.close();
  });
}
