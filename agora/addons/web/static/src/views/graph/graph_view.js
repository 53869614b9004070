/**
 * Graph view: bar, line and pie charts drawn as SVG, from one read_group.
 *
 * RPCs per render: 1 read_group (lazy with one group-by; lazy=false with two, the
 * second group-by making the series). Switching chart type or stacking draws again
 * without asking; changing the measure asks again.
 */
import { h, svg, replaceContent } from "../../core/dom.js";
import { formatValue } from "../../core/format.js";
import { registerView } from "../../core/registry.js";
import { showError as coreShowError } from "../../core/dialog.js";
import {
    COUNT, measureSpec, measureChoices, buildSeries, niceTicks, pieSlices, valueRange, colorAt,
} from "./graph_model.js";

const WIDTH = 800;
const HEIGHT = 420;
const MARGIN = { top: 20, right: 20, bottom: 90, left: 70 };
const MODES = [["bar", "Bar"], ["line", "Line"], ["pie", "Pie"]];

function readArch(arch, fields) {
    const rows = [];
    let measure = null;
    for (const node of arch.children) {
        if (node.tagName.toLowerCase() !== "field") {
            continue;
        }
        const name = node.getAttribute("name");
        if (!fields[name] && name !== COUNT) {
            continue;
        }
        const type = node.getAttribute("type");
        const interval = node.getAttribute("interval");
        if (type === "measure") {
            measure = measure || name;
        } else if (type === "row" || type === "col" || !type) {
            rows.push(interval ? `${name}:${interval}` : name);
        }
    }
    const mode = arch.getAttribute("type");
    const stacked = arch.getAttribute("stacked");
    return {
        rows,
        measure: measure || COUNT,
        mode: MODES.some(([m]) => m === mode) ? mode : "bar",
        stacked: stacked === null ? true : !["false", "0", "False"].includes(stacked),
    };
}

class GraphController {
    constructor(container, props) {
        this.props = props;
        this.env = props.env;
        this.orm = props.env.orm;
        this.showError = props.env.dialog?.showError || coreShowError;
        const info = readArch(props.arch, props.fields);
        this.archRows = info.rows;
        this.measure = info.measure;
        this.mode = info.mode;
        this.stacked = info.stacked;
        this.loadToken = 0;
        this.root = h("div", { class: "ag-graph" });
        container.append(this.root);
    }

    get fields() {
        return this.props.fields;
    }

    get groupBys() {
        const fromSearch = this.props.groupBy && this.props.groupBy.length ? this.props.groupBy : this.archRows;
        return fromSearch.filter((spec) => this.fields[spec.split(":")[0]]).slice(0, 2);
    }

    measureLabel(name = this.measure) {
        return name === COUNT ? "Count" : this.fields[name]?.string || name;
    }

    async load() {
        const token = ++this.loadToken;
        const groupBys = this.groupBys;
        const lazy = groupBys.length < 2;
        const spec = measureSpec(this.measure, this.fields[this.measure]);
        try {
            const groups = await this.orm.readGroup(this.props.resModel, this.props.domain || [],
                spec ? [spec] : [], groupBys, { lazy, context: this.props.context });
            if (token !== this.loadToken) {
                return;
            }
            const hasRecords = groups.some((g) => (g.__count ?? g[`${(groupBys[0] || "").split(":")[0]}_count`]) > 0);
            this.data = hasRecords ? buildSeries(groups, {
                groupBys, measure: this.measure, fields: this.fields,
                measureLabel: this.measureLabel(), lazy,
            }) : null;
            this.render();
        } catch (error) {
            if (token === this.loadToken) {
                this.showError(error);
            }
        }
    }

    render() {
        const start = performance.now();
        const chart = this.data ? this.renderChart() : h("div", { class: "ag-graph-empty" }, "No data");
        replaceContent(this.root, this.renderToolbar(), chart);
        window.dispatchEvent(new CustomEvent("agora:rendered", {
            detail: { view: "graph", records: this.data ? this.data.labels.length : 0,
                ms: performance.now() - start },
        }));
    }

