// goodwill's own script (no inline scripts: the Content-Security-Policy forbids them).
// Pages add behaviour here with data- attributes; htmx does the requests.
"use strict";

// -- Contacts: a "select all" checkbox for the rows of a bulk form -------------------
// <input type="checkbox" data-select-all="FORM-ID"> checks or clears every checkbox
// named "ids" that belongs to that form. Delegated: the results are swapped by htmx.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) {
    return;
  }
  var selector = 'input[type="checkbox"][name="ids"][form="' + box.dataset.selectAll + '"]';
  document.querySelectorAll(selector).forEach(function (row) {
    row.checked = box.checked;
  });
});
