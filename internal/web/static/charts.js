// gongzhi: the coverage chart. Reads its figures from <script id="coverage-data">,
// draws one bar series per coverage group, and opens a child area on click.
// Sets data-ready="1" on the chart once ECharts has finished rendering.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("coverage-chart");
    var src = document.getElementById("coverage-data");
    if (!el || !src || typeof echarts === "undefined") return;
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var colours = ["#a4161a", "#0b4f9c", "#1b5e20"];
    chart.on("finished", function () { el.setAttribute("data-ready", "1"); });
    chart.setOption({
      animationDuration: 300,
      color: colours,
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        // The tooltip is HTML: every name and figure is escaped, as area
        // names are typed by people (grid_map.js does the same).
        formatter: function (items) {
          var esc = echarts.format.encodeHTML;
          var i = items.length ? items[0].dataIndex : 0;
          var lines = [esc(d.areas[i].name)];
          d.series.forEach(function (s) {
            var r = s.rates[i];
            lines.push(esc(s.name + ": " + (r === null ? "—" : r + "%") + " (" + s.covered[i] + "/" + s.total[i] + ")"));
          });
          return lines.join("<br>");
        }
      },
      legend: { top: 0 },
      grid: { left: 64, right: 16, top: 40, bottom: 64 },
      xAxis: { type: "category", data: d.areas.map(function (a) { return a.name; }),
               axisLabel: { interval: 0, rotate: d.areas.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: d.axis, nameLocation: "middle", nameGap: 40, min: 0, max: 100 },
      series: d.series.map(function (s) {
        // An area with no units of a group has no rate: it is labelled so
        // on the axis line, where 0% would show as an empty bar.
        var data = s.rates.map(function (r) {
          return r === null ? { value: 0, itemStyle: { color: "transparent" },
            label: { show: true, position: "insideBottom", color: "#555", fontSize: 10, formatter: d.none } } : r;
        });
        return { name: s.name, type: "bar", data: data, cursor: d.drill ? "pointer" : "default" };
      })
    });
    if (d.drill) {
      chart.on("click", function (p) {
        var a = d.areas[p.dataIndex];
        if (a) window.location.href = "/coverage?area=" + encodeURIComponent(a.code);
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
