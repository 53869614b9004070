// Small autocomplete used by the many2one and many2many tags widgets.
//
// `source(text) -> Promise<[{label, action, className}]>` gives the items; the input
// asks it debounced (~200ms) so typing does not fire one name_search per keystroke.
// Keyboard: ArrowUp/ArrowDown move, Enter picks, Escape closes. Items are picked on
// mousedown (with preventDefault) so the input does not lose focus before the pick.
import { h, replaceContent } from "../core/dom.js";

export const DEBOUNCE_MS = 200;

export function createAutocomplete({ input, source, onClose }) {
    const dropdown = h("ul", { class: "ag-m2o-dropdown", role: "listbox", hidden: true });
    let items = [];
    let active = -1;
    let timer = null;
    let requestNo = 0;

    const close = () => {
        dropdown.hidden = true;
        items = [];
        active = -1;
        clearTimeout(timer);
        requestNo++; // drop answers still in flight
    };

    const highlight = () => {
        [...dropdown.children].forEach((li, i) => li.classList.toggle("ag-active", i === active));
    };

    const pick = async (index) => {
        const item = items[index];
        if (!item) return;
        close();
        await item.action();
    };

    const show = (list) => {
        items = list;
        active = list.length ? 0 : -1;
        replaceContent(dropdown, list.map((item, i) => h("li", {
            class: `ag-m2o-item ${item.className || ""}`,
            role: "option",
            onmousedown: (ev) => {
                ev.preventDefault();
                pick(i);
            },
        }, item.label)));
        dropdown.hidden = list.length === 0;
        highlight();
    };

    const search = async () => {
        const no = ++requestNo;
        const list = await source(input.value);
        if (no === requestNo && document.activeElement === input) show(list);
    };

    input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener("focus", () => {
        // Like Odoo: focusing an empty input proposes the first records.
        if (!input.value) {
            clearTimeout(timer);
            timer = setTimeout(search, DEBOUNCE_MS);
        }
    });
    input.addEventListener("keydown", (ev) => {
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
            if (dropdown.hidden) {
                search();
            } else if (items.length) {
                active = (active + (ev.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
                highlight();
            }
            ev.preventDefault();
        } else if (ev.key === "Enter" && !dropdown.hidden && active >= 0) {
            ev.preventDefault();
            ev.stopPropagation();
            pick(active);
        } else if (ev.key === "Escape" && !dropdown.hidden) {
            ev.preventDefault();
            ev.stopPropagation();
            close();
            onClose?.("escape");
        }
    });
    input.addEventListener("blur", () => {
        close();
        onClose?.("blur");
    });
    return { dropdown, close, search };
}
