// Staff forms: every text area with a limit shows how much of it is used, so nobody types past
// it unknowingly. Screen readers hear the count only near the limit. Without this script the
// browser still stops typing at the limit.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("textarea[maxlength]"), function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!max) return;
    var counter = document.createElement("p");
    counter.className = "hint counter";
    counter.id = (area.id || "text") + "-counter";
    area.parentNode.insertBefore(counter, area.nextSibling);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    function update() {
      var used = area.value.length;
      counter.textContent = used + " / " + max;
      if (used >= max * 0.9) counter.setAttribute("aria-live", "polite");
      else counter.removeAttribute("aria-live");
    }
    area.addEventListener("input", update);
    update();
  });
})();
