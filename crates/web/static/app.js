// Progressive enhancements of the public site; every page works without this script.
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "en";

  // Offline: say so, with the time the page was saved (rendered into the note by the server).
  var note = document.getElementById("offline-note");
  function showConnection() {
    if (note) note.hidden = navigator.onLine;
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();

  // "Use my location": the position stays in the browser except as the query of the request
  // that sorts hubs, rounded to about 100 m.
  var locate = document.getElementById("locate");
  var hint = document.getElementById("locate-hint");
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    if (hint) hint.hidden = false;
    locate.addEventListener("click", function () {
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          var lat = pos.coords.latitude.toFixed(3), lon = pos.coords.longitude.toFixed(3);
          window.location.href = "/" + lang + "/?lat=" + lat + "&lon=" + lon + "#results-heading";
        },
        function () {
          locate.disabled = false;
          if (hint) hint.textContent = locate.getAttribute("data-error");
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  // The list of hubs filters itself on the phone when it is offline: the saved list is the
  // whole directory, and the filters in the address or the form narrow it as the server would.
  var filters = document.querySelector("form.filters");
  var results = document.getElementById("results");
  var count = document.getElementById("count");
  function filterSavedList(params) {
    var wanted = [];
    ["service", "group", "country"].forEach(function (name) {
      var value = params.get(name) || "";
      var field = filters.elements[name];
      if (field) field.value = value;
      if (value) wanted.push((name + ":" + value).toLowerCase());
    });
    var shown = 0;
    Array.prototype.forEach.call(results.querySelectorAll(".card"), function (card) {
      var codes = (card.getAttribute("data-filter") || "").toLowerCase().split(" ");
      var match = wanted.every(function (w) { return codes.indexOf(w) !== -1; });
      card.hidden = !match;
      if (match) shown += 1;
    });
    try {
      var said = JSON.parse(count.getAttribute("data-counts"));
      if (said[shown]) count.textContent = said[shown];
    } catch (e) { /* the count stays as the server wrote it */ }
  }
  if (filters && results && count && count.hasAttribute("data-counts")) {
    var asked = new URLSearchParams(location.search);
    var differs = ["service", "group", "country"].some(function (name) {
      var field = filters.elements[name];
      return field && (asked.get(name) || "") !== field.value;
    });
    // The page on screen is the saved whole list, not the filtered one asked for.
    if (differs) filterSavedList(asked);
    filters.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var params = new URLSearchParams(new FormData(filters));
      filterSavedList(params);
      history.replaceState(null, "", location.pathname + "?" + params.toString());
    });
  }

  // The page shown offline in place of one never saved lists the pages this phone keeps.
  var saved = document.getElementById("saved-pages");
  if (saved && "caches" in window) {
    var prefix = "/" + saved.getAttribute("data-lang") + "/";
    caches.open("bluedot-pages").then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          var url = new URL(request.url);
          if (url.pathname.indexOf(prefix) !== 0 && url.pathname !== prefix.slice(0, -1)) return null;
          if (url.pathname === prefix + "offline") return null;
          return cache.match(request).then(function (response) { return response.text(); }).then(function (html) {
            // Parsed, never run: a saved page's title without the site's name.
            var title = new DOMParser().parseFromString(html, "text/html").title.split(" · ")[0];
            return title ? { href: url.pathname + url.search, title: title } : null;
          });
        }));
      });
    }).then(function (pages) {
      var seen = {};
      pages = pages.filter(function (p) { return p && !seen[p.href] && (seen[p.href] = true); });
      if (!pages.length) return;
      saved.textContent = "";
      pages.sort(function (a, b) { return a.title.localeCompare(b.title, lang); });
      pages.forEach(function (p) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = p.href;
        link.textContent = p.title;
        item.appendChild(link);
        saved.appendChild(item);
      });
    }).catch(function () { /* the links the server wrote stay */ });
  }

  // Offline support: keep this language's directory and every visited page.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({
          type: "keep",
          urls: ["/" + lang + "/", "/" + lang + "/hubs", "/" + lang + "/info", "/" + lang + "/offline",
                 location.pathname + location.search]
        });
      }
    }).catch(function () { /* offline support is optional */ });
  }
})();
