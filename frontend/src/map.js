// The alliance map on the home page: the eight members coloured by their public listings, the other
// Shanghai districts grey and inert. Reads its figures from a json_script element rendered by the
// server and the boundaries from the static corridor.geojson; the city list under the map is the
// fallback when this does not run.
import * as echarts from "echarts/core";
import { MapChart } from "echarts/charts";
import { TooltipComponent, VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([MapChart, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const MAP_NAME = "corridor";
const NON_MEMBER_STYLE = {
  silent: true,
  itemStyle: { areaColor: "#e6e9ee", borderColor: "#ffffff" },
  label: { show: false },
  emphasis: { disabled: true },
  tooltip: { show: false },
};

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function tooltipHtml(member, labels) {
  const rows = member.counts
    .filter((c) => c.count > 0)
    .map((c) => `<tr><td>${escapeHtml(c.label)}</td><td style="text-align:right;padding-left:12px">${c.count}</td></tr>`)
    .join("");
  return (
    `<strong>${escapeHtml(member.name)}</strong><br>` +
    `${escapeHtml(labels.total)}：${member.total}` +
    (rows ? `<table style="margin-top:4px;font-size:12px">${rows}</table>` : `<br><span style="color:#888">${escapeHtml(labels.empty)}</span>`) +
    `<div style="color:#888;font-size:12px;margin-top:2px">${escapeHtml(labels.click)}</div>`
  );
}

function buildOption(figures, narrow) {
  const members = figures.members;
  const max = Math.max(1, ...members.map((m) => m.total));
  return {
    aria: { enabled: false },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p) => (p.data && p.data.member ? tooltipHtml(p.data.member, figures.labels) : ""),
    },
    visualMap: {
      type: "continuous",
      min: 0,
      max,
      show: !narrow,
      left: 8,
      bottom: 8,
      itemHeight: 90,
      text: [figures.labels.more, figures.labels.less],
      calculable: false,
      inRange: { color: ["#d6e6f8", "#6fa3dc", "#0b5cab"] },
      seriesIndex: 0,
    },
    series: [
      {
        id: "alliance",
        name: figures.labels.series,
        type: "map",
        map: MAP_NAME,
        roam: false,
        selectedMode: false,
        aspectScale: 0.85,
        layoutCenter: ["50%", "50%"],
        layoutSize: "100%",
        itemStyle: { areaColor: "#e6e9ee", borderColor: "#ffffff", borderWidth: 1 },
        label: {
          show: true,
          fontSize: narrow ? 11 : 13,
          color: "#1f2933",
          formatter: (p) => (p.data && p.data.member ? p.data.member.short_name : ""),
        },
        emphasis: {
          itemStyle: { areaColor: "#d9480f" },
          label: { color: "#ffffff", fontWeight: "bold" },
        },
        // Exactly the members: the other regions of the geojson are drawn from the map itself.
        data: members.map((m) => ({ name: m.map_name, value: m.total, url: m.url, member: m })),
      },
    ],
  };
}

async function init(el) {
  const source = document.getElementById(el.dataset.figures);
  if (!source) return;
  const figures = JSON.parse(source.textContent);
  const response = await fetch(el.dataset.geojson, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`geojson ${response.status}`);
  const geojson = await response.json();

  const memberNames = new Set(figures.members.map((m) => m.map_name));
  for (const feature of geojson.features) {
    if (!memberNames.has(feature.properties.name)) {
      // Applied by ECharts to regions without data: grey, no hover, no tooltip, no click.
      feature.properties.echartsStyle = NON_MEMBER_STYLE;
    }
  }
  echarts.registerMap(MAP_NAME, geojson);

  const chart = echarts.init(el, null, { renderer: "canvas" });
  const narrow = () => el.clientWidth < 520;
  let wasNarrow = narrow();
  chart.setOption(buildOption(figures, wasNarrow));
  chart.on("click", (p) => {
    if (p.data && p.data.url) window.location.assign(p.data.url);
  });
  chart.on("finished", () => {
    el.dataset.mapReady = "true";
  });
  new ResizeObserver(() => {
    chart.resize();
    if (narrow() !== wasNarrow) {
      wasNarrow = narrow();
      chart.setOption(buildOption(figures, wasNarrow));
    }
  }).observe(el);
  el.classList.add("is-drawn");
}

// For the browser tests and later pages: find the chart drawn in an element.
window.innomarketEcharts = { getInstanceByDom: echarts.getInstanceByDom };

function start() {
  document.querySelectorAll("[data-corridor-map]").forEach((el) => {
    init(el).catch((err) => {
      el.dataset.mapError = String(err);
      el.classList.add("is-failed");
    });
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
