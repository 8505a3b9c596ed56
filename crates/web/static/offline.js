// The offline desk of a mobile team. The server makes the device's data key once, at set-up;
// here it is wrapped under a key derived from the worker's PIN (PBKDF2) and only the wrapped
// form is stored. Unlocked, the key lives in memory as a CryptoKey that cannot be exported,
// and seals everything personal the device keeps: the cases it was given, the work queued,
// conflicts to resolve. Work is queued as operations, each with its idempotency key, and sent
// in order when the connection returns (outbox.js).
(function () {
  "use strict";
  var root = document.getElementById("offline");
  if (!root || !window.crypto || !crypto.subtle || !window.indexedDB) return;
  var store = BluedotOutbox.store;
  var PBKDF2_ROUNDS = 310000;
  var MAX_TRIES = 5;
  var key = null; // the data key, once unlocked
  var held = { cases: [], people: [], conflicts: [], pending: {} };

  function $(id) { return document.getElementById(id); }
  function msg(name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }
  function show(section) {
    ["offline-setup", "offline-unlock", "offline-app"].forEach(function (id) { $(id).hidden = id !== section; });
  }
  function status(text, alert) {
    var el = $("offline-status");
    el.hidden = !text;
    el.textContent = text || "";
    el.setAttribute("role", alert ? "alert" : "status");
  }

  // --- Encoding and crypto --------------------------------------------------------------

  function b64(bytes) {
    var s = "";
    new Uint8Array(bytes).forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s);
  }
  function unb64(text) {
    var s = atob(text);
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  var utf8 = new TextEncoder();

  function pinKey(pin, salt) {
    return crypto.subtle.importKey("raw", utf8.encode(pin), "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey({ name: "PBKDF2", salt: salt, iterations: PBKDF2_ROUNDS, hash: "SHA-256" },
        base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    });
  }

  function importDataKey(raw) {
    return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  }

  // 12-byte nonce followed by ciphertext and tag, base64: what the server opens too.
  function seal(value, aad) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: utf8.encode(aad) }, key,
      utf8.encode(JSON.stringify(value))).then(function (ct) {
      var out = new Uint8Array(12 + ct.byteLength);
      out.set(iv, 0);
      out.set(new Uint8Array(ct), 12);
      return b64(out);
    });
  }
  function unseal(text, aad) {
    var data = unb64(text);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: data.slice(0, 12), additionalData: utf8.encode(aad) }, key,
      data.slice(12)).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- What the device holds ------------------------------------------------------------

  function saveHeld() { return seal(held, "held").then(function (s) { return store.put("held", s); }); }

  function wipe(message) {
    key = null;
    held = { cases: [], people: [], conflicts: [], pending: {} };
    return store.wipe().then(function () {
      show(navigator.onLine ? "offline-setup" : null);
      status(message, true);
    });
  }

  function fetchPackage(device) {
    return fetch("/staff/offline/package?hub=" + encodeURIComponent(device.hub), {
      credentials: "same-origin", redirect: "manual", headers: { "Accept": "application/json" },
    }).then(function (r) {
      if (!r.ok || (r.headers.get("Content-Type") || "").indexOf("application/json") === -1) return null;
      return r.json();
    }, function () { return null; });
  }

  // Cases from the server, with what was done here since kept on top; blank slips too.
  function refreshFromServer(device) {
    fetchSlips(device);
    return fetchPackage(device).then(function (pkg) {
      if (!pkg) return;
      held.cases = pkg.cases;
      return saveHeld();
    });
  }

  // Blank referral slips in every language, kept in the clear: they hold no personal data.
  function fetchSlips(device) {
    var langs = (root.dataset.slipLangs || "").split(",").filter(Boolean);
    return langs.reduce(function (done, lang) {
      return done.then(function () {
        return fetch("/staff/offline/slips?hub=" + encodeURIComponent(device.hub) + "&lang=" + lang, {
          credentials: "same-origin", redirect: "manual", headers: { "Accept": "application/json" },
        }).then(function (r) {
          if (!r.ok || (r.headers.get("Content-Type") || "").indexOf("application/json") === -1) return;
          return r.json().then(function (slips) { return store.put("slips-" + lang, slips); });
        });
      });
    }, Promise.resolve()).catch(function () {});
  }

  // --- Referral slips -------------------------------------------------------------------

  var lastReferral = null;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // Fills the kept blank slip of the referral's receiver in `lang` and shows it for printing.
  function fillSlip(lang) {
    var r = lastReferral;
    return store.get("slips-" + lang).then(function (slips) {
      var blank = slips && slips.slips[r.to];
      if (!blank) { status(msg("slip-missing"), true); return false; }
      var values = {
        name: r.name,
        // The referral's id is the operation's key: the same reference as the slip printed online.
        reference: r.key.replace(/-/g, "").slice(0, 8).toUpperCase(),
        date: new Date().toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" }),
        service: slips.services[r.service] || r.service,
        urgency: slips.urgencies[r.urgency] || r.urgency,
      };
      var html = blank.replace(/\{(name|reference|date|service|urgency)\}/g, function (_, k) { return escapeHtml(values[k]); });
      var doc = new DOMParser().parseFromString(html, "text/html");
      var sheet = $("offline-slip-sheet");
      sheet.lang = lang;
      sheet.textContent = "";
      Array.prototype.forEach.call(doc.querySelector("main").childNodes, function (node) {
        sheet.appendChild(document.importNode(node, true));
      });
      return true;
    });
  }

  // --- Set-up and unlock ----------------------------------------------------------------

  function setUp(pin) {
    return fetch("/staff/offline/devices", {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ hub: root.dataset.hub }),
    }).then(function (r) {
      if (!r.ok) throw new Error("enrol");
      return r.json();
    }).then(function (enrolled) {
      var raw = unb64(enrolled.key);
      var salt = crypto.getRandomValues(new Uint8Array(16));
      var iv = crypto.getRandomValues(new Uint8Array(12));
      return pinKey(pin, salt).then(function (wrapping) {
        return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, wrapping, raw);
      }).then(function (wrapped) {
        return importDataKey(raw).then(function (k) {
          raw.fill(0);
          key = k;
          var device = { id: enrolled.device, user: enrolled.user, hub: enrolled.hub, expires_at: enrolled.expires_at,
            salt: b64(salt), iv: b64(iv), wrapped: b64(wrapped), tries: 0 };
          return store.put("device", device).then(function () { return device; });
        });
      });
    }).then(function (device) {
      held = { cases: [], people: [], conflicts: [], pending: {} };
      return refreshFromServer(device).then(function () { return saveHeld(); }).then(function () { return device; });
    });
  }

  function unlock(device, pin) {
    return pinKey(pin, unb64(device.salt)).then(function (wrapping) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(device.iv) }, wrapping, unb64(device.wrapped));
    }).then(function (raw) {
      var bytes = new Uint8Array(raw);
      return importDataKey(bytes).then(function (k) { bytes.fill(0); key = k; });
    }).then(function () {
      device.tries = 0;
      return store.put("device", device);
    }).then(function () {
      return store.get("held");
    }).then(function (sealed) {
      return sealed ? unseal(sealed, "held") : held;
    }).then(function (h) { held = h; });
  }

  // --- Sending --------------------------------------------------------------------------

  function queueLine() {
    return store.get("outbox").then(function (queue) {
      var n = (queue || []).length;
      $("offline-queue").textContent = n ? msg("queue", { count: n }) : msg("all-sent");
    });
  }

  function risk(code) {
    var found = (root.dataset.risks || "").split(";").map(function (p) { return p.split("="); })
      .filter(function (p) { return p[0] === code; })[0];
    return found ? found[1] : code;
  }

  function caseLabel(id) {
    var c = held.cases.filter(function (x) { return x.id === id; })[0];
    return c ? c.number + " — " + c.name : id;
  }

  // The answers the server gave: results to read, conflicts to resolve. One taking at a time,
  // since the page and the service worker may both have sent.
  var taking = Promise.resolve();
  function takeAnswers() {
    taking = taking.then(takeAnswersNow, takeAnswersNow);
    return taking;
  }
  function takeAnswersNow() {
    return store.get("answers").then(function (answers) {
      answers = answers || [];
      if (!answers.length || !key) return;
      var list = $("offline-results");
      held.pending = held.pending || {};
      answers.forEach(function (a) {
        // The page and the service worker may both have sent an operation; the server answers
        // each sending the same, and the first answer taken is the one shown.
        if (!(a.key in held.pending)) return;
        var label = held.pending[a.key];
        delete held.pending[a.key];
        var o = a.outcome;
        if (o.status === "conflict") {
          held.conflicts.push({ key: a.key, conflict: o, label: label, case_id: o.record.replace("case:", "") });
          return;
        }
        var li = document.createElement("li");
        li.textContent = o.status === "done"
          ? "✓ " + (label || o.record)
          : "✗ " + (label ? label + ": " : "") + msg("refused", { reason: o.reason });
        if (o.similar && o.similar.length) {
          var note = document.createElement("p");
          note.className = "note";
          note.textContent = msg("similar") + " ";
          o.similar.forEach(function (id, i) {
            var a = document.createElement("a");
            a.href = "/staff/people/" + encodeURIComponent(id);
            a.textContent = msg("similar-record", { n: i + 1 });
            note.appendChild(a);
            if (i + 1 < o.similar.length) note.appendChild(document.createTextNode(", "));
          });
          li.appendChild(note);
        }
        list.appendChild(li);
      });
      return saveHeld().then(function () {
        return store.dropAnswers(answers.map(function (a) { return a.key; }));
      }).then(drawConflicts);
    });
  }

  function flush() {
    $("offline-connection").textContent = navigator.onLine ? msg("online") : msg("offline");
    return BluedotOutbox.deviceState().then(function (state) {
      if (state === "ended") return wipe(msg("device-ended"));
      if (state === "offline") return queueLine();
      return BluedotOutbox.send(function (sent, total) {
        $("offline-queue").textContent = msg("progress", { sent: sent, total: total });
      }).then(function (how) {
        if (how === "ended") return wipe(msg("device-ended"));
        if (how === "sign-in") status(msg("sign-in"), true);
        else if (how === "later") status(msg("try-later"), true);
        else if (how === "sent") status("");
        return takeAnswers().then(queueLine).then(function () {
          if (how !== "sent") return;
          if (state === "expired") return wipe(msg("expired"));
          return store.get("device").then(function (device) {
            if (device && key) return refreshFromServer(device).then(drawChoices);
          });
        });
      });
    });
  }

  // --- Work -----------------------------------------------------------------------------

  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (v, k) { if (k !== "target") pairs.push([k, String(v)]); });
    return pairs;
  }

  function queue(kind, target, fields, label) {
    var k = newKey();
    var op = { kind: kind, done_at: new Date().toISOString(), target: target || "", fields: fields };
    return seal(op, k).then(function (sealed) {
      return store.enqueue({ key: k, sealed: sealed, kind: kind });
    }).then(function () {
      // What the worker will read of it is personal, so it waits in the sealed part.
      held.pending = held.pending || {};
      held.pending[k] = label;
      return saveHeld();
    }).then(function () {
      if (navigator.serviceWorker && "SyncManager" in window) {
        navigator.serviceWorker.ready.then(function (reg) { return reg.sync.register("bluedot-outbox"); }).catch(function () {});
      }
      return k;
    });
  }

  // Names folded for comparison: lower case, Cyrillic written in Latin letters, letters only.
  var CYR = { "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ё": "e", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia" };
  function fold(name) {
    return (name || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split("").map(function (c) {
      return CYR[c] !== undefined ? CYR[c] : c;
    }).join("").replace(/[^a-z]/g, "").replace(/[yj]/g, "i").replace(/kh/g, "h").replace(/g/g, "h");
  }

  function duplicatesOf(given, family) {
    var want = [fold(given + family), fold(family + given)];
    return held.people.concat(held.cases.map(function (c) { return { name: c.name, latin: c.latin }; }))
      .filter(function (p) {
        var parts = (p.latin || p.name).split(" ");
        var theirs = fold(parts.join(""));
        var theirsNative = fold(p.name.split(" ").join(""));
        return want.indexOf(theirs) !== -1 || want.indexOf(theirsNative) !== -1;
      }).map(function (p) { return p.name; });
  }

  function submitted(form, event) {
    event.preventDefault();
    var kind = form.dataset.kind;
    var target = form.elements.target ? form.elements.target.value : "";
    var fields = fieldsOf(form);
    var label;
    if (kind === "person") {
      var given = form.elements.given_name.value.trim();
      var family = form.elements.family_name.value.trim();
      var warning = form.querySelector("[data-duplicate]");
      var found = duplicatesOf(given, family);
      if (found.length && warning.hidden) {
        warning.hidden = false;
        warning.textContent = msg("duplicate", { names: found.join(", ") });
        return;
      }
      warning.hidden = true;
      label = (given + " " + family).trim();
    } else if (kind === "case-risk") {
      var chosen = held.cases.filter(function (c) { return c.id === target; })[0];
      var mine = form.elements.risk.value;
      if (!chosen || !mine) return;
      fields.push(["seen", chosen.risk]);
      label = caseLabel(target) + ": " + risk(mine);
      chosen.risk = mine;
    } else if (kind === "case-note") {
      label = caseLabel(target);
    } else if (kind === "referral") {
      var who = held.people.concat(held.cases.map(function (c) { return { id: c.person, name: c.name }; }))
        .filter(function (p) { return p.id === target; })[0];
      label = who ? who.name : target;
    } else {
      label = form.parentNode.querySelector("summary").textContent;
    }
    queue(kind, target, fields, label).then(function (k) {
      if (kind === "person") {
        held.people.push({ id: k, name: label, latin: "" });
      }
      if (kind === "referral") {
        var get = function (name) { var f = fields.filter(function (p) { return p[0] === name; })[0]; return f ? f[1] : ""; };
        lastReferral = { key: k, name: label, to: get("to"), service: get("service"), urgency: get("urgency") };
        $("offline-slip").hidden = false;
        $("offline-slip-sheet").textContent = "";
      }
      return saveHeld();
    }).then(function () {
      form.reset();
      drawChoices();
      status(msg("saved"));
      return queueLine();
    }).then(function () { if (navigator.onLine) flush(); });
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function drawChoices() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-cases]"), function (select) {
      select.textContent = "";
      if (!held.cases.length) select.appendChild(option("", msg("no-cases")));
      held.cases.forEach(function (c) { select.appendChild(option(c.id, c.number + " — " + c.name + " (" + risk(c.risk) + ")")); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("select[data-people]"), function (select) {
      select.textContent = "";
      var seen = {};
      held.people.concat(held.cases.map(function (c) { return { id: c.person, name: c.name }; })).forEach(function (p) {
        if (seen[p.id]) return;
        seen[p.id] = true;
        select.appendChild(option(p.id, p.name));
      });
    });
  }

  function drawConflicts() {
    var list = $("offline-conflict-list");
    list.textContent = "";
    $("offline-conflicts").hidden = !held.conflicts.length;
    held.conflicts.forEach(function (item, i) {
      var c = item.conflict;
      var li = document.createElement("li");
      li.className = "conflict";
      var p = document.createElement("p");
      p.textContent = msg("conflict", { "case": item.label ? item.label.split(":")[0] : "", mine: risk(c.mine),
        who: c.changed_by || msg("someone"), theirs: risk(c.theirs) });
      li.appendChild(p);
      function choice(text, keepMine) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = keepMine ? "" : "secondary";
        b.textContent = text;
        b.addEventListener("click", function () {
          held.conflicts.splice(i, 1);
          // Setting mine again is a new operation, from the level the server now has.
          var done = keepMine
            ? queue("case-risk", item.case_id, [["risk", c.mine], ["seen", c.theirs]], item.label)
            : Promise.resolve();
          held.cases.forEach(function (x) { if (x.id === item.case_id) x.risk = keepMine ? c.mine : c.theirs; });
          done.then(saveHeld).then(function () { drawConflicts(); drawChoices(); return queueLine(); })
            .then(function () { if (navigator.onLine) flush(); });
        });
        li.appendChild(b);
      }
      choice(msg("keep-theirs", { theirs: risk(c.theirs) }), false);
      choice(msg("use-mine", { mine: risk(c.mine) }), true);
      list.appendChild(li);
    });
  }

  function signOut() {
    store.get("outbox").then(function (queue) {
      var n = (queue || []).length;
      var go = n === 0 || window.confirm(msg("sign-out-unsent", { count: n }));
      if (!go) return;
      return store.get("device").then(function (device) {
        var end = device ? fetch("/staff/offline/devices/" + device.id + "/end", {
          method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: "{}",
        }).catch(function () {}) : Promise.resolve();
        return end.then(function () { return wipe(""); }).then(function () {
          location.href = "/staff/login";
        });
      });
    });
  }

  // --- Start ----------------------------------------------------------------------------

  function enter() {
    show("offline-app");
    drawChoices();
    drawConflicts();
    return takeAnswers().then(queueLine).then(flush);
  }

  function start() {
    store.get("device").then(function (device) {
      if (!device) {
        show("offline-setup");
        if (!navigator.onLine) status(msg("needs-connection"), true);
        return;
      }
      if (Date.parse(device.expires_at) < Date.now()) {
        // Past the offline time: what is personal goes now; the sealed queue is still sent (the
        // server holds the key), and the rest goes once it is.
        return store.del("held").then(function () {
          device.wrapped = "";
          return store.put("device", device);
        }).then(function () {
          status(msg("expired"), true);
          return flush();
        }).then(function () {
          return store.get("outbox");
        }).then(function (queue) {
          if (!(queue || []).length) return wipe(msg("expired"));
        });
      }
      // An account disabled or a device ended on the server since: wipe before anything shows.
      return BluedotOutbox.deviceState().then(function (state) {
        if (state === "ended") return wipe(msg("device-ended"));
        show("offline-unlock");
      });
    });
  }

  $("offline-setup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var pin = $("offline-pin-new").value;
    var error = $("offline-setup-error");
    error.hidden = true;
    if (!/^\d{6,}$/.test(pin)) { error.hidden = false; error.textContent = msg("pin-short"); return; }
    if (pin !== $("offline-pin-again").value) { error.hidden = false; error.textContent = msg("pin-differ"); return; }
    setUp(pin).then(enter, function () { error.hidden = false; error.textContent = msg("needs-connection"); });
  });

  $("offline-unlock-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var error = $("offline-unlock-error");
    store.get("device").then(function (device) {
      if (!device || !device.wrapped) return start();
      return unlock(device, $("offline-pin").value).then(function () {
        $("offline-pin").value = "";
        error.hidden = true;
        return enter();
      }, function () {
        device.tries = (device.tries || 0) + 1;
        if (device.tries >= MAX_TRIES) return wipe(msg("device-ended"));
        return store.put("device", device).then(function () {
          error.hidden = false;
          error.textContent = msg("pin-wrong", { left: MAX_TRIES - device.tries });
        });
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form.offline-op"), function (form) {
    form.addEventListener("submit", function (event) { submitted(form, event); });
  });
  // A warning about a similar person is for the name it was given about.
  ["op-given", "op-family"].forEach(function (id) {
    $(id).addEventListener("input", function () { $("offline-person").querySelector("[data-duplicate]").hidden = true; });
  });
  $("op-slip-print").addEventListener("click", function () {
    if (!lastReferral) return;
    fillSlip($("op-slip-lang").value).then(function (filled) {
      if (!filled) return;
      document.body.classList.add("printing-slip");
      window.print();
    });
  });
  window.addEventListener("afterprint", function () { document.body.classList.remove("printing-slip"); });
  $("offline-send").addEventListener("click", flush);
  $("offline-sign-out").addEventListener("click", signOut);
  window.addEventListener("online", function () { if (key) flush(); });
  window.addEventListener("offline", function () { $("offline-connection").textContent = msg("offline"); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "outbox-progress") $("offline-queue").textContent = msg("progress", { sent: data.sent, total: data.total });
      if (data.type === "outbox-sent" && key) takeAnswers().then(queueLine);
    });
    // Keep this page and its scripts for when there is no connection.
    navigator.serviceWorker.ready.then(function (reg) {
      var statics = Array.prototype.map.call(document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon]"),
        function (el) { var u = new URL(el.src || el.href, location.href); return u.pathname + u.search; });
      if (reg.active) reg.active.postMessage({ type: "keep-shell", search: location.search, statics: statics });
    });
  }
  start();
})();
