// gongzhi: upload progress for the import form. Sends the form with
// XMLHttpRequest to show a progress bar for large files, then shows the
// server's answer in place. Without JavaScript the form posts normally.
(function () {
  "use strict";
  function wire() {
    var form = document.querySelector("form[data-upload]");
    if (!form || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    form.addEventListener("submit", function (ev) {
      var input = form.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      if (file && max && file.size > max) {
        ev.preventDefault();
        status.textContent = form.getAttribute("data-msg-too-large");
        return;
      }
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      box.hidden = false;
      bar.value = 0;
      button.disabled = true;
      status.textContent = form.getAttribute("data-msg-uploading");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round(e.loaded / e.total * 100);
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        status.textContent = form.getAttribute("data-msg-processing");
      });
      xhr.addEventListener("load", function () {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = doc.getElementById("main");
        var main = document.getElementById("main");
        if (fresh && main) {
          main.innerHTML = fresh.innerHTML;
          document.title = doc.title;
          main.focus();
          wire(); // the fresh form needs its handler
        } else {
          button.disabled = false;
          status.textContent = form.getAttribute("data-msg-failed");
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        box.hidden = true;
        status.textContent = form.getAttribute("data-msg-failed");
      });
      xhr.send(new FormData(form));
    });
  }
  document.addEventListener("DOMContentLoaded", wire);
})();
