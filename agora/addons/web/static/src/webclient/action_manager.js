// Runs actions: a window action opens its views (list/kanban/... then forms on top, as
// breadcrumbs), other actions reload, open URLs or close dialogs. Keeps the URL in step.

import {h, replaceContent} from "../core/dom.js";
import {dialog, openDialog, showError} from "../core/dialog.js";
import {orm} from "../core/orm.js";
import {rpc} from "../core/rpc.js";
import {getView} from "../core/registry.js";
import {parseContext, parseDomain} from "../core/pyeval.js";
import {session} from "../core/session.js";
import {parseArch} from "../core/xml.js";
import {buildControlPanel} from "./control_panel.js";
import {showHomeScreen} from "./home.js";
import {pushState} from "./router.js";

const MULTI_RECORD = new Set(["list", "kanban", "pivot", "graph", "calendar"]);

let searchModule = null;
async function loadSearch() {
    if (searchModule === null) {
        searchModule = await import("../search/search_view.js").catch((error) => {
            console.error("search view failed to load", error);
            return false;
        });
    }
    return searchModule;
}

function many2oneId(value) {
    return Array.isArray(value) ? value[0] : value && typeof value === "object" ? value.id : value;
}

function evalScope(extra = {}) {
    return {uid: session.uid, context: session.userContext, ...extra};
}

/** The [[view_id, type]] pairs of a window action, plus its search view. */
function requestedViews(action) {
    if (Array.isArray(action.views) && action.views.length) {
        return action.views.map(([id, type]) => [id || false, type === "tree" ? "list" : type]);
    }
    const modes = String(action.view_mode || "list,form").split(",").map((mode) => mode.trim())
        .map((mode) => (mode === "tree" ? "list" : mode));
    const viewId = many2oneId(action.view_id) || false;
    return modes.map((mode, index) => [index === 0 ? viewId : false, mode]);
}

const viewCache = new Map();

async function loadViews(model, views, searchViewId) {
    const request = [...views, [searchViewId || false, "search"]];
    const key = JSON.stringify([model, request]);
    if (!viewCache.has(key)) {
        viewCache.set(key, orm.call(model, "get_views", [], {views: request, options: {}})
            .catch((error) => {
                viewCache.delete(key);
                throw error;
            }));
    }
    const answer = await viewCache.get(key);
    const archs = {};
    for (const [type, view] of Object.entries(answer.views)) {
        archs[type === "tree" ? "list" : type] = {...view, archElement: parseArch(view.arch)};
    }
    const models = {};
    for (const [name, description] of Object.entries(answer.models || {})) {
        models[name] = description.fields || description;
    }
    return {archs, models};
}

export class ActionManager {
    constructor(element, menus) {
        this.element = element;
        this.menus = menus;
        this.stack = [];        // breadcrumbs: {action, views, viewType, resId, resIds, title, query}
        this.controller = null;  // the mounted view's controller
        this.navbar = null;
        this.menuId = null;
        this.dialogs = [];
    }

    isDirty() {
        return Boolean(this.controller?.isDirty?.());
    }

    async canLeave() {
        return this.controller ? this.controller.canLeave() : true;
    }

    // -- entry points ---------------------------------------------------------------------
    async showHome() {
        if (!(await this.canLeave())) {
            return;
        }
        this.unmount();
        this.stack = [];
        this.menuId = null;
        this.navbar?.setApp(null);
        showHomeScreen(this.element, this.menus, (menuId) => this.openMenu(menuId));
        pushState({});
    }

    async openMenu(menuId) {
        const menu = this.menus.get(menuId);
        const target = this.menus.firstAction(menu);
        if (!target) {
            return;
        }
        if (!(await this.canLeave())) {
            return;
        }
        this.menuId = target.id;
        this.navbar?.setApp(this.menus.appOf(target.id), target.id);
        await this.doAction(target.action, {clearBreadcrumbs: true, skipLeaveCheck: true});
    }

