/**
 * Graph logic without DOM: read_group rows → labelled series, "nice" axis ticks and
 * pie slice geometry. graph_view.js only draws what these return.
 */

import { COUNT, measureChoices, measureSpec, valueKey, valueLabel } from "../group_values.js";

export { COUNT, measureChoices, measureSpec };

/**
 * {labels: [label], series: [{label, values: [number]}]} from read_group rows.
 * groupBys: 0, 1 or 2 specs; with 2 the rows come from lazy=false and the second
 * group-by makes the series. `lazy` says which count key the rows carry.
 */
export function buildSeries(groups, { groupBys, measure, fields, measureLabel, lazy = true }) {
    const countKey = lazy && groupBys.length ? `${groupBys[0].split(":")[0]}_count` : "__count";
    const valueOf = (group) => {
        const value = measure === COUNT ? (group[countKey] ?? group.__count) : group[measure];
        return typeof value === "number" ? value : 0;
    };
    const fieldOf = (spec) => fields[spec.split(":")[0]];
    if (!groupBys.length) {
        return { labels: ["Total"], series: [{ label: measureLabel, values: groups.map(valueOf).slice(0, 1) }] };
    }
    const [first, second] = groupBys;
    const labelIndex = new Map();
    const labels = [];
    for (const group of groups) {
        const key = valueKey(group[first]);
        if (!labelIndex.has(key)) {
            labelIndex.set(key, labels.length);
            labels.push(valueLabel(group[first], fieldOf(first)));
        }
    }
    if (!second) {
        const values = labels.map(() => 0);
        for (const group of groups) {
            values[labelIndex.get(valueKey(group[first]))] += valueOf(group);
        }
        return { labels, series: [{ label: measureLabel, values }] };
    }
    const seriesIndex = new Map();
    const series = [];
    for (const group of groups) {
        const key = valueKey(group[second]);
        if (!seriesIndex.has(key)) {
            seriesIndex.set(key, series.length);
            series.push({ label: valueLabel(group[second], fieldOf(second)), values: labels.map(() => 0) });
        }
        series[seriesIndex.get(key)].values[labelIndex.get(valueKey(group[first]))] += valueOf(group);
    }
    return { labels, series };
}

/** The 1, 2, 2.5 or 5 times a power of ten nearest to a step (so ~count intervals). */
function niceStep(rough) {
    const power = 10 ** Math.floor(Math.log10(rough));
    const fraction = rough / power;
    const nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7 ? 5 : 10;
    return nice * power;
}

/**
 * Axis ticks covering [min, max] with about `count` intervals on round values.
 * Always includes 0 when the range crosses or touches it. → {min, max, step, ticks}
 */
export function niceTicks(min, max, count = 5) {
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
        return { min: 0, max: 1, step: 1, ticks: [0, 1] };
    }
    if (min > max) {
        [min, max] = [max, min];
    }
    if (min === max) {
        // A flat range still needs an axis: open it towards zero (or to 1 around zero).
        if (min === 0) {
            max = 1;
        } else if (min > 0) {
            min = 0;
        } else {
            max = 0;
        }
    }
    const step = niceStep((max - min) / count);
    const lo = Math.floor(min / step) * step;
    const hi = Math.ceil(max / step) * step;
    const ticks = [];
    // Integer counting avoids float drift (0.1 + 0.2...) in the tick values.
    const n = Math.round((hi - lo) / step);
    for (let i = 0; i <= n; i++) {
        ticks.push(Number((lo + i * step).toPrecision(12)));
    }
    return { min: ticks[0], max: ticks[ticks.length - 1], step, ticks };
}

/**
 * Pie slices of the positive values: each {index, value, fraction, start, end}
 * plus either `path` (an SVG arc path) or `circle: true` for a single full slice.
 * Angles start at 12 o'clock and go clockwise.
 */
export function pieSlices(values, cx, cy, r) {
    const entries = values.map((value, index) => ({ value, index })).filter((e) => e.value > 0);
    const total = entries.reduce((sum, e) => sum + e.value, 0);
    if (!total) {
        return [];
    }
    let angle = 0;
    return entries.map(({ value, index }) => {
        const fraction = value / total;
        const start = angle;
        const end = angle + fraction * 2 * Math.PI;
        angle = end;
        if (fraction >= 1 - 1e-9) {
            return { index, value, fraction: 1, start, end, circle: true };
        }
        const [x0, y0] = polar(cx, cy, r, start);
        const [x1, y1] = polar(cx, cy, r, end);
        const largeArc = end - start > Math.PI ? 1 : 0;
        const path = `M ${fmt(cx)} ${fmt(cy)} L ${fmt(x0)} ${fmt(y0)} `
            + `A ${fmt(r)} ${fmt(r)} 0 ${largeArc} 1 ${fmt(x1)} ${fmt(y1)} Z`;
        return { index, value, fraction, start, end, path, circle: false };
    });
}

function polar(cx, cy, r, angle) {
    return [cx + r * Math.sin(angle), cy - r * Math.cos(angle)];
}

function fmt(n) {
    return String(Math.round(n * 100) / 100);
}

/** Stacked totals per label (positives and negatives separately) for the y range. */
export function valueRange(series, stacked) {
    let min = 0;
    let max = 0;
    if (stacked) {
        const count = series[0]?.values.length || 0;
        for (let i = 0; i < count; i++) {
            let pos = 0;
            let neg = 0;
            for (const s of series) {
                const v = s.values[i];
                if (v >= 0) {
                    pos += v;
                } else {
                    neg += v;
                }
            }
            max = Math.max(max, pos);
            min = Math.min(min, neg);
        }
    } else {
        for (const s of series) {
            for (const v of s.values) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
    }
    return { min, max };
}

export const PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf",
];

export function colorAt(index) {
    return PALETTE[index % PALETTE.length];
}
