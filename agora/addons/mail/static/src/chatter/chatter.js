// The chatter of a form (`<chatter/>` in the arch): messages newest first, a composer
// to send a message or log a note, followers with Follow/Unfollow, and activities with
// "Mark done". Registered for the form renderer under the arch tag "chatter".
//
// Every (re)load is ONE RPC: `<model>.chatter_read([resId], {message_limit})` answers
// messages, tracking values, followers and activities together. The form calls
// `update` after each load of its record (first read, save, button, pager), so the
// chatter shows what a save or a button logged. Answers of an older load that arrive
// after a newer one started are dropped (`seq`).
//
// Files chosen in the composer are read in the browser (base64) and, on Post, created as
// `ir.attachment` of the record in ONE `create`, then given to `message_post`: posting
// with files is create + message_post + chatter_read.
import { h, replaceContent } from "/web/static/src/core/dom.js";
import { registerFormWidget } from "/web/static/src/core/registry.js";
import { session } from "/web/static/src/core/session.js";
import { formatFileSize, renderActivity, renderFollowers, renderMessage } from "./chatter_render.js";

const PAGE_SIZE = 30;
// the server refuses request bodies over 64 MB; base64 makes files a third larger
const MAX_UPLOAD_BYTES = 40 * 1024 * 1024;

/** A File's content as base64 (no `data:` prefix). */
export function readAsBase64(file) {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
        reader.onerror = () => reject(reader.error || new Error(`Could not read ${file.name}`));
        reader.readAsDataURL(file);
    });
}

export class Chatter {
    constructor(props) {
        this.props = props;
        this.limit = PAGE_SIZE;
        this.data = null;
        this.seq = 0;
        // null | {mode: "message" | "note", text, files: [{name, mimetype, size, datas}]}
        this.composer = null;
        this.reading = Promise.resolve(); // files being read; Post waits for them
        this.showFollowers = false;
        this.el = h("div", { class: "ag-chatter", dataset: { state: "loading" } });
        this.load();
    }

    get orm() {
        return this.props.env.orm;
    }

    update(props) {
        if (props.resId !== this.props.resId || props.model !== this.props.model) {
            this.limit = PAGE_SIZE;
            this.composer = null;
            this.showFollowers = false;
            this.data = null;
        }
        this.props = props;
        return this.load();
    }

    async load() {
        const seq = ++this.seq;
        const { model, resId } = this.props;
        if (this.props.inDialog) {
            // a form in a dialog ("Create and edit", a wizard) has no chatter, as in Odoo
            this.el.hidden = true;
            this.el.dataset.state = "dialog";
            return;
        }
        if (!resId) {
            this.data = null;
            this.render();
            return;
        }
        this.el.dataset.state = "loading";
        let data;
        try {
            data = await this.orm.call(model, "chatter_read", [[resId]], { message_limit: this.limit });
        } catch (error) {
            if (seq === this.seq) {
                this.el.dataset.state = "error";
                this.props.env.dialog?.showError(error);
            }
            return;
        }
        if (seq !== this.seq) return; // a newer load is under way
        const start = performance.now();
        this.data = data;
        this.render();
        window.dispatchEvent(new CustomEvent("agora:rendered",
            { detail: { view: "chatter", records: data.messages.length, ms: performance.now() - start } }));
    }

    /** Run an RPC that changes the thread, then reload; errors go to the error dialog. */
    async act(work) {
        try {
            await work();
        } catch (error) {
            this.props.env.dialog?.showError(error);
            return false;
        }
        await this.load();
        return true;
    }

    // -- actions --------------------------------------------------------------------------
    openComposer(mode) {
        const text = this.composer?.text || "";
        const files = this.composer?.files || [];
        this.composer = this.composer?.mode === mode ? null : { mode, text, files };
        this.render();
        this.el.querySelector(".ag-chatter-input")?.focus();
    }

    /** Read the chosen files into the composer (they are uploaded only on Post). */
    addFiles(fileList) {
        const composer = this.composer;
        const chosen = [...fileList];
        this.reading = this.reading.then(async () => {
            let total = composer.files.reduce((sum, f) => sum + f.size, 0);
            for (const file of chosen) {
                if (total + file.size > MAX_UPLOAD_BYTES) {
                    this.props.env.dialog?.notify(
                        `${file.name} is too large: at most ${formatFileSize(MAX_UPLOAD_BYTES)} of files per message.`,
                        { type: "warning" });
                    continue;
                }
                try {
                    const datas = await readAsBase64(file);
                    composer.files.push({ name: file.name, mimetype: file.type, size: file.size, datas });
                    total += file.size;
                } catch (error) {
                    this.props.env.dialog?.showError(error);
                }
            }
            if (this.composer === composer) this.render();
        });
        return this.reading;
    }

    removeFile(index) {
        this.composer.files.splice(index, 1);
        this.render();
    }

    async post() {
        await this.reading;
        const { mode, text, files = [] } = this.composer || {};
        if ((!text || !text.trim()) && !files.length) {
            this.props.env.dialog?.notify("Write something first.", { type: "warning" });
            return;
        }
        const { model, resId } = this.props;
        const done = await this.act(async () => {
            const attachmentIds = files.length ? await this.orm.create("ir.attachment", files.map((f) => ({
                name: f.name, datas: f.datas, res_model: model, res_id: resId,
                ...(f.mimetype ? { mimetype: f.mimetype } : {}),
            }))) : [];
            return this.orm.call(model, "message_post", [[resId]], {
                body: text || "", message_type: "comment", attachment_ids: attachmentIds,
                subtype_xmlid: mode === "note" ? "mail.mt_note" : "mail.mt_comment",
            });
        });
        if (done) {
            this.composer = null;
            this.render();
        }
    }

