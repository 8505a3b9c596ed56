// The visit counter: steppers for quick counting, and submissions that survive a dropped
// connection. Each group is queued in localStorage with the idempotency key the server gave
// the form, then sent; a retry after a lost answer carries the same key, so the server records
// the group once. Without this script the form still works as a plain POST.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;

  // Steppers around every count: large targets for thumbs, no keyboard needed.
  Array.prototype.forEach.call(form.querySelectorAll("input.count"), function (input) {
    var wrap = document.createElement("span");
    wrap.className = "stepper";
    input.parentNode.insertBefore(wrap, input);
    function button(text, delta, label) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = text;
      b.setAttribute("aria-label", label + " " + (input.getAttribute("aria-label") || input.id));
      b.addEventListener("click", function () {
        var n = Math.max(0, Math.min(200, (parseInt(input.value, 10) || 0) + delta));
        input.value = String(n);
      });
      return b;
    }
    wrap.appendChild(button("−", -1, "−"));
    wrap.appendChild(input);
    wrap.appendChild(button("+", 1, "+"));
  });

  // Corrections go through the plain form: they are rare and need the page's answer.
  if (form.getAttribute("action") !== "/staff/visits") return;

  var QUEUE = "bluedot.visits.queue";
  var status = document.getElementById("queue-status");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function show(text, alert) {
    status.hidden = !text;
    status.textContent = text || "";
    status.setAttribute("role", alert ? "alert" : "status");
  }

  function showQueue(queue) {
    if (queue.length) show(form.dataset.queued.replace("{count}", String(queue.length)));
  }

  function setFigure(id, value) {
    var el = document.getElementById(id);
    if (el && value !== undefined) el.textContent = String(value);
  }

  function flush() {
    if (sending) return;
    var queue = load();
    if (!queue.length) return;
    sending = true;
    var item = queue[0];
    var body = item.body + "&csrf=" + encodeURIComponent(form.elements.csrf.value);
    fetch("/staff/visits", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: body,
      credentials: "same-origin",
      redirect: "manual",
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // Signed out, or refused before the counter could answer: keep the group and say so.
        sending = false;
        show(form.dataset.signin, true);
        return;
      }
      return response.json().then(function (answer) {
        var rest = load().filter(function (q) { return q.key !== item.key; });
        save(rest);
        sending = false;
        if (response.ok) {
          var t = answer.today || {};
          setFigure("today-people", t.people);
          setFigure("today-children", t.children);
          setFigure("today-disability", t.with_disability);
          setFigure("today-visits", t.visits);
          (t.bands || []).forEach(function (b) {
            setFigure("today-female-" + b.band, b.female);
            setFigure("today-male-" + b.band, b.male);
          });
          if (rest.length) { showQueue(rest); flush(); } else { show(form.dataset.sent); }
        } else {
          // Refused (too little in stock, say): put the group back in the form to fix it.
          refill(item.body);
          show(answer.error || "", true);
        }
      });
    }).catch(function () {
      // No connection: try again shortly, and at once when the browser says it is back.
      sending = false;
      showQueue(load());
      setTimeout(flush, 5000);
    });
  }

  function refill(body) {
    var data = new URLSearchParams(body);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf" || el.name === "hub") return;
      if (el.type === "checkbox") {
        el.checked = data.getAll(el.name).indexOf(el.value) !== -1;
      } else if (data.has(el.name)) {
        el.value = data.get(el.name);
      }
    });
    // The refused group gets a new key: the old one may not be used for another group.
    form.elements.key.value = newKey();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    data.delete("csrf");
    var queue = load();
    queue.push({ key: form.elements.key.value, body: data.toString() });
    save(queue);
    // Ready for the next group at once, under a new key.
    Array.prototype.forEach.call(form.querySelectorAll("input.count"), function (i) { i.value = "0"; });
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (i) { i.checked = false; });
    form.elements.key.value = newKey();
    showQueue(queue);
    flush();
  });

  window.addEventListener("online", flush);
  showQueue(load());
  flush();
})();
