// Behaviour every page shares, declared in the templates by data-attributes, because the
// Content-Security-Policy allows no inline script and no on...= handler:
//   <form data-confirm="Question?">      asks before submitting
//   <button data-confirm="Question?">    asks before that button submits
//   <select data-autosubmit>             submits its form when changed
//   <a data-history-back>                goes back one page
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    var back = event.target.closest("a[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
