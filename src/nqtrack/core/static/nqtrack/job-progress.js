// An import job's page (dissemination/job.html): polls data-url for the progress until the job
// is done, then reloads the page to show the result.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-done") === "1") return;
  var bar = box.querySelector(".progress");
  var fill = bar.querySelector("span");
  function poll() {
    fetch(box.getAttribute("data-url"), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        fill.style.width = d.percent + "%";
        bar.setAttribute("aria-valuenow", d.percent);
        box.querySelector('[data-testid="job-status"]').textContent = d.status_label;
        box.querySelector('[data-testid="job-phase"]').textContent = d.phase_label;
        box.querySelector('[data-testid="job-count"]').textContent = d.processed + "/" + d.total;
        if (d.done) { window.location.reload(); } else { setTimeout(poll, 500); }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();