    /** Reopen what `state` (the URL) describes. */
    async restore(state) {
        if (this.stack.length && state.action) {
            const index = this.stack.findIndex((entry) => entry.action.id === state.action
                && entry.viewType === (state.view_type || entry.viewType)
                && (state.view_type !== "form" || (entry.resId || false) === (state.id || false)));
            if (index >= 0) {
                await this.goTo(index);
                return;
            }
        }
        if (state.menu_id && this.menus.get(state.menu_id)) {
            this.menuId = state.menu_id;
            this.navbar?.setApp(this.menus.appOf(state.menu_id), state.menu_id);
        }
        if (state.action) {
            if (!this.menuId) {
                const menu = this.menus.byAction(state.action);
                if (menu) {
                    this.menuId = menu.id;
                    this.navbar?.setApp(this.menus.appOf(menu.id), menu.id);
                }
            }
            await this.doAction(state.action, {clearBreadcrumbs: true, viewType: state.view_type,
                resId: state.id, skipLeaveCheck: true, replaceUrl: true});
        } else if (state.model) {
            await this.doAction({type: "ir.actions.act_window", res_model: state.model,
                name: state.model, views: [[false, state.view_type || "list"], [false, "form"]],
                res_id: state.id || false}, {clearBreadcrumbs: true, viewType: state.view_type,
                resId: state.id, skipLeaveCheck: true, replaceUrl: true});
        } else if (state.menu_id) {
            await this.openMenu(state.menu_id);
        } else {
            await this.showHome();
        }
    }

    async openPreferences() {
        await this.doAction({type: "ir.actions.act_window", name: "Preferences",
            res_model: "res.users", res_id: session.uid, views: [[false, "form"]],
            target: "new"});
    }

    // -- actions --------------------------------------------------------------------------
    async loadAction(actionRef) {
        if (actionRef && typeof actionRef === "object") {
            return actionRef;
        }
        return rpc("/web/action/load", {action_id: actionRef});
    }

    /**
     * options: clearBreadcrumbs, viewType, resId, additionalContext (merged into the
     * action's context, e.g. active_id for a button's action), onClose (called when a
     * dialog action closes).
     */
    async doAction(actionRef, options = {}) {
        let action = await this.loadAction(actionRef);
        if (options.additionalContext && Object.keys(options.additionalContext).length) {
            const context = {...parseContext(action.context, evalScope()), ...options.additionalContext};
            action = {...action, context};
        }
        switch (action.type) {
            case "ir.actions.act_window":
                return action.target === "new" ? this.openDialogAction(action, options)
                    : this.openWindowAction(action, options);
            case "ir.actions.act_window_close":
                if (this.dialogs.length) {
                    this.closeDialog();  // its onClose reloads what opened it
                    return undefined;
                }
                return this.reload();
            case "ir.actions.act_url":
                if (action.target === "self") {
                    window.location.assign(action.url);
                } else {
                    window.open(action.url, "_blank", "noopener");
                }
                return undefined;
            case "ir.actions.client":
                if (action.tag === "reload" || action.tag === "soft_reload") {
                    return this.reload();
                }
                dialog.notify(`This client action (${action.tag}) is not available.`, {type: "warning"});
                return undefined;
            default:
                throw new Error(`Unknown action type ${action.type}`);
        }
    }

    async openWindowAction(action, options) {
        if (!options.skipLeaveCheck && !(await this.canLeave())) {
            return;
        }
        const views = requestedViews(action);
        const loaded = await loadViews(action.res_model, views, many2oneId(action.search_view_id));
        const types = views.map(([, type]) => type).filter((type) => loaded.archs[type]);
        const firstMulti = types.find((type) => MULTI_RECORD.has(type));
        const wanted = options.viewType && types.includes(options.viewType) ? options.viewType : null;
        const resId = options.resId || action.res_id || false;
        if (options.clearBreadcrumbs) {
            this.stack = [];
        }
        const base = {action, loaded, types, query: null};
        if (firstMulti && !(wanted === "form" && !options.clearBreadcrumbs && this.stack.length)) {
            this.stack.push({...base, viewType: wanted && MULTI_RECORD.has(wanted) ? wanted : firstMulti,
                title: action.name || action.res_model});
        }
        if ((wanted === "form" || !firstMulti || (resId && !wanted)) && types.includes("form")) {
            this.stack.push({...base, viewType: "form", resId, resIds: resId ? [resId] : [],
                title: resId ? "…" : "New"});
        }
        if (!this.stack.length) {
            throw new Error(`The action ${action.name} has no view to show.`);
        }
        await this.mountTop({replaceUrl: options.replaceUrl});
    }