    renderToolbar() {
        return h("div", { class: "ag-graph-toolbar" },
            h("span", { class: "ag-graph-modes" }, MODES.map(([mode, label]) => h("button", {
                type: "button", class: { "ag-graph-mode": true, active: this.mode === mode },
                dataset: { mode }, "aria-pressed": this.mode === mode ? "true" : "false",
                onclick: () => {
                    this.mode = mode;
                    this.render();
                },
            }, label))),
            h("select", {
                class: "ag-graph-measure", title: "Measure",
                onchange: (ev) => {
                    this.measure = ev.target.value;
                    this.load();
                },
            }, measureChoices(this.fields).map((c) => h("option",
                { value: c.name, selected: c.name === this.measure }, c.label))),
            this.mode === "bar" && this.data && this.data.series.length > 1 ? h("label", { class: "ag-graph-stacked" },
                h("input", { type: "checkbox", checked: this.stacked, onchange: (ev) => {
                    this.stacked = ev.target.checked;
                    this.render();
                } }), " Stacked") : null);
    }

    title() {
        const groupLabels = this.groupBys.map((spec) => {
            const [name, interval] = spec.split(":");
            const label = this.fields[name]?.string || name;
            return interval ? `${label} (${interval})` : label;
        });
        return groupLabels.length ? `${this.measureLabel()} by ${groupLabels.join(", ")}` : this.measureLabel();
    }

    formatMeasure(value) {
        const field = this.measure === COUNT ? { type: "integer" } : this.fields[this.measure];
        return formatValue(value, field || { type: "float" });
    }

    renderChart() {
        const { labels, series } = this.data;
        const body = this.mode === "pie" ? this.drawPie(labels, series) : this.drawAxes(labels, series);
        const legendItems = this.mode === "pie"
            ? labels.map((label, i) => [label, colorAt(i)])
            : series.map((s, i) => [s.label, colorAt(i)]);
        return h("div", { class: "ag-graph-chart" },
            h("div", { class: "ag-graph-title" }, this.title()),
            body,
            h("ul", { class: "ag-graph-legend" }, legendItems.map(([label, color]) => h("li", {},
                h("span", { class: "ag-graph-swatch", style: `background: ${color}` }), label))));
    }

