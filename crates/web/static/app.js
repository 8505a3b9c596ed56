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

  // Offline support: keep this language's directory and every visited page.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({
          type: "keep",
          urls: ["/" + lang + "/", "/" + lang + "/hubs", "/" + lang + "/info", location.pathname + location.search]
        });
      }
    }).catch(function () { /* offline support is optional */ });
  }
})();
