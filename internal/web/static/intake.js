// gongzhi: keyboard help for the intake form. Enter in a one-line field
// submits the form natively; in the description, Ctrl+Enter (⌘+Enter on a
// Mac) submits too. Every field still works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) return;
    form.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.tagName === "TEXTAREA") {
        e.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    });
  });
})();