    async openDialogAction(action, {onClose} = {}) {
        const views = requestedViews(action);
        const loaded = await loadViews(action.res_model, views, false);
        const type = loaded.archs.form ? "form" : views[0][1];
        const descriptor = getView(type);
        const body = h("div", {class: "ag-dialog-view"});
        const buttons = h("div", {class: "ag-dialog-view-buttons"});
        const handle = openDialog({title: action.name || "", body: [body, buttons], size: "large",
            buttons: [{label: "Close"}], onClose: () => {
                controller?.destroy?.();
                this.dialogs = this.dialogs.filter((entry) => entry !== handle);
                onClose?.();
            }});
        this.dialogs.push(handle);
        const context = parseContext(action.context, evalScope());
        const controller = await descriptor.mount(body, {
            resModel: action.res_model, arch: loaded.archs[type].archElement,
            fields: loaded.models[action.res_model] || {}, models: loaded.models,
            domain: parseDomain(action.domain, evalScope()), context, groupBy: [], limit: 80,
            resId: action.res_id || false, resIds: action.res_id ? [action.res_id] : [],
            controlPanel: {buttons, pager: h("div")},
            inDialog: true,
            env: this.viewEnv({
                // the dialog's form is not the screen's: it names no breadcrumb, no URL
                setDisplayName: () => {},
                updateUrl: () => {},
                doAction: async (next, options = {}) => {
                    const resolved = await this.loadAction(next);
                    if (resolved.type === "ir.actions.act_window" && resolved.target !== "new") {
                        // the wizard is done: what it opens replaces the screen behind it
                        this.closeDialog();
                        return this.doAction(resolved, {...options, onClose: undefined});
                    }
                    return this.doAction(resolved, options);
                },
            }),
        });
        return controller;
    }

    closeDialog() {
        const handle = this.dialogs.pop();
        handle?.close();
    }

    async reload() {
        if (this.controller?.update) {
            await this.controller.update({});
        }
    }

    // -- breadcrumbs and mounting ------------------------------------------------------------
    async goTo(index) {
        if (index === this.stack.length - 1) {
            return;
        }
        if (!(await this.canLeave())) {
            return;
        }
        this.stack = this.stack.slice(0, index + 1);
        await this.mountTop({});
    }

    async switchView(type) {
        const top = this.stack[this.stack.length - 1];
        if (top.viewType === type || !(await this.canLeave())) {
            return;
        }
        if (type === "form") {
            this.stack.push({...top, viewType: "form", resId: false, resIds: [], title: "New"});
        } else {
            top.viewType = type;
        }
        await this.mountTop({});
    }

    unmount() {
        this.controller?.destroy?.();
        this.controller = null;
        this.searchController?.destroy?.();
        this.searchController = null;
    }

    urlState(entry) {
        return {
            action: entry.action.id || undefined,
            model: entry.action.id ? undefined : entry.action.res_model,
            view_type: entry.viewType,
            id: entry.viewType === "form" ? entry.resId || undefined : undefined,
            menu_id: this.menuId || undefined,
        };
    }

    viewEnv(extra = {}) {
        const manager = this;
        return {
            orm, session, dialog,
            doAction: (action, options) => manager.doAction(action, options),
            openRecord: ({resId, resIds}) => manager.openRecord(resId, resIds),
            createRecord: () => manager.openRecord(false, []),
            setDisplayName: (name) => manager.setDisplayName(name),
            updateUrl: ({id}) => manager.updateRecordUrl(id),
            reload: () => manager.reload(),
            closeDialog: () => manager.closeDialog(),
            ...extra,
        };
    }

    async openRecord(resId, resIds = []) {
        const top = this.stack[this.stack.length - 1];
        if (!(await this.canLeave())) {
            return;
        }
        const title = resId ? "…" : "New";
        if (top && top.viewType === "form") {
            Object.assign(top, {resId, resIds, title});
        } else {
            this.stack.push({...top, viewType: "form", resId, resIds, title});
        }
        await this.mountTop({});
    }

