// gongzhi: the demand dashboard's charts. Reads the figures from
// <script id="dashboard-data">, draws the rates trend, hot categories,
// overdue by child area and the child area × category heat map, and opens a
// child area's dashboard on click. Each chart gets data-ready="1" once
// ECharts has finished rendering it. Every figure is also in the tables.
(function () {
  "use strict";
  var red = "#a4161a", blue = "#0b4f9c", green = "#1b5e20", grey = "#767676";

  function mount(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.setAttribute("data-ready", "1"); });
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function draw() {
    var src = document.getElementById("dashboard-data");
    if (!src || typeof echarts === "undefined") return;
    var d = JSON.parse(src.textContent);
    var L = d.labels;
    function drill(i) {
      var a = d.areas && d.areas[i];
      if (!a) return;
      window.location.href = "/demands/dashboard?area=" + encodeURIComponent(a.code) +
        "&from=" + encodeURIComponent(d.from) + "&to=" + encodeURIComponent(d.to);
    }

    mount("rates-trend", {
      animationDuration: 300,
      color: [red, blue, green, "#c9c9c9"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 40, bottom: 48 },
      xAxis: { type: "category", data: d.days },
      yAxis: [
        { type: "value", name: L.rate, min: 0, max: 100 },
        { type: "value", name: L.count, minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: L.response, type: "line", data: d.response, connectNulls: true, symbolSize: 5,
          // The last days' demands are mostly not due yet: their rates dip
          // because the work is still under way, which the band says.
          markArea: d.not_due_from ? { silent: true, itemStyle: { color: "rgba(118,118,118,0.12)" },
            label: { color: grey, position: "insideTop" },
            data: [[{ name: L.not_due, xAxis: d.not_due_from }, { xAxis: d.days[d.days.length - 1] }]] } : undefined },
        { name: L.resolution, type: "line", data: d.resolution, connectNulls: true, symbolSize: 5 },
        { name: L.satisfaction, type: "line", data: d.satisfaction, connectNulls: true, symbolSize: 5 },
        { name: L.received, type: "bar", yAxisIndex: 1, data: d.received, z: 1 }
      ]
    });

    var n = Math.min(15, d.categories ? d.categories.length : 0);
    mount("hot-categories", {
      animationDuration: 300,
      color: [red],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 112, right: 24, top: 16, bottom: 32 },
      xAxis: { type: "value", name: L.count, minInterval: 1 },
      yAxis: { type: "category", data: (d.categories || []).slice(0, n).reverse() },
      series: [{ name: L.received, type: "bar", data: (d.cat_received || []).slice(0, n).reverse() }]
    });

    if (d.drill) {
      var names = d.areas.map(function (a) { return a.name; });
      mount("overdue-by-area", {
        animationDuration: 300,
        color: [red],
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 56, right: 16, top: 24, bottom: 64 },
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", name: L.overdue, minInterval: 1 },
        series: [{ name: L.overdue, type: "bar", data: d.area_overdue, cursor: "pointer" }]
      }, function (p) { drill(p.dataIndex); });

      mount("heat-map", {
        animationDuration: 300,
        tooltip: {
          // HTML: area and category names are typed by people, so escaped
          // (as grid_map.js does).
          formatter: function (p) {
            return echarts.format.encodeHTML(names[p.value[1]] + " · " + d.heat_cats[p.value[0]] + ": " + p.value[2]);
          }
        },
        grid: { left: 112, right: 24, top: 16, bottom: 96 },
        xAxis: { type: "category", data: d.heat_cats || [], axisLabel: { interval: 0, rotate: 30 }, splitArea: { show: true } },
        yAxis: { type: "category", data: names, splitArea: { show: true } },
        visualMap: { min: 0, max: Math.max(1, d.heat_max), calculable: true, orient: "horizontal", left: "center", bottom: 0,
                     inRange: { color: ["#fff5f0", "#fcae91", red] }, textStyle: { color: grey } },
        series: [{ name: L.received, type: "heatmap", data: d.heat || [], label: { show: true }, cursor: "pointer" }]
      }, function (p) { if (p.value) drill(p.value[1]); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
