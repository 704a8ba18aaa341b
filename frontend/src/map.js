// The alliance map on the home page (一图览全域): the members coloured by their public listings, the
// other cities on record grey but clickable, the rest of Shanghai grey and inert; markers per layer
// (载体, 平台, 仪器, 高校院所, 企业, 人才站) from the markers endpoint, toggled by the layer checkboxes and
// filtered by field; drag and zoom; a click on a city opens its side panel (rendered by the server,
// hidden until asked for). Reads its figures from a json_script element and the boundaries from the
// static corridor.geojson; the city list under the map is the fallback when this does not run.
import * as echarts from "echarts/core";
import { MapChart, ScatterChart } from "echarts/charts";
import { GeoComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([MapChart, ScatterChart, GeoComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const MAP_NAME = "corridor";
const INERT_STYLE = {
  silent: true,
  itemStyle: { areaColor: "#e6e9ee", borderColor: "#ffffff" },
  label: { show: false },
  emphasis: { disabled: true },
  tooltip: { show: false },
};
const OBSERVER_COLOR = "#dfe3e8";
const ZOOM_STEP = 1.6;
const ZOOM_LIMITS = { min: 1, max: 16 };

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Each layer's markers sit a few pixels off the point in their own direction, so that the layers of
// a district or city (whose records share its point) do not hide each other. Pixels, not degrees:
// the offset says nothing about where a record is, and stays the same at every zoom.
function layerOffset(index, count) {
  const angle = (2 * Math.PI * index) / Math.max(1, count) - Math.PI / 2;
  return [Math.round(9 * Math.cos(angle)), Math.round(9 * Math.sin(angle))];
}

function cityTooltip(member, labels) {
  const rows = member.counts
    .filter((c) => c.count > 0)
    .map((c) => `<tr><td>${escapeHtml(c.label)}</td><td style="text-align:right;padding-left:12px">${c.count}</td></tr>`)
    .join("");
  return (
    `<strong>${escapeHtml(member.name)}</strong>` +
    (member.member ? "" : ` <span style="color:#888">${escapeHtml(labels.observer)}</span>`) +
    `<br>${escapeHtml(labels.total)}：${member.total}` +
    (rows ? `<table style="margin-top:4px;font-size:12px">${rows}</table>` : `<br><span style="color:#888">${escapeHtml(labels.empty)}</span>`) +
    `<div style="color:#888;font-size:12px;margin-top:2px">${escapeHtml(labels.click)}</div>`
  );
}

function pointTooltip(point, layer, labels) {
  const items = point.items
    .map((i) => `<li>${escapeHtml(i.title)}${i.sample ? ` <span style="color:#b35c00">[${escapeHtml(labels.sample)}]</span>` : ""}</li>`)
    .join("");
  const more = point.count > point.items.length ? `<li style="color:#888">${escapeHtml(labels.and_more)} ${point.count} ${escapeHtml(labels.records)}</li>` : "";
  return (
    `<strong style="color:${layer.color}">${escapeHtml(layer.label)}</strong> · ${escapeHtml(point.place || "")} ` +
    `<span style="color:#888">${point.count} ${escapeHtml(labels.records)}</span>` +
    `<ul style="margin:4px 0 0;padding-left:16px;max-width:260px;white-space:normal">${items}${more}</ul>` +
    `<div style="color:#888;font-size:12px">${escapeHtml(labels.precision)}：${escapeHtml(point.precision_label)}</div>`
  );
}

function bboxCenter(geojson) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (coords) => {
    if (typeof coords[0] === "number") {
      minX = Math.min(minX, coords[0]);
      maxX = Math.max(maxX, coords[0]);
      minY = Math.min(minY, coords[1]);
      maxY = Math.max(maxY, coords[1]);
    } else coords.forEach(visit);
  };
  geojson.features.forEach((f) => visit(f.geometry.coordinates));
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

class CorridorMap {
  constructor(el) {
    this.el = el;
    this.figures = JSON.parse(document.getElementById(el.dataset.figures).textContent);
    this.labels = this.figures.labels;
    this.layers = this.figures.layers;
    this.bySlug = new Map(this.figures.members.map((m) => [m.slug, m]));
    this.panel = document.getElementById(el.dataset.panel);
    this.toolbar = document.getElementById(el.dataset.toolbar);
    this.status = document.getElementById(el.dataset.status);
    this.points = [];
    this.enabled = new Set(this.layers.map((l) => l.key));
    this.request = 0;
  }

  narrow() {
    return this.el.clientWidth < 520;
  }

  async start() {
    const response = await fetch(this.el.dataset.geojson, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`geojson ${response.status}`);
    const geojson = await response.json();
    const onMap = new Set(this.figures.members.map((m) => m.map_name));
    for (const feature of geojson.features) {
      // Applied by ECharts to regions without a city on record: grey, no hover, no tooltip, no click.
      if (!onMap.has(feature.properties.name)) feature.properties.echartsStyle = INERT_STYLE;
    }
    echarts.registerMap(MAP_NAME, geojson);
    this.home = bboxCenter(geojson);

    this.chart = echarts.init(this.el, null, { renderer: "canvas" });
    this.wasNarrow = this.narrow();
    this.chart.setOption(this.option());
    this.chart.on("click", (p) => this.onClick(p));
    this.chart.on("finished", () => {
      this.el.dataset.mapReady = "true";
    });
    new ResizeObserver(() => {
      this.chart.resize();
      if (this.narrow() !== this.wasNarrow) {
        this.wasNarrow = this.narrow();
        this.chart.setOption(this.option());
        this.drawMarkers();
      }
    }).observe(this.el);
    this.el.classList.add("is-drawn");
    this.bindControls();
    await this.loadMarkers();
  }

  option() {
    const narrow = this.narrow();
    const members = this.figures.members;
    const max = Math.max(1, ...members.filter((m) => m.member).map((m) => m.total));
    const byMapName = new Map(members.map((m) => [m.map_name, m]));
    return {
      aria: { enabled: false },
      tooltip: {
        trigger: "item",
        confine: true,
        enterable: false,
        formatter: (p) => {
          if (p.data && p.data.member) return cityTooltip(p.data.member, this.labels);
          if (p.data && p.data.point) return pointTooltip(p.data.point, p.data.layer, this.labels);
          return "";
        },
      },
      visualMap: {
        type: "continuous",
        min: 0,
        max,
        show: !narrow,
        left: 8,
        bottom: 8,
        itemHeight: 90,
        text: [this.labels.more, this.labels.less],
        calculable: false,
        inRange: { color: ["#d6e6f8", "#8fb8e6", "#4f8fd1"] },
        outOfRange: { color: [OBSERVER_COLOR] },
        seriesIndex: 0,
      },
      geo: {
        map: MAP_NAME,
        roam: true,
        scaleLimit: ZOOM_LIMITS,
        zoom: 1,
        center: this.home,
        aspectScale: 0.85,
        layoutCenter: ["50%", "50%"],
        layoutSize: "100%",
        selectedMode: false,
        itemStyle: { areaColor: "#e6e9ee", borderColor: "#ffffff", borderWidth: 1 },
        // Above the label point, where the markers of records placed only to the city sit.
        label: {
          show: true,
          fontSize: narrow ? 11 : 13,
          color: "#1f2933",
          offset: [0, narrow ? -15 : -18],
          textBorderColor: "#ffffff",
          textBorderWidth: 2,
          formatter: (p) => (byMapName.get(p.name) || {}).short_name || "",
        },
        emphasis: {
          itemStyle: { areaColor: "#f2b48f" },
          label: { color: "#1f2933", fontWeight: "bold" },
        },
      },
      series: [
        {
          id: "alliance",
          name: this.labels.series,
          type: "map",
          geoIndex: 0,
          // The members carry their total (coloured by the visual map); the other cities on record
          // carry -1, outside its range, so they are grey but still answer hover and click.
          data: members.map((m) => ({ name: m.map_name, value: m.member ? m.total : -1, url: m.url, member: m })),
        },
        ...this.layers.map((layer) => ({
          id: `layer-${layer.key}`,
          name: layer.label,
          type: "scatter",
          coordinateSystem: "geo",
          geoIndex: 0,
          z: 3,
          data: [],
        })),
      ],
    };
  }

  markerSeries() {
    const count = this.layers.length;
    return this.layers.map((layer, index) => ({
      id: `layer-${layer.key}`,
      symbolOffset: layerOffset(index, count),
      itemStyle: { color: layer.color, borderColor: "#ffffff", borderWidth: 1, opacity: 0.92 },
      emphasis: { scale: 1.4 },
      label: {
        show: true,
        fontSize: 9,
        color: "#ffffff",
        formatter: (p) => (p.data.point.count > 1 ? String(p.data.point.count) : ""),
      },
      symbolSize: (value) => Math.min(28, 9 + 3 * Math.sqrt(value[2])),
      data: this.enabled.has(layer.key)
        ? this.points
            .filter((p) => p.layer === layer.key)
            .map((p) => ({ name: p.place, value: [p.lng, p.lat, p.count], point: p, layer }))
        : [],
    }));
  }

  drawMarkers() {
    this.chart.setOption({ series: this.markerSeries() });
    this.el.dataset.layers = [...this.enabled].join(",");
  }

  fieldValue() {
    return this.toolbar ? this.toolbar.elements.field.value : "";
  }

  async loadMarkers() {
    const field = this.fieldValue();
    const ticket = ++this.request;
    const url = new URL(this.figures.markers_url, window.location.href);
    if (field) url.searchParams.set("field", field);
    delete this.el.dataset.markersReady;
    let body;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      body = await response.json();
      if (!response.ok) throw new Error((body.error && body.error.message) || String(response.status));
    } catch (err) {
      if (ticket === this.request) this.setStatus(this.labels.load_error);
      throw err;
    }
    if (ticket !== this.request) return; // a later filter superseded this answer
    this.points = body.points;
    for (const layer of body.layers) {
      const badge = this.toolbar && this.toolbar.querySelector(`[data-layer-count="${layer.key}"]`);
      if (badge) badge.textContent = String(layer.placed);
    }
    this.setStatus("");
    this.drawMarkers();
    this.el.dataset.markersReady = field || "all";
  }

  setStatus(text) {
    if (this.status) this.status.textContent = text;
  }

  bindControls() {
    if (this.toolbar) {
      this.toolbar.addEventListener("submit", (e) => e.preventDefault());
      this.toolbar.addEventListener("change", (e) => {
        if (e.target.name === "layer") {
          if (e.target.checked) this.enabled.add(e.target.value);
          else this.enabled.delete(e.target.value);
          this.drawMarkers();
        } else if (e.target.name === "field") {
          this.loadMarkers().catch(() => {});
        }
      });
      this.toolbar.querySelectorAll("[data-map-zoom]").forEach((button) => {
        button.addEventListener("click", () => this.zoom(button.dataset.mapZoom));
      });
    }
    if (this.panel) {
      this.panel.querySelector("[data-map-panel-close]").addEventListener("click", () => this.closePanel());
    }
  }

  zoom(how) {
    const geo = this.chart.getOption().geo[0];
    if (how === "reset") {
      this.chart.setOption({ geo: { zoom: 1, center: this.home } });
      return;
    }
    const factor = how === "in" ? ZOOM_STEP : 1 / ZOOM_STEP;
    const zoom = Math.min(ZOOM_LIMITS.max, Math.max(ZOOM_LIMITS.min, (geo.zoom || 1) * factor));
    this.chart.setOption({ geo: { zoom } });
  }

  onClick(p) {
    if (p.seriesType === "map" && p.data && p.data.member) {
      this.openPanel(p.data.member.slug, null);
    } else if (p.seriesType === "scatter" && p.data && p.data.point) {
      this.openPanel(p.data.point.city, p.data);
    }
  }

  openPanel(slug, marker) {
    if (!this.panel) return;
    let shown = false;
    this.panel.querySelectorAll("[data-city-panel]").forEach((section) => {
      section.hidden = section.dataset.cityPanel !== slug;
      shown = shown || !section.hidden;
    });
    this.showPoint(marker);
    if (!shown && !marker) return;
    this.panel.hidden = false;
    this.panel.dataset.city = slug;
    this.el.closest(".map-stage").classList.add("has-panel");
    this.chart.dispatchAction({ type: "hideTip" });
    this.chart.resize();
    // On a phone the panel is below the map: bring its top into view.
    if (this.narrow()) this.panel.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  showPoint(marker) {
    const box = this.panel.querySelector("#map-point");
    if (!box) return;
    if (!marker) {
      box.hidden = true;
      return;
    }
    const { point, layer } = marker;
    box.querySelector(".map-point-title").textContent = `${layer.label} · ${point.place || ""}`;
    box.querySelector(".map-point-meta").textContent =
      `${point.count} ${this.labels.records} · ${this.labels.precision}：${point.precision_label}`;
    const list = box.querySelector(".map-point-items");
    list.replaceChildren(
      ...point.items.map((item) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        li.append(a);
        if (item.sample) {
          const badge = document.createElement("span");
          badge.className = "badge badge-sample";
          badge.textContent = this.labels.sample;
          li.append(" ", badge);
        }
        return li;
      }),
    );
    if (point.more_url) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = point.more_url;
      a.textContent = `${this.labels.view_all}（${point.count} ${this.labels.records}）→`;
      li.append(a);
      list.append(li);
    }
    box.style.setProperty("--layer-color", layer.color);
    box.hidden = false;
  }

  closePanel() {
    this.panel.hidden = true;
    delete this.panel.dataset.city;
    this.el.closest(".map-stage").classList.remove("has-panel");
    this.chart.resize();
  }
}

// For the browser tests and later pages: find the chart drawn in an element.
window.innomarketEcharts = { getInstanceByDom: echarts.getInstanceByDom };

function start() {
  document.querySelectorAll("[data-corridor-map]").forEach((el) => {
    new CorridorMap(el).start().catch((err) => {
      el.dataset.mapError = String(err);
      if (!el.dataset.mapReady) el.classList.add("is-failed");
    });
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
