// gongzhi: keyboard help for the intake form, and the suggested
// categories' buttons, which fill the category box (and so ask for the
// routing rule's body again). Enter in a one-line field
// submits the form natively (file, and dispatch where the operator may);
// in the description, Ctrl+Enter (⌘+Enter on a Mac) submits too, and in
// the answer box it closes the demand as answered on the spot. Every field
// still works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) return;
    form.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("button[data-fill]") : null;
      if (!b) return;
      var box = document.querySelector(b.getAttribute("data-fill"));
      if (!box) return;
      box.value = b.getAttribute("data-value");
      box.dispatchEvent(new Event("change", { bubbles: true }));
      box.focus();
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.tagName === "TEXTAREA") {
        e.preventDefault();
        var by = e.target.id === "d-answer" ? document.getElementById("answer-submit") : null;
        if (form.requestSubmit) { form.requestSubmit(by); } else if (by) { by.click(); } else { form.submit(); }
      }
    });
  });
})();
