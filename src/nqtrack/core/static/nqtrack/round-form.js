// The reporting round form (reporting/form.html): "select all" boxes (data-select="all" or a
// level) tick every unit they cover, and stay ticked only while every such unit is ticked.
(function () {
  "use strict";
  var root = document.getElementById("expected");
  if (!root) return;
  function boxes(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function members(key) {
    return boxes(key === "all" ? 'input[name="expected"]' : 'input[data-level="' + key + '"]');
  }
  function sync() {
    boxes("[data-select]").forEach(function (box) {
      var units = members(box.getAttribute("data-select"));
      box.checked = units.length > 0 && units.every(function (b) { return b.checked; });
    });
  }
  root.addEventListener("change", function (event) {
    var key = event.target.getAttribute("data-select");
    if (key) members(key).forEach(function (b) { b.checked = event.target.checked; });
    sync();
  });
  sync();
})();
