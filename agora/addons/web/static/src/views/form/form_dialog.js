// A record's form in a dialog (many2one "Create and edit..."): the comodel's default
// form view from get_views, a nested FormController, Save / Discard in the footer.
import { h } from "../../core/dom.js";
import { parseArch } from "../../core/xml.js";
import { FormController } from "./form_controller.js";

export async function openFormDialog({ env, resModel, resId = false, title, context = {}, onSaved }) {
    const dialog = env.dialog;
    let views;
    try {
        views = await env.orm.call(resModel, "get_views", [], { views: [[false, "form"]], context });
    } catch (error) {
        dialog.showError(error);
        return null;
    }
    const models = {};
    for (const [name, description] of Object.entries(views.models || {})) {
        models[name] = description.fields || description;
    }
    const body = h("div", { class: "ag-form-dialog" });
    let controller = null;
    const handle = dialog.openDialog({
        title: title || "Create",
        body,
        size: "large",
        buttons: [
            {
                label: "Save",
                primary: true,
                name: "save",
                onClick: async () => {
                    if (!controller) return true;
                    const ok = await controller.enqueue(() => controller.save());
                    if (!ok) return true; // keep the dialog (and the typed data) open
                    onSaved?.({ id: controller.record.resId, display_name: controller.record.values.display_name || "" });
                    return false;
                },
            },
            { label: "Discard", name: "discard" },
        ],
        onClose: () => controller?.destroy(),
    });
    try {
        controller = new FormController(body, {
            resModel,
            arch: parseArch(views.views.form.arch),
            fields: models[resModel] || {},
            models,
            context,
            resId,
            resIds: [],
            inDialog: true,
            controlPanel: {},
            env: {
                ...env,
                dialog,
                // The nested form is not the page's record: it never touches URL or title.
                updateUrl: () => {},
                setDisplayName: () => {},
                closeDialog: () => handle.close(),
            },
        });
        await controller.start();
    } catch (error) {
        handle.close();
        return null;
    }
    return handle;
}
