// Graph series, axis ticks and pie geometry, without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
    buildSeries, niceTicks, pieSlices, valueRange, measureSpec, COUNT,
} from "../../../agora/addons/web/static/src/views/graph/graph_model.js";

const fields = {
    state: { type: "selection", selection: [["draft", "Draft"], ["done", "Done"]] },
    partner_id: { type: "many2one" },
    amount: { type: "float" },
};

test("one group-by (lazy): labels and the count key <groupby>_count", () => {
    const groups = [{ state: "draft", state_count: 2, amount: 5 }, { state: "done", state_count: 1, amount: 7 }];
    const counted = buildSeries(groups, { groupBys: ["state"], measure: COUNT, fields, measureLabel: "Count" });
    assert.deepEqual(counted, { labels: ["Draft", "Done"], series: [{ label: "Count", values: [2, 1] }] });
    const summed = buildSeries(groups, { groupBys: ["state"], measure: "amount", fields, measureLabel: "Amount" });
    assert.deepEqual(summed.series[0].values, [5, 7]);
    assert.equal(measureSpec("amount", fields.amount), "amount:sum");
});

test("two group-bys (lazy=false): the second makes the series, missing pairs are 0", () => {
    const groups = [
        { partner_id: [1, "A"], state: "draft", __count: 2 },
        { partner_id: [1, "A"], state: "done", __count: 1 },
        { partner_id: false, state: "done", __count: 4 },
    ];
    const data = buildSeries(groups, { groupBys: ["partner_id", "state"], measure: COUNT, fields, measureLabel: "Count", lazy: false });
    assert.deepEqual(data.labels, ["A", "None"]);
    assert.deepEqual(data.series, [{ label: "Draft", values: [2, 0] }, { label: "Done", values: [1, 4] }]);
});

test("no group-by: one Total bar", () => {
    const data = buildSeries([{ __count: 9 }], { groupBys: [], measure: COUNT, fields, measureLabel: "Count" });
    assert.deepEqual(data, { labels: ["Total"], series: [{ label: "Count", values: [9] }] });
});

test("nice ticks are round and cover the range", () => {
    assert.deepEqual(niceTicks(0, 97).ticks, [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(niceTicks(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(-30, 45).ticks, [-40, -20, 0, 20, 40, 60]);
    assert.deepEqual(niceTicks(0, 0).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(7, 7).ticks, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(niceTicks(0, 13).ticks, [0, 2.5, 5, 7.5, 10, 12.5, 15]);
    assert.deepEqual(niceTicks(0, 0.3).ticks, [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    const big = niceTicks(0, 1234567);
    assert.equal(big.step, 250000);
    assert.ok(big.max >= 1234567);
});

test("stacked range sums positives and negatives apart", () => {
    const series = [{ values: [3, -1] }, { values: [4, -2] }];
    assert.deepEqual(valueRange(series, true), { min: -3, max: 7 });
    assert.deepEqual(valueRange(series, false), { min: -2, max: 4 });
});

test("pie slices: fractions, large-arc flag, full circle, zero values skipped", () => {
    const slices = pieSlices([3, 1, 0], 100, 100, 50);
    assert.equal(slices.length, 2);
    assert.equal(slices[0].fraction, 0.75);
    assert.match(slices[0].path, / 0 1 1 /); // 270° → large arc
    assert.match(slices[1].path, / 0 0 1 /);
    // starts at 12 o'clock: first point straight above the center
    assert.match(slices[0].path, /^M 100 100 L 100 50 A 50 50/);
    // the first slice ends at 9 o'clock (clockwise 270°)
    assert.match(slices[0].path, /1 1 50 100 Z$/);
    const full = pieSlices([0, 5], 10, 10, 5);
    assert.deepEqual(full.map((s) => [s.index, s.circle]), [[1, true]]);
    assert.deepEqual(pieSlices([0, 0], 10, 10, 5), []);
});
