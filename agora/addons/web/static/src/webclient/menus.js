// The menu tree the user may see (one RPC at start), and lookups in it.

import {orm} from "../core/orm.js";

export async function loadMenus() {
    const tree = await orm.call("ir.ui.menu", "load_menus", []);
    return {
        tree,
        roots: (tree.root?.children || []).map((id) => tree[id]).filter(Boolean),
        get(id) {
            return tree[id];
        },
        children(menu) {
            return (menu?.children || []).map((id) => tree[id]).filter(Boolean);
        },
        /** The app (root menu) a menu belongs to. */
        appOf(id) {
            let menu = tree[id];
            while (menu && menu.parent_id) {
                menu = tree[menu.parent_id];
            }
            return menu;
        },
        /** The first menu of `menu`'s subtree that opens an action. */
        firstAction(menu) {
            if (!menu) {
                return null;
            }
            if (menu.action) {
                return menu;
            }
            for (const child of this.children(menu)) {
                const found = this.firstAction(child);
                if (found) {
                    return found;
                }
            }
            return null;
        },
        /** The menu that opens `actionId` (to highlight it and find the app). */
        byAction(actionId) {
            return Object.values(tree).find((menu) => menu && typeof menu.action === "string"
                && menu.action.endsWith(`,${actionId}`));
        },
    };
}
