// gongzhi: suggestions for the area box of the resident's report form. As
// the resident types (东湖, 湖南 东湖, 东湖 第1网格), the box's <datalist> is
// filled with the names that match, from /report/areas; choosing one puts
// the whole name in the box, which the server resolves like any typed name.
// Without this file the server resolves the typed text and, when it names
// several places, offers them to choose from.
(function () {
  "use strict";
  var DELAY = 250; // ms after the last keystroke before asking

  function start() {
    var input = document.getElementById("r-area");
    var list = document.getElementById("r-area-list");
    var status = document.getElementById("r-area-status");
    if (!input || !list || !window.fetch || !window.URL) return;
    var timer = 0, seq = 0, shown = {};

    function say(msg) { if (status) status.textContent = msg || ""; }

    function fill(names) {
      shown = {};
      list.replaceChildren.apply(list, names.map(function (n) {
        shown[n] = true;
        var o = document.createElement("option");
        o.value = n;
        return o;
      }));
      say(names.length ? "" : input.getAttribute("data-msg-none"));
    }

    function ask() {
      var q = input.value.trim();
      if (!q || shown[q]) return; // cleared, or a suggestion chosen
      var url = new URL(input.getAttribute("data-src"), location.href);
      url.searchParams.set("q", q.slice(0, 100));
      var mine = ++seq;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (names) { if (mine === seq) fill(names || []); })
        .catch(function () { if (mine === seq) say(""); }); // the form still works: the server reads the name
    }

    input.addEventListener("input", function () {
      // A typed place replaces a location found before.
      var lat = document.getElementById("r-lat"), lng = document.getElementById("r-lng");
      if (input.value.trim() && lat && lat.value) {
        lat.value = "";
        if (lng) lng.value = "";
        var ls = document.getElementById("locate-status");
        if (ls) ls.textContent = "";
      }
      clearTimeout(timer);
      if (!input.value.trim()) { list.replaceChildren(); say(""); return; }
      timer = setTimeout(ask, DELAY);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
