// The report submission form (reporting/submit.html): warns, and asks before sending, while some
// tasks are still unanswered (the report would count as generic). Texts come from data-warning
// and data-ask on the form; "{n}" in the warning is the number of unanswered tasks.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var note = document.getElementById("generic-warning");
  if (!form || !note) return;
  var warning = form.getAttribute("data-warning") || "";
  var ask = form.getAttribute("data-ask") || "";
  function unanswered() {
    var n = 0;
    form.querySelectorAll("tr.answer").forEach(function (row) {
      var select = row.querySelector("select");
      if (select && !select.value) n += 1;
    });
    return n;
  }
  function text(n) { return warning.replace("{n}", n); }
  function show() {
    var n = unanswered();
    note.hidden = n === 0;
    note.textContent = n ? text(n) : "";
  }
  form.addEventListener("change", show);
  form.addEventListener("submit", function (event) {
    var n = unanswered();
    if (n && !window.confirm(text(n) + " " + ask)) event.preventDefault();
  });
  show();
})();