    // -- bar and line -----------------------------------------------------------------------
    drawAxes(labels, series) {
        const stacked = this.mode === "bar" && this.stacked;
        const range = valueRange(series, stacked);
        const axis = niceTicks(range.min, range.max, 5);
        // The left margin fits the longest tick label (about 7px a character at 12px).
        const tickLabels = axis.ticks.map((tick) => this.formatMeasure(tick));
        const left = Math.max(MARGIN.left, 16 + 7 * Math.max(...tickLabels.map((t) => t.length)));
        const plotW = WIDTH - left - MARGIN.right;
        const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
        const y = (v) => MARGIN.top + plotH - ((v - axis.min) / (axis.max - axis.min)) * plotH;
        const band = plotW / labels.length;
        const x = (i) => left + band * i + band / 2;
        const nodes = [];
        // Grid lines and y ticks.
        axis.ticks.forEach((tick, i) => {
            nodes.push(svg("line", { class: "ag-graph-grid", x1: left, x2: WIDTH - MARGIN.right,
                y1: y(tick), y2: y(tick) }));
            nodes.push(svg("text", { class: "ag-graph-tick", x: left - 6, y: y(tick) + 4,
                "text-anchor": "end" }, tickLabels[i]));
        });
        // Category labels, slanted when crowded.
        const slant = labels.length > 8 || labels.some((l) => l.length * 7 > band);
        labels.forEach((label, i) => {
            const short = label.length > 24 ? `${label.slice(0, 23)}…` : label;
            nodes.push(svg("text", {
                class: "ag-graph-label", x: x(i), y: MARGIN.top + plotH + 16,
                "text-anchor": slant ? "end" : "middle",
                transform: slant ? `rotate(-35 ${x(i)} ${MARGIN.top + plotH + 16})` : null,
            }, svg("title", {}, label), short));
        });
        if (this.mode === "bar") {
            nodes.push(...this.drawBars(labels, series, { y, x, band, stacked }));
        } else {
            nodes.push(...this.drawLines(labels, series, { y, x }));
        }
        // Axes on top of the bars.
        nodes.push(svg("line", { class: "ag-graph-axis", x1: left, x2: WIDTH - MARGIN.right,
            y1: y(Math.max(axis.min, Math.min(0, axis.max))), y2: y(Math.max(axis.min, Math.min(0, axis.max))) }));
        nodes.push(svg("line", { class: "ag-graph-axis", x1: left, x2: left,
            y1: MARGIN.top, y2: MARGIN.top + plotH }));
        return svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", role: "img",
            "aria-label": this.title(), class: `ag-graph-${this.mode}` }, nodes);
    }

    drawBars(labels, series, { y, x, band, stacked }) {
        const nodes = [];
        const inner = band * 0.8;
        const barW = stacked ? inner : inner / series.length;
        const pos = labels.map(() => 0);
        const neg = labels.map(() => 0);
        series.forEach((s, si) => {
            s.values.forEach((value, i) => {
                let from = 0;
                let to = value;
                if (stacked) {
                    const base = value >= 0 ? pos : neg;
                    from = base[i];
                    to = base[i] + value;
                    base[i] = to;
                }
                const left = x(i) - inner / 2 + (stacked ? 0 : si * barW);
                const top = Math.min(y(from), y(to));
                const height = Math.abs(y(from) - y(to));
                const tip = series.length > 1
                    ? `${labels[i]} / ${s.label}: ${this.formatMeasure(value)}`
                    : `${labels[i]}: ${this.formatMeasure(value)}`;
                nodes.push(svg("rect", { class: "ag-graph-bar", x: round(left), y: round(top),
                    width: round(Math.max(barW - 1, 1)), height: round(height), fill: colorAt(si),
                    }, svg("title", {}, tip)));
            });
        });
        return nodes;
    }

    drawLines(labels, series, { y, x }) {
        const nodes = [];
        series.forEach((s, si) => {
            const points = s.values.map((v, i) => `${round(x(i))},${round(y(v))}`).join(" ");
            nodes.push(svg("polyline", { class: "ag-graph-line", points, fill: "none",
                stroke: colorAt(si), "stroke-width": 2 }));
            s.values.forEach((v, i) => {
                nodes.push(svg("circle", { class: "ag-graph-point", cx: round(x(i)), cy: round(y(v)), r: 4,
                    fill: colorAt(si) }, svg("title", {}, `${labels[i]}${series.length > 1 ? ` / ${s.label}` : ""}: ${this.formatMeasure(v)}`)));
            });
        });
        return nodes;
    }

    // -- pie ---------------------------------------------------------------------------------
    drawPie(labels, series) {
        // One value per label: the sum over the series.
        const values = labels.map((_l, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
        if (values.some((v) => v < 0)) {
            return h("div", { class: "ag-graph-empty" }, "Pie charts cannot show negative values");
        }
        const cx = WIDTH / 2;
        const cy = HEIGHT / 2;
        const r = HEIGHT / 2 - 20;
        const slices = pieSlices(values, cx, cy, r);
        if (!slices.length) {
            return h("div", { class: "ag-graph-empty" }, "No data");
        }
        const nodes = slices.map((slice) => {
            const tip = `${labels[slice.index]}: ${this.formatMeasure(slice.value)} (${(slice.fraction * 100).toFixed(1)}%)`;
            const attrs = { class: "ag-graph-slice", fill: colorAt(slice.index), stroke: "#fff", "stroke-width": 1 };
            return slice.circle
                ? svg("circle", { ...attrs, cx, cy, r }, svg("title", {}, tip))
                : svg("path", { ...attrs, d: slice.path }, svg("title", {}, tip));
        });
        return svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", role: "img",
            "aria-label": this.title(), class: "ag-graph-pie" }, nodes);
    }

    // -- controller API ----------------------------------------------------------------------
    async update(partial) {
        this.props = { ...this.props, ...partial };
        await this.load();
    }

    async canLeave() {
        return true;
    }

    destroy() {
        this.loadToken++;
        this.root.remove();
    }
}

function round(n) {
    return Math.round(n * 100) / 100;
}

/** Load this view's stylesheet once (the page only links css/web.css). */
const descriptor = {
    type: "graph",
    display: "Graph",
    icon: "◔",  // plain fonts (no emoji font on servers and CI) have it
    searchable: true,
    async mount(container, props) {
        const controller = new GraphController(container, props);
        await controller.load();
        return controller;
    },
};

registerView(descriptor);
export default descriptor;
