// gongzhi: the grid map (网格地图), drawn with ECharts from the GeoJSON of
// /demands/map.json (the API's /stats/demands/map, read with the session).
// Two uses:
//  - the dashboard's heat map, #grid-map[data-src]: the grids (a district's
//    streets) coloured by the figure chosen in #map-metric; a click opens the
//    grid's demand list, or the street's dashboard;
//  - the hot-spot map, #hotspot-map[data-src] (/hotspots/map.json): the
//    week's hot spots on their streets' grids, coloured by how many times
//    their usual (properties.ratio; null: no hot spot); a click opens one;
//  - the intake page's area picker, #area-map in <details id="map-picker">:
//    a click on a street shows its grids, a click on a grid fills the area
//    field (#d-area). The form never needs the map: typing still works.
// Residential areas' borders (geo.borders, the union of their grids) are
// drawn over a map of grids with their names; grid names show where they
// fit (ECharts hides labels that would overlap, the larger areas' first).
// A map gets data-ready="1", data-features="N" and data-borders="N" once drawn.
(function () {
  "use strict";
  var red = "#a4161a", grey = "#767676", seq = 0;
  function extend(a, b) { for (var k in b) a[k] = b[k]; return a; }

  function load(src, done) {
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (geo) { done(null, geo); }, function (err) { done(err); });
  }

  // draw puts geo on chart. o.value(properties) gives a feature's figure
  // (null: no colour), o.rate says figures are 0–1 rates (low is bad),
  // o.label names the figure, o.click(feature) handles a click, o.pick
  // keeps the clicked area selected.
  function draw(el, chart, geo, o) {
    el.removeAttribute("data-ready");
    var borders = geo.borders || [];
    if (!geo.mapName) {
      geo.mapName = "gongzhi-grids-" + (++seq);
      echarts.registerMap(geo.mapName, geo);
      if (borders.length) {
        geo.borderName = geo.mapName + "-borders";
        echarts.registerMap(geo.borderName, {
          type: "FeatureCollection",
          features: borders.map(function (b) {
            // Each ring a polygon of its own, so a hole's edge is drawn too.
            return { type: "Feature", id: b.id, properties: { key: b.id, name: b.name },
              geometry: { type: "MultiPolygon", coordinates: b.rings.map(function (r) { return [r]; }) } };
          })
        });
      }
    }
    var byCode = {}, data = [], lo = Infinity, hi = -Infinity;
    geo.features.forEach(function (f) {
      byCode[f.id] = f;
      var v = o.value ? o.value(f.properties) : null;
      if (v === null || v === undefined) return;
      data.push({ name: f.id, value: v });
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    });
    var areaName = function (p) { return byCode[p.name] ? byCode[p.name].properties.name : ""; };
    var names = {};
    borders.forEach(function (b) { names[b.id] = b.name; });
    var borderName = function (p) { return names[p.name] || ""; };
    var fmt = o.format || function (v) { return o.rate ? (v * 100).toFixed(1) + "%" : String(Math.round(v)); };
    // Degrees of longitude are shorter than degrees of latitude away from the equator.
    var first = geo.features.length ? geo.features[0].geometry.coordinates[0][0] : [0, 31];
    var aspect = Math.cos(first[1] * Math.PI / 180);
    // Both layers span the grids' box, so the borders lie on the grids.
    var w = Infinity, s = -Infinity, e = -Infinity, n = -Infinity;
    geo.features.forEach(function (f) {
      f.geometry.coordinates[0].forEach(function (p) {
        w = Math.min(w, p[0]); e = Math.max(e, p[0]); s = Math.min(s, p[1]); n = Math.max(n, p[1]);
      });
    });
    var box = geo.features.length ? [[w, n], [e, s]] : null;
    var halo = { textBorderColor: "#ffffff", textBorderWidth: 2 };
    var option = {
      animationDuration: 300,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var f = byCode[p.name];
          if (!f) return "";
          var s = echarts.format.encodeHTML((f.properties.parent_name ? f.properties.parent_name + " " : "") + f.properties.name);
          if (o.label) s += "<br>" + echarts.format.encodeHTML(o.label) + ": " + (isNaN(p.value) ? "—" : fmt(p.value));
          return s;
        }
      },
      series: [{
        type: "map", map: geo.mapName, nameProperty: "key", aspectScale: aspect, boundingCoords: box,
        roam: false, selectedMode: o.pick ? "single" : false, cursor: "pointer", data: data,
        // Every name that fits: overlapping ones give way, smaller areas first.
        label: extend({ show: true, formatter: areaName, color: "#1f1f1f", fontSize: 11 }, halo),
        labelLayout: { hideOverlap: true },
        itemStyle: { areaColor: "#eef1f5", borderColor: "#ffffff", borderWidth: 1 },
        emphasis: { label: { show: true, formatter: areaName }, itemStyle: { areaColor: "#f6c85f" } },
        select: { label: { show: true, formatter: areaName, color: "#ffffff" }, itemStyle: { areaColor: red } }
      }]
    };
    if (geo.borderName) {
      option.series.push({
        type: "map", map: geo.borderName, nameProperty: "key", aspectScale: aspect, boundingCoords: box,
        roam: false, silent: true, selectedMode: false, tooltip: { show: false }, z: 3,
        data: borders.map(function (b) { return { name: b.id, value: 0 }; }),
        label: extend({ show: true, formatter: borderName, color: "#1f1f1f", fontSize: 13, fontWeight: "bold" }, halo),
        labelLayout: { hideOverlap: true },
        itemStyle: { areaColor: "rgba(0,0,0,0)", borderColor: "#3d3d3d", borderWidth: 2 },
        emphasis: { disabled: true }
      });
    }
    if (o.value && data.length) {
      var colours = ["#fff5f0", "#fcae91", red];
      option.visualMap = {
        seriesIndex: 0, min: o.rate ? lo : (o.min || 0), max: o.rate ? Math.max(hi, lo + 0.001) : Math.max((o.min || 0) + 1, hi), calculable: true,
        // At the side: ECharts leaves a tenth of the width free on each side of the map.
        orient: "vertical", right: 4, top: "middle", itemHeight: 120, formatter: fmt, textStyle: { color: grey },
        inRange: { color: o.rate ? colours.slice().reverse() : colours }
      };
    }
    chart.off("click");
    chart.on("click", function (p) { if (byCode[p.name] && o.click) o.click(byCode[p.name]); });
    chart.setOption(option, true);
    el.setAttribute("data-features", String(geo.features.length));
    el.setAttribute("data-borders", String(borders.length));
  }

  function mount(el) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.setAttribute("data-ready", "1"); });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  // empty says why a map has nothing to draw; tests still see it as ready.
  function empty(el, text) {
    el.textContent = text;
    el.classList.add("map-empty");
    el.setAttribute("data-features", "0");
    el.setAttribute("data-ready", "1");
  }

  function dashboard(el) {
    var metric = document.getElementById("map-metric");
    var controls = document.getElementById("map-controls");
    load(el.getAttribute("data-src"), function (err, geo) {
      if (err || !geo.features.length) return empty(el, el.getAttribute(err ? "data-error" : "data-empty"));
      var chart = mount(el);
      function show() {
        var key = metric ? metric.value : "received";
        draw(el, chart, geo, {
          value: function (p) { return p[key]; },
          rate: /_rate$/.test(key),
          label: metric ? metric.options[metric.selectedIndex].text : "",
          click: function (f) {
            var q = "?area=" + encodeURIComponent(f.id) + "&from=" + encodeURIComponent(geo.from) + "&to=" + encodeURIComponent(geo.to);
            window.location.href = (geo.level === "street" ? "/demands/dashboard" : "/demands") + q;
          }
        });
      }
      if (controls) controls.hidden = false;
      if (metric) metric.addEventListener("change", show);
      show();
    });
  }

  function hotspots(el) {
    load(el.getAttribute("data-src"), function (err, geo) {
      if (err || !geo.features.length) return empty(el, el.getAttribute(err ? "data-error" : "data-empty"));
      draw(el, mount(el), geo, {
        value: function (p) { return p.ratio; },
        min: 1,
        format: function (v) { return v.toFixed(1); },
        label: el.getAttribute("data-label"),
        click: function (f) { if (f.properties.spot) window.location.href = "/hotspots/" + f.properties.spot; }
      });
    });
  }

  function picker(box) {
    var el = document.getElementById("area-map");
    var input = document.getElementById("d-area");
    var up = document.getElementById("map-up");
    var said = document.getElementById("map-picked");
    if (!el || !input) return;
    var chart = null, top = box.getAttribute("data-src");
    function open(src) {
      up.hidden = src === top;
      load(src, function (err, geo) {
        if (err || !geo.features.length) {
          said.textContent = box.getAttribute(err ? "data-error" : "data-empty");
          return;
        }
        chart = chart || mount(el);
        draw(el, chart, geo, {
          pick: geo.level !== "street",
          click: function (f) {
            if (geo.level === "street") return open("/demands/map.json?area=" + encodeURIComponent(f.id));
            // The datalist offers each area by its name path; its label is the code.
            var label = f.id;
            var opts = document.querySelectorAll("#area-list option");
            for (var i = 0; i < opts.length; i++) {
              if (opts[i].label === f.id) label = opts[i].value;
            }
            input.value = label;
            input.dispatchEvent(new Event("change", { bubbles: true }));
            said.textContent = box.getAttribute("data-picked").replace("%s", label);
          }
        });
      });
    }
    up.addEventListener("click", function () { open(top); });
    box.addEventListener("toggle", function () {
      if (box.open && !chart) open(top);
      else if (box.open) chart.resize();
    });
    // Open on a wide screen; on a phone the operator opens it when wanted.
    if (window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) box.open = true;
  }

  function start() {
    if (typeof echarts === "undefined") return;
    var el = document.getElementById("grid-map");
    if (el) dashboard(el);
    var hot = document.getElementById("hotspot-map");
    if (hot) hotspots(hot);
    var box = document.getElementById("map-picker");
    if (box) picker(box);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
