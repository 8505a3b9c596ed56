// The hub form: a pin to drag to the entrance, a builder that writes opening hours in
// OpenStreetMap syntax for people who do not know it, and a live preview of the coming week
// checked by the server. Without this script the form still works: coordinates and the
// expression are plain fields, and the server checks them on save.
(function () {
  "use strict";

  // The pin: moves the latitude and longitude fields, and follows them when typed.
  var mapEl = document.getElementById("pin-map");
  var lat = document.getElementById("hub-lat");
  var lon = document.getElementById("hub-lon");
  if (mapEl && lat && lon && window.L) {
    mapEl.hidden = false;
    var start = [parseFloat(lat.value) || 47.5, parseFloat(lon.value) || 25];
    var map = L.map(mapEl, { zoomSnap: 0.5 }).setView(start, parseFloat(lat.value) ? 12 : 5);
    fetch(mapEl.getAttribute("data-outlines")).then(function (r) { return r.json(); }).then(function (outlines) {
      L.geoJSON(outlines, {
        interactive: false,
        style: { color: "#6b7b8c", weight: 1, fillColor: "#f3f1ea", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    }).catch(function () {});
    map.attributionControl.addAttribution("Natural Earth");
    var pin = L.marker(start, { draggable: true, title: mapEl.getAttribute("data-label") }).addTo(map);
    pin.on("dragend", function () {
      var at = pin.getLatLng();
      lat.value = at.lat.toFixed(6);
      lon.value = at.lng.toFixed(6);
    });
    map.on("click", function (e) {
      pin.setLatLng(e.latlng);
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
    });
    function follow() {
      var a = parseFloat(lat.value.replace(",", ".")), b = parseFloat(lon.value.replace(",", "."));
      if (isFinite(a) && isFinite(b)) { pin.setLatLng([a, b]); map.panTo([a, b]); }
    }
    lat.addEventListener("change", follow);
    lon.addEventListener("change", follow);
  }

  // The hours: a live preview from the server, and a builder that writes the expression.
  var hours = document.getElementById("hub-hours");
  var preview = document.getElementById("hours-preview");
  var error = document.getElementById("hours-error");
  if (!hours || !preview) return;
  var timer = null;
  function refresh() {
    var url = "/staff/directory/hours-preview?country=" + encodeURIComponent(hours.getAttribute("data-country")) +
      "&hours=" + encodeURIComponent(hours.value);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
      error.hidden = p.ok;
      error.textContent = p.ok ? "" : p.error;
      hours.setAttribute("aria-invalid", p.ok ? "false" : "true");
      var body = preview.tBodies[0];
      while (body.firstChild) body.removeChild(body.firstChild);
      p.days.forEach(function (d) {
        var tr = document.createElement("tr");
        if (d.today) tr.className = "today";
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = d.day;
        var td = document.createElement("td");
        td.textContent = d.hours;
        tr.appendChild(th);
        tr.appendChild(td);
        body.appendChild(tr);
      });
    }).catch(function () {});
  }
  hours.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });

  var builder = document.getElementById("hours-builder");
  if (!builder) return;
  var t = function (k) { return builder.getAttribute("data-" + k); };
  var dayNames = t("days").split(",");
  var dayCodes = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  builder.hidden = false;
  var always = label("checkbox", t("always"));
  builder.appendChild(always.wrap);
  var rows = document.createElement("div");
  builder.appendChild(rows);
  var add = button(t("add"), function () { addRow([0, 1, 2, 3, 4], "09:00", "17:00"); });
  builder.appendChild(add);
  var holidays = document.createElement("label");
  holidays.className = "field";
  holidays.appendChild(document.createTextNode(t("holidays") + " "));
  var holidaySelect = document.createElement("select");
  [["", t("holidays-usual")], ["off", t("holidays-closed")]].forEach(function (o) {
    var opt = document.createElement("option");
    opt.value = o[0];
    opt.textContent = o[1];
    holidaySelect.appendChild(opt);
  });
  holidays.appendChild(holidaySelect);
  builder.appendChild(holidays);
  builder.appendChild(button(t("write"), write));

  function label(type, text) {
    var wrap = document.createElement("label");
    wrap.className = "check";
    var input = document.createElement("input");
    input.type = type;
    wrap.appendChild(input);
    wrap.appendChild(document.createTextNode(" " + text));
    return { wrap: wrap, input: input };
  }
  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  function addRow(days, from, to) {
    var row = document.createElement("fieldset");
    row.className = "hours-row";
    var legend = document.createElement("legend");
    legend.className = "sr-only";
    legend.textContent = t("add");
    row.appendChild(legend);
    dayCodes.forEach(function (code, i) {
      var box = label("checkbox", dayNames[i] || code);
      box.input.value = code;
      box.input.checked = days.indexOf(i) >= 0;
      row.appendChild(box.wrap);
    });
    [[t("from"), from], [t("to"), to]].forEach(function (pair) {
      var l = document.createElement("label");
      l.appendChild(document.createTextNode(" " + pair[0] + " "));
      var input = document.createElement("input");
      input.type = "time";
      input.value = pair[1];
      l.appendChild(input);
      row.appendChild(l);
    });
    row.appendChild(button(t("remove"), function () { rows.removeChild(row); }));
    rows.appendChild(row);
  }
  // Consecutive days read as ranges: Mo,Tu,We → Mo-We.
  function dayList(codes) {
    var idx = codes.map(function (c) { return dayCodes.indexOf(c); }).sort();
    var parts = [];
    for (var i = 0; i < idx.length; i++) {
      var j = i;
      while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
      parts.push(j - i >= 2 ? dayCodes[idx[i]] + "-" + dayCodes[idx[j]] :
        j > i ? dayCodes[idx[i]] + "," + dayCodes[idx[j]] : dayCodes[idx[i]]);
      i = j;
    }
    return parts.join(",");
  }
  function write() {
    var rules = [];
    if (always.input.checked) {
      rules.push("24/7");
    } else {
      Array.prototype.forEach.call(rows.children, function (row) {
        var days = Array.prototype.filter.call(row.querySelectorAll("input[type=checkbox]"), function (c) { return c.checked; })
          .map(function (c) { return c.value; });
        var times = row.querySelectorAll("input[type=time]");
        if (days.length && times[0].value && times[1].value) {
          rules.push(dayList(days) + " " + times[0].value + "-" + times[1].value);
        }
      });
    }
    if (holidaySelect.value === "off" && rules.length) rules.push("PH off");
    if (!rules.length) return;
    hours.value = rules.join("; ");
    refresh();
  }
  addRow([0, 1, 2, 3, 4], "09:00", "17:00");
})();
