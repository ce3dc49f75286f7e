// goodwill's own script (no inline scripts: the Content-Security-Policy forbids them).
// Pages add behaviour here with data- attributes; htmx does the requests.
"use strict";

// ---- Today (pages/today.py) ----------------------------------------------------------
// An item acted on (a task done or snoozed, a person touched) leaves its counts: each
// count it is part of is named, by id, in the item's data-counts.
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  var counts = target && target.getAttribute && target.getAttribute("data-counts");
  if (!counts || event.detail.xhr.status >= 300) {
    return;
  }
  counts.split(" ").forEach(function (id) {
    var badge = document.getElementById(id);
    var value = badge ? parseInt(badge.textContent.replace(/[^0-9]/g, ""), 10) : NaN;
    if (value > 0) {
      badge.textContent = (value - 1).toLocaleString("en-US");
    }
  });
});
// ---- end of Today ----------------------------------------------------------------------