    setDisplayName(name) {
        const top = this.stack[this.stack.length - 1];
        if (top) {
            top.title = name || (top.resId ? "…" : "New");
            const current = this.element.querySelector(".ag-breadcrumb-current");
            if (current) {
                current.textContent = top.title;
            }
        }
    }

    updateRecordUrl(id) {
        const top = this.stack[this.stack.length - 1];
        if (top && top.viewType === "form") {
            const isNew = !top.resId;
            top.resId = id;
            if (id && !top.resIds.includes(id)) {
                top.resIds = [...top.resIds, id];
            }
            pushState(this.urlState(top), {replace: isNew});
        }
    }

    async mountTop({replaceUrl = false} = {}) {
        const entry = this.stack[this.stack.length - 1];
        this.unmount();
        const descriptor = getView(entry.viewType);
        const arch = entry.loaded.archs[entry.viewType];
        const multiTypes = entry.types.filter((type) => MULTI_RECORD.has(type));
        const archElement = arch.archElement;
        const canCreate = archElement.getAttribute("create") !== "0"
            && archElement.getAttribute("create") !== "false";
        const panel = buildControlPanel({
            breadcrumbs: this.stack.map((item) => item.title),
            onBreadcrumb: (index) => this.goTo(index),
            showNew: canCreate && entry.types.includes("form") && entry.viewType !== "form",
            onNew: () => this.openRecord(false, []),
            viewTypes: entry.viewType === "form" ? [] : multiTypes,
            currentType: entry.viewType,
            onSwitchView: (type) => this.switchView(type),
        });
        const viewElement = h("div", {class: `ag-view ag-view-${entry.viewType}`});
        const actionElement = h("div", {class: "ag-action", dataset: {model: entry.action.res_model}},
            panel.element, viewElement);
        replaceContent(this.element, actionElement);
        pushState(this.urlState(entry), {replace: replaceUrl});
        document.title = `${entry.title} · Agora`;
        if (!descriptor) {
            replaceContent(viewElement, h("p", {class: "ag-empty"},
                `The ${entry.viewType} view is not available.`));
            return;
        }
        const actionContext = parseContext(entry.action.context, evalScope({active_id: false}));
        const actionDomain = parseDomain(entry.action.domain, evalScope());
        let query = entry.query || {domain: [], context: {}, groupBy: []};
        const searchProps = (newQuery) => ({
            domain: [...actionDomain, ...(newQuery.domain || [])],
            context: {...actionContext, ...(newQuery.context || {})},
            groupBy: newQuery.groupBy || [],
        });
        // the search may change while the view still loads its first page: the view is
        // told once it is mounted (see below), so no click is lost
        let mounted = null;
        if (descriptor.searchable !== false && MULTI_RECORD.has(entry.viewType)) {
            const search = await loadSearch();
            if (search && entry.loaded.archs.search) {
                this.searchController = search.mountSearch(panel.slots.search, {
                    resModel: entry.action.res_model,
                    arch: entry.loaded.archs.search.archElement,
                    fields: entry.loaded.models[entry.action.res_model] || {},
                    context: entry.query ? {} : actionContext,
                    initialQuery: entry.query,
                    env: this.viewEnv(),
                    onSearch: (newQuery) => {
                        entry.query = newQuery;
                        mounted?.update(searchProps(newQuery));
                    },
                });
                query = entry.query || this.searchController.getQuery();
                entry.query = query;
            }
        }
        try {
            this.controller = await descriptor.mount(viewElement, {
                resModel: entry.action.res_model,
                arch: archElement,
                fields: entry.loaded.models[entry.action.res_model] || {},
                models: entry.loaded.models,
                ...searchProps(query),
                limit: entry.action.limit || 80,
                resId: entry.resId || false,
                resIds: entry.resIds || [],
                help: entry.action.help || "",
                controlPanel: {buttons: panel.slots.buttons, pager: panel.slots.pager},
                env: this.viewEnv(),
            });
            mounted = this.controller;
            if (entry.query && entry.query !== query && this.stack[this.stack.length - 1] === entry) {
                await this.controller.update(searchProps(entry.query));
            }
        } catch (error) {
            replaceContent(viewElement, h("p", {class: "ag-empty ag-error"}, error.message || String(error)));
            showError(error);
        }
    }
}
