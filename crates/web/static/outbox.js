// The offline desk's storage and sending, shared by the page and the service worker (which
// sends in the background where the browser has Background Sync). Everything personal in it
// is sealed by the page under the device's data key; this part only stores and sends what is
// sealed, so it needs no PIN.
(function (scope) {
  "use strict";
  var DB = "bluedot-staff";
  var STORE = "kv";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  var store = {
    get: function (key) { return run("readonly", function (s) { return s.get(key); }); },
    put: function (key, value) { return run("readwrite", function (s) { s.put(value, key); }); },
    del: function (key) { return run("readwrite", function (s) { s.delete(key); }); },
    // Everything this device holds, for a sign-out, the end of the offline time or an
    // account disabled on the server.
    wipe: function () {
      return run("readwrite", function (s) { s.clear(); }).then(function () {
        return scope.caches ? caches.delete("bluedot-staff-shell") : true;
      });
    },
  };

  // Appends a sealed operation to the queue, in one transaction with reading it.
  store.enqueue = function (item) {
    return run("readwrite", function (s) {
      var req = s.get("outbox");
      req.onsuccess = function () {
        var queue = req.result || [];
        queue.push(item);
        s.put(queue, "outbox");
      };
    });
  };

  function removeFromQueue(key) {
    return run("readwrite", function (s) {
      var req = s.get("outbox");
      req.onsuccess = function () {
        s.put((req.result || []).filter(function (q) { return q.key !== key; }), "outbox");
      };
    });
  }

  // Answers are kept until the page, unlocked, shows them: the service worker cannot.
  function keepAnswer(answer) {
    return run("readwrite", function (s) {
      var req = s.get("answers");
      req.onsuccess = function () {
        var all = req.result || [];
        all.push(answer);
        s.put(all, "answers");
      };
    });
  }

  // Forgets the answers the page has taken into its sealed part, keeping any that came since.
  store.dropAnswers = function (keys) {
    return run("readwrite", function (s) {
      var req = s.get("answers");
      req.onsuccess = function () {
        s.put((req.result || []).filter(function (a) { return keys.indexOf(a.key) === -1; }), "answers");
      };
    });
  };

  var sending = null;

  // Sends the queue in order, one operation at a time, so each answer is kept as it comes.
  // Resolves with how it ended: "sent", "offline", "sign-in", "ended" or "later".
  function send(onProgress) {
    if (sending) return sending;
    // The page and the service worker may both start sending; the lock lets one at a time read
    // and send the queue, so the other finds it sent.
    var locks = scope.navigator && scope.navigator.locks;
    sending = (locks ? locks.request("bluedot-outbox", function () { return sendQueue(onProgress); }) : sendQueue(onProgress))
      .then(function (how) { sending = null; return how; }, function (e) { sending = null; throw e; });
    return sending;
  }

  function sendQueue(onProgress) {
    return store.get("device").then(function (device) {
      if (!device) return "ended";
      return store.get("outbox").then(function (queue) {
        queue = queue || [];
        var total = queue.length;
        var sent = 0;
        function next() {
          if (sent === total) return Promise.resolve("sent");
          var item = queue[sent];
          return fetch("/staff/offline/sync", {
            method: "POST",
            credentials: "same-origin",
            redirect: "manual",
            headers: { "Content-Type": "application/json", "Accept": "application/json" },
            body: JSON.stringify({ device: device.id, operations: [{ key: item.key, sealed: item.sealed }] }),
          }).then(function (response) {
            var type = response.headers.get("Content-Type") || "";
            if (response.type === "opaqueredirect" || type.indexOf("application/json") === -1) return "sign-in";
            return response.json().then(function (body) {
              if (response.status === 403 && body.state === "ended") return "ended";
              var answer = (body.results || [])[0];
              if (!answer) return "later";
              return keepAnswer(answer).then(function () { return removeFromQueue(item.key); }).then(function () {
                sent += 1;
                if (onProgress) onProgress(sent, total);
                return next();
              });
            });
          }, function () { return "offline"; });
        }
        return next();
      });
    });
  }

  // Asks the server whether this device may go on holding data.
  function deviceState() {
    return store.get("device").then(function (device) {
      if (!device) return "none";
      return fetch("/staff/offline/devices/" + device.id, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json().then(function (b) { return b.state; }) : "unknown"; },
              function () { return "offline"; });
    });
  }

  scope.BluedotOutbox = { store: store, send: send, deviceState: deviceState };
})(self);
