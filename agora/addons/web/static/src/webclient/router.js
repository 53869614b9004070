// The URL hash mirrors the screen: #action=12&view_type=form&id=5&menu_id=3, so a reload
// or a shared link reopens it and back/forward walk through what the user saw.

const KEYS = ["action", "model", "view_type", "id", "menu_id", "active_id"];

export function readHash() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    const state = {};
    for (const key of KEYS) {
        const value = params.get(key);
        if (value !== null && value !== "") {
            state[key] = /^\d+$/.test(value) ? Number(value) : value;
        }
    }
    return state;
}

export function hashOf(state) {
    const params = new URLSearchParams();
    for (const key of KEYS) {
        if (state[key] !== undefined && state[key] !== null && state[key] !== false) {
            params.set(key, String(state[key]));
        }
    }
    return `#${params.toString()}`;
}

let lastHash = null;

/** Record `state` in the URL: a new history entry unless `replace`. */
export function pushState(state, {replace = false} = {}) {
    const hash = hashOf(state);
    if (hash === window.location.hash || (hash === "#" && !window.location.hash)) {
        lastHash = window.location.hash;
        return;
    }
    lastHash = hash;
    const url = `${window.location.pathname}${window.location.search}${hash}`;
    if (replace) {
        window.history.replaceState(null, "", url);
    } else {
        window.history.pushState(null, "", url);
    }
}

/** Call `listener(state)` when the user moves in history (not for our own pushes). */
export function onNavigate(listener) {
    window.addEventListener("popstate", () => {
        if (window.location.hash === lastHash) {
            return;
        }
        lastHash = window.location.hash;
        listener(readHash());
    });
}
