// Reusable small charts for statistics pages: <div data-chart="bar|line" data-source="ID">
// where ID is a json_script element holding {"labels": [...], "series": [{"name": "...", "values": [...]}]}.
// Drawn on page load and after htmx swaps. A funnel is not drawn here: its stage names inside a canvas
// were cut off on a phone, so pages draw funnels as HTML tables with bars (challenges/stats.html).
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const PALETTE = ["#0b5cab", "#d9480f", "#2b8a3e", "#b35c00", "#6741d9", "#0c8599"];

function optionFor(kind, data) {
  const series = data.series || [];
  return {
    color: PALETTE,
    tooltip: { trigger: "axis" },
    legend: series.length > 1 ? { top: 0 } : { show: false },
    grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((s) => ({ type: kind, name: s.name, data: s.values, smooth: kind === "line" })),
  };
}

function render(el) {
  const source = document.getElementById(el.dataset.source);
  if (!source) return null;
  const chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
  chart.setOption(optionFor(el.dataset.chart, JSON.parse(source.textContent)), true);
  if (!el.dataset.chartObserved) {
    new ResizeObserver(() => chart.resize()).observe(el);
    el.dataset.chartObserved = "true";
  }
  return chart;
}

function renderAll(root) {
  (root || document).querySelectorAll("[data-chart][data-source]").forEach(render);
}

window.innomarketCharts = { render, renderAll, getInstanceByDom: echarts.getInstanceByDom };

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => renderAll());
else renderAll();
document.addEventListener("htmx:afterSettle", (e) => renderAll(e.target));
