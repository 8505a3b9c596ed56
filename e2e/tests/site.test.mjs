// What a refugee does on the Digital Blue Dot, in a real browser on a phone-sized screen.
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

test("finds the nearest hub from a typed city", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/en/`);
  await page.fill("#q", "Przemyśl");
  await page.click("form[role=search] button[type=submit]");
  await page.waitForSelector("#results .card");
  const first = page.locator("#results .card").first();
  assert.match(await first.locator(".card-name").innerText(), /Przemyśl/);
  assert.match(await first.locator(".meta").innerText(), /km/);
  assert.match(await page.locator("#results-heading").innerText(), /Przemyśl, Poland/);
  await context.close();
});

test("switches to Ukrainian with the language menu", async () => {
  const context = await phone(browser, { locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  assert.equal(new URL(page.url()).pathname, "/en/");
  await page.click(".langs summary");
  await page.click(".langs a[hreflang=uk]");
  await page.waitForURL(/\/uk\/$/);
  assert.equal(await page.getAttribute("html", "lang"), "uk");
  assert.equal(await page.locator("h1").innerText(), "Знайдіть Блакитну точку поруч");
  await context.close();
});

test("opens a hub page from the list", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/uk/hubs`);
  await page.click("a[href='/uk/hubs/siret-border']");
  await page.waitForURL(/siret-border$/);
  assert.equal(await page.locator("h1").innerText(), "Блакитна точка Серет");
  assert.equal(await page.getAttribute("a[href^='geo:']", "href"), "geo:47.98000,26.04600");
  assert.equal(await page.locator(".state.big").innerText(), "Цілодобово");
  await context.close();
});