    toggleFollow() {
        const { model, resId } = this.props;
        const method = this.data.is_follower ? "message_unsubscribe" : "message_subscribe";
        return this.act(() => this.orm.call(model, method, [[resId]], { partner_ids: [session.partner_id] }));
    }

    markDone(activity) {
        return this.act(() => this.orm.call("mail.activity", "action_feedback", [[activity.id]], {}));
    }

    loadOlder() {
        this.limit += PAGE_SIZE;
        return this.load();
    }

    // -- rendering --------------------------------------------------------------------------
    render() {
        this.el.dataset.resId = String(this.props.resId || "");
        if (!this.props.resId) {
            this.el.dataset.state = "new";
            replaceContent(this.el, h("p", { class: "ag-chatter-new" }, "Creating a new record..."));
            return;
        }
        if (!this.data) return;
        this.el.dataset.state = "ready";
        const data = this.data;
        replaceContent(this.el,
            this.renderTopbar(data),
            this.showFollowers ? renderFollowers(data.followers) : null,
            this.composer ? this.renderComposer() : null,
            data.activities?.length ? this.renderActivities(data.activities) : null,
            h("div", { class: "ag-chatter-messages" },
                data.messages.length ? data.messages.map(renderMessage)
                    : h("p", { class: "ag-chatter-empty" }, "No messages yet.")),
            data.message_count > data.messages.length
                ? h("button", { type: "button", class: "ag-btn ag-chatter-older", onclick: () => this.loadOlder() },
                    `Load older messages (${data.message_count - data.messages.length})`)
                : null);
    }

    renderTopbar(data) {
        const active = (mode) => this.composer?.mode === mode;
        return h("div", { class: "ag-chatter-topbar" },
            h("button", { type: "button", class: { "ag-btn": true, "ag-btn-primary": true, "ag-chatter-send": true, "ag-active": active("message") },
                onclick: () => this.openComposer("message") }, "Send message"),
            h("button", { type: "button", class: { "ag-btn": true, "ag-chatter-log": true, "ag-active": active("note") },
                onclick: () => this.openComposer("note") }, "Log note"),
            h("span", { class: "ag-chatter-spacer" }),
            h("button", { type: "button", class: "ag-btn ag-chatter-followers", title: "Show the followers",
                onclick: () => { this.showFollowers = !this.showFollowers; this.render(); } },
            h("span", { class: "ag-chatter-follower-count" }, String(data.followers.length)),
            data.followers.length === 1 ? " follower" : " followers"),
            h("button", { type: "button", class: { "ag-btn": true, "ag-chatter-follow": true, "ag-following": data.is_follower },
                onclick: () => this.toggleFollow() }, data.is_follower ? "Unfollow" : "Follow"));
    }

    renderComposer() {
        const note = this.composer.mode === "note";
        const input = h("textarea", {
            class: "ag-chatter-input", rows: "3",
            placeholder: note ? "Log an internal note..." : "Send a message to followers...",
            oninput: (event) => { this.composer.text = event.target.value; },
            onkeydown: (event) => {
                if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) this.post();
            },
        });
        input.value = this.composer.text;
        const fileInput = h("input", {
            type: "file", multiple: true, class: "ag-chatter-file-input", hidden: true,
            onchange: (event) => {
                const files = event.target.files;
                if (files?.length) this.addFiles(files);
                event.target.value = ""; // choosing the same file again fires change again
            },
        });
        const files = this.composer.files;
        return h("div", { class: { "ag-chatter-composer": true, "ag-chatter-composer-note": note } },
            input,
            files.length ? h("ul", { class: "ag-chatter-composer-files" }, files.map((file, index) =>
                h("li", { class: "ag-chatter-composer-file", dataset: { name: file.name } },
                    h("span", { class: "ag-chatter-attachment-name" }, file.name),
                    h("span", { class: "ag-chatter-attachment-size" }, formatFileSize(file.size)),
                    h("button", { type: "button", class: "ag-btn ag-chatter-composer-file-remove",
                        title: `Remove ${file.name}`, "aria-label": `Remove ${file.name}`,
                        onclick: () => this.removeFile(index) }, "×")))) : null,
            h("div", { class: "ag-chatter-composer-buttons" },
                h("button", { type: "button", class: "ag-btn ag-btn-primary ag-chatter-post", onclick: () => this.post() },
                    "Post"),
                fileInput,
                h("button", { type: "button", class: "ag-btn ag-chatter-attach", title: "Attach files",
                    onclick: () => fileInput.click() }, "Attach"),
                h("button", { type: "button", class: "ag-btn ag-chatter-cancel",
                    onclick: () => { this.composer = null; this.render(); } }, "Cancel")));
    }

    renderActivities(activities) {
        return h("div", { class: "ag-chatter-activities" },
            h("div", { class: "ag-chatter-section-title" }, `Planned activities (${activities.length})`),
            activities.map((activity) => renderActivity(activity, (a) => this.markDone(a))));
    }
}

registerFormWidget("chatter", {
    mount(props) {
        return new Chatter(props);
    },
});
