// gongzhi: searchable pickers for units and party organisations (template
// "picker" in parts.html). As the user types, the text input's <datalist>
// is filled from the picker's endpoint (data-picker, e.g.
// /org/pick/units?area=…); choosing a suggestion puts its id in the hidden
// input beside it, and changing the text afterwards clears that id again.
// The datalist keeps the browser's own keyboard and touch handling. Without
// this file the text input takes a record's number (id) instead.
(function () {
  "use strict";
  var DELAY = 250; // ms after the last keystroke before asking
  var MAX_Q = 100; // the endpoint refuses longer search text

  function wire(input) {
    var box = input.closest(".picker");
    var hidden = box && box.querySelector("[data-picker-value]");
    var list = input.list;
    var status = box && box.querySelector("[data-picker-status]");
    if (!hidden || !list || !window.fetch || !window.URL) return;
    var chosen = hidden.value ? input.value : null; // the label of the id in hidden
    var byLabel = {};
    var timer = 0;
    var seq = 0;

    function say(msg) { if (status) status.textContent = msg || ""; }

    // set changes the chosen id and tells pickers that search within it
    // (data-picker-area naming this hidden input) to forget their list.
    function set(id) {
      if (hidden.value === id) return;
      hidden.value = id;
      hidden.dispatchEvent(new Event("change"));
    }

    function fill(items) {
      byLabel = {};
      var opts = [];
      items.forEach(function (it) {
        var label = it.label;
        if (byLabel[label] !== undefined) label += " #" + it.id; // two records of one name in one area
        byLabel[label] = String(it.id);
        var o = document.createElement("option");
        o.value = label;
        opts.push(o);
      });
      list.replaceChildren.apply(list, opts);
      if (byLabel[input.value] !== undefined) { // the whole label was typed by hand
        set(byLabel[input.value]);
        chosen = input.value;
      }
      if (!items.length) say(input.getAttribute("data-msg-none"));
      else if (items.length >= 20) say(input.getAttribute("data-msg-more"));
      else say("");
    }

    function search() {
      var q = input.value.trim().slice(0, MAX_Q);
      var url = new URL(input.getAttribute("data-picker"), location.href);
      url.searchParams.set("q", q);
      var areaFrom = input.getAttribute("data-picker-area");
      var area = areaFrom && document.getElementById(areaFrom);
      if (area && area.value) url.searchParams.set("area", area.value);
      var mine = ++seq;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (mine === seq) fill(items || []); })
        .catch(function () { if (mine === seq) say(input.getAttribute("data-msg-failed")); });
    }

    input.addEventListener("input", function () {
      var v = input.value;
      if (chosen !== null && v === chosen) return;
      if (byLabel[v] !== undefined) { // a suggestion was chosen
        set(byLabel[v]);
        chosen = v;
        say("");
        return;
      }
      set("");
      chosen = null;
      clearTimeout(timer);
      if (v.trim() === "" || /^\d+$/.test(v.trim())) { say(""); return; } // cleared, or a number typed
      timer = setTimeout(search, DELAY);
    });
    // The first focus offers some choices before anything is typed.
    input.addEventListener("focus", function () {
      if (!list.options.length && !input.value) search();
    });
    var areaFrom = input.getAttribute("data-picker-area");
    var area = areaFrom && document.getElementById(areaFrom);
    if (area) area.addEventListener("change", function () { list.replaceChildren(); });
  }

  function start() {
    document.querySelectorAll("input[data-picker]").forEach(wire);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
