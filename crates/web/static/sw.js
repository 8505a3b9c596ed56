// Service worker of the Digital Blue Dot: public pages work offline once seen.
// Pages: network first, the saved copy when there is no connection. Static files: saved copy
// first (their URLs change with each release). Responses marked no-store (anything with
// personal data) are never saved.
"use strict";
var VERSION = "__VERSION__";
var STATIC_CACHE = "bluedot-static-" + VERSION;
var PAGE_CACHE = "bluedot-pages";
var PUBLIC_PAGE = /^\/(uk|ru|en|pl|ro|hu|sk|bg|it)(\/|$)/;
var NETWORK_TIMEOUT_MS = 4000;
// The offline desk of mobile teams: its page holds labels only (the server marks it so) and
// is kept apart from public pages; what it holds about people is sealed in IndexedDB.
var STAFF_SHELL_CACHE = "bluedot-staff-shell";
var STAFF_SHELL = "/staff/offline";
importScripts("/static/outbox.js?v=" + VERSION);

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("bluedot-static-") === 0 && k !== STATIC_CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function storable(response) {
  var cc = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && cc.indexOf("no-store") === -1;
}

function keep(cacheName, request, response) {
  if (!storable(response)) return;
  var copy = response.clone();
  caches.open(cacheName).then(function (cache) { cache.put(request, copy); });
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

function pageFromNetwork(request) {
  return withTimeout(fetch(request), NETWORK_TIMEOUT_MS).then(function (response) {
    keep(PAGE_CACHE, request, response);
    return response;
  }).catch(function () {
    return caches.match(request, { cacheName: PAGE_CACHE }).then(function (saved) {
      if (saved) return saved;
      // A filtered list never saved: the saved whole list, which filters itself on the phone.
      // Any other page never saved: the page that says so and lists what was saved.
      var path = new URL(request.url).pathname;
      var lang = path.split("/")[1];
      var stand_in = /^\/[a-z]{2}\/hubs$/.test(path) ? "/" + lang + "/hubs" : "/" + lang + "/offline";
      return caches.match(stand_in, { cacheName: PAGE_CACHE }).then(function (page) {
        return page || caches.match("/" + lang + "/offline", { cacheName: PAGE_CACHE });
      }).then(function (page) {
        return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, { cacheName: STATIC_CACHE }).then(function (saved) {
      return saved || fetch(request).then(function (response) {
        keep(STATIC_CACHE, request, response);
        return response;
      });
    }));
  } else if (PUBLIC_PAGE.test(url.pathname)) {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.indexOf("/staff") === 0 && request.mode === "navigate") {
    // Any staff page opened is a contact with the server: a device it has ended (sign-out
    // everywhere, an account disabled) is wiped, even when the page is the sign-in form.
    event.waitUntil(BluedotOutbox.deviceState().then(function (state) {
      if (state === "ended") return BluedotOutbox.store.wipe();
    }).catch(function () {}));
    if (url.pathname === STAFF_SHELL) event.respondWith(staffShell(request));
  }
});

// The offline desk from the network when it answers, else as kept.
function staffShell(request) {
  return withTimeout(fetch(request), NETWORK_TIMEOUT_MS).then(function (response) {
    keepShell(response);
    return response;
  }).catch(function () {
    return caches.match(STAFF_SHELL, { cacheName: STAFF_SHELL_CACHE, ignoreSearch: true }).then(function (saved) {
      return saved || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}

// Only a page the server marks as holding no personal data is kept, whatever its headers.
function keepShell(response) {
  if (!response.ok || response.headers.get("x-bluedot-offline-shell") !== "no-personal-data") return;
  var copy = response.clone();
  return caches.open(STAFF_SHELL_CACHE).then(function (cache) { return cache.put(STAFF_SHELL, copy); });
}

// Queued offline work is sent when the connection returns, even with the page closed.
self.addEventListener("sync", function (event) {
  if (event.tag !== "bluedot-outbox") return;
  function tell(message) {
    return self.clients.matchAll().then(function (clients) {
      clients.forEach(function (c) { c.postMessage(message); });
    });
  }
  event.waitUntil(BluedotOutbox.send(function (sent, total) {
    tell({ type: "outbox-progress", sent: sent, total: total });
  }).then(function (how) { return tell({ type: "outbox-sent", how: how }); }));
});

// Pages ask to keep their language's directory so it is there offline before it is visited.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep-shell") {
    // The offline desk and its scripts, for when the phone has no connection.
    event.waitUntil(fetch(STAFF_SHELL + (typeof data.search === "string" ? data.search : ""), { credentials: "same-origin" })
      .then(keepShell).catch(function () {}).then(function () {
        var statics = (Array.isArray(data.statics) ? data.statics : []).filter(function (u) {
          return typeof u === "string" && u.indexOf("/static/") === 0;
        });
        return caches.open(STATIC_CACHE).then(function (cache) {
          return Promise.all(statics.map(function (u) {
            return fetch(u).then(function (r) { if (storable(r)) return cache.put(u, r); }).catch(function () {});
          }));
        });
      }));
    return;
  }
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  var urls = data.urls.filter(function (u) { return typeof u === "string" && PUBLIC_PAGE.test(u); });
  event.waitUntil(caches.open(PAGE_CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return fetch(u).then(function (response) {
        if (storable(response)) return cache.put(u, response);
      }).catch(function () {});
    }));
  }));
});