test("filters the list by a service without JavaScript", async () => {
  const context = await phone(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/en/hubs`);
  const all = await page.locator("#results .card").count();
  assert.equal(all, 36);
  await page.selectOption("#service", "birth-registration");
  await page.click(".filters button[type=submit]");
  await page.waitForURL(/service=birth-registration/);
  const filtered = await page.locator("#results .card").count();
  assert.ok(filtered > 0 && filtered < all, `${filtered} of ${all}`);
  assert.equal(await page.locator("#count").innerText(), `${filtered} hubs`);
  await page.click(`#results .card-name >> nth=0`);
  assert.match(await page.locator("main").innerText(), /Birth registration/);
  await context.close();
});

test("the map shows every hub without a tile server, grouped, named and usable by keyboard", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${server.url}/uk/map`);
  // Hubs close together are one marker with their count; together they are every hub.
  await page.waitForSelector(".hub-cluster");
  await page.waitForFunction(() =>
    document.querySelectorAll(".hub-dot").length +
    Array.from(document.querySelectorAll(".hub-cluster")).reduce((n, c) => n + Number(c.textContent), 0) === 36);
  // Country outlines and town names drawn from the shipped Natural Earth and GeoNames data.
  await page.waitForFunction(() => document.querySelectorAll(".leaflet-overlay-pane path").length >= 40);
  await page.waitForSelector(".place-name span");
  // The map's own controls speak Ukrainian; the no-JavaScript line is not shown.
  assert.equal(await page.getAttribute(".leaflet-control-zoom-in", "title"), "Наблизити");
  assert.equal(await page.locator("text=The map needs JavaScript").count(), 0);
  assert.match(await page.locator(".hub-cluster").first().getAttribute("aria-label"), /наблизьте мапу/);

  // By keyboard: a group opens by zooming in, then a hub's card opens with Enter.
  const groups = await page.locator(".hub-cluster").allInnerTexts();
  await page.locator(".hub-cluster").first().focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((before) =>
    Array.from(document.querySelectorAll(".hub-cluster")).map((c) => c.textContent).join() !== before,
    groups.join());
  await page.locator(".hub-dot").first().focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector(".leaflet-popup-content a");
  // Once faded in: colours are checked as they are read.
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".leaflet-popup")).opacity === "1");
  assert.equal(await page.getAttribute(".leaflet-popup-close-button", "aria-label"), "Закрити");
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: "/tmp/bluedot-map-uk.png" });

  // A hub page's "show on map" link (#slug) zooms to that hub and opens it.
  await page.goto(`${server.url}/en/map#siret-border`);
  await page.waitForSelector(".leaflet-popup-content a[href='/en/hubs/siret-border']");
  assert.match(await page.locator(".leaflet-popup-content").innerText(), /Blue Dot Siret/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a visited page loads offline and says when it was saved", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/uk/hubs/iasi-station`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Reload once so the page is fetched through the service worker and saved.
  await page.reload();
  await page.waitForFunction(async () => {
    const names = await caches.keys();
    for (const n of names) {
      const c = await caches.open(n);
      if (await c.match("/uk/hubs")) return true;
    }
    return false;
  });
  await context.setOffline(true);
  await page.reload();
  assert.equal(await page.locator("h1").innerText(), "Блакитна точка Ясси");
  assert.equal(await page.locator("#offline-note").isVisible(), true);
  // When it was saved, in words of the visitor's language, with the exact moment for machines.
  assert.match(await page.locator("#offline-note").innerText(), /Ви офлайн.* \d{1,2} [а-яіїє]+\. \d{4}/);
  assert.match(await page.locator("#offline-note time").getAttribute("datetime"), /^\d{4}-\d\d-\d\dT/);
  // The directory was kept too, though never opened.
  await page.goto(`${server.url}/uk/hubs`);
  assert.equal(await page.locator("#results .card").count(), 36);
  await context.close();
});

test("offline, a page never saved says so and lists what was saved; the saved list still filters", async () => {
  const context = await phone(browser, { locale: "uk-UA" });
  const page = await context.newPage();
  // What the server would answer for a filtered list, read beside the browser's caches.
  const filtered = "/uk/hubs?service=legal-counselling&country=MD";
  const online = await (await context.request.get(`${server.url}${filtered}`)).text();
  const expected = (online.match(/class="card"/g) || []).length;
  const expectedCount = /id="count"[^>]*>([^<]*)</.exec(online)[1];
  assert.ok(expected > 0 && expected < 36, `${expected} hubs for the filter`);

  await page.goto(`${server.url}/uk/hubs/iasi-station`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(async () => {
    const cache = await caches.open("bluedot-pages");
    return Boolean((await cache.match("/uk/hubs")) && (await cache.match("/uk/offline")));
  });
  await context.setOffline(true);

  // A filtered list never opened: the saved list, filtered on the phone as the server would.
  await page.goto(`${server.url}${filtered}`);
  await page.waitForFunction((n) => document.querySelectorAll("#results .card:not([hidden])").length === n, expected);
  assert.equal(await page.locator("#count").innerText(), expectedCount);
  assert.equal(await page.locator("#service").inputValue(), "legal-counselling");
  // The filter form works offline too, without leaving the page.
  await page.selectOption("#country", "");
  await page.click("form.filters button[type=submit]");
  await page.waitForFunction(() => /service=legal-counselling/.test(location.search) && !/country=MD/.test(location.search));
  const everywhere = await page.locator("#results .card:not([hidden])").count();
  assert.ok(everywhere > expected, `${everywhere} hubs offer legal counselling in all countries`);

  // A page never opened: said plainly, with the pages this phone keeps.
  await page.goto(`${server.url}/uk/info/pl/rights`);
  assert.match(await page.locator("h1").innerText(), /не збережена на цьому телефоні/);
  await page.waitForFunction(() => /Ясси/.test(document.getElementById("saved-pages").textContent));
  await page.click("#saved-pages a:has-text('Ясси')");
  assert.equal(await page.locator("h1").innerText(), "Блакитна точка Ясси");
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test("the network's figures are reachable from every page and computed from the visits", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/uk/`);
  await page.click("#figures-link");
  await page.waitForSelector("#network-summary");
  const summary = await page.locator("#network-summary").innerText();
  const people = Number(summary.match(/допомогли: (\d+)/)[1]);
  assert.ok(people > 1000, "the demo history's visits are counted");
  assert.match(summary, /країн: 7/);
  assert.equal(await page.locator("#countries tbody tr").count(), 7);
  await page.screenshot({ path: "/tmp/bluedot-figures-public.png", fullPage: true });
  await context.close();
});

for (const path of ["/uk/", "/uk/?q=Siret", "/uk/hubs", "/uk/map", "/uk/hubs/siret-border", "/en/info/ro/rights", "/uk/tracing", "/uk/figures"]) {
  test(`axe finds no accessibility violations on ${path}`, async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    if (path.endsWith("/map")) {
      await page.waitForFunction(() => document.querySelectorAll(".hub-cluster, .hub-dot").length > 0);
    }
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });
}
