// The chatter's pieces as DOM, from the answer of `chatter_read` (no RPC, no state):
// messages with their tracking lines, followers, activities.
import { h } from "/web/static/src/core/dom.js";
import { formatValue } from "/web/static/src/core/format.js";

/** An element whose content is HTML the server sanitised (message bodies, notes). */
export function serverHtml(tag, attrs, html) {
    const el = h(tag, attrs);
    el.innerHTML = html || "";
    return el;
}

/** The old or new value of a tracking line as text, read from the column its type uses. */
export function trackedValue(tracking, side) {
    const type = tracking.field_type;
    const value = (column) => tracking[`${side}_value_${column}`];
    switch (type) {
        case "boolean": return formatValue(Boolean(value("integer")), { type: "boolean" });
        case "integer": return formatValue(value("integer"), { type: "integer" });
        case "float":
        case "monetary": return formatValue(value("float"), { type: "float" });
        case "date": return value("datetime") ? formatValue(String(value("datetime")).slice(0, 10), { type: "date" }) : "";
        case "datetime": return formatValue(value("datetime"), { type: "datetime" });
        case "text":
        case "html": return value("text") || "";
        default: return value("char") || ""; // char, selection (label), many2one (name)
    }
}

function renderTracking(tracking) {
    const show = (text) => (text === "" ? "—" : text);
    return h("li", { class: "ag-chatter-tracking", dataset: { field: tracking.field_name || "" } },
        h("span", { class: "ag-chatter-tracking-field" }, `${tracking.field_desc}:`), " ",
        h("span", { class: "ag-chatter-tracking-old" }, show(trackedValue(tracking, "old"))),
        h("span", { class: "ag-chatter-tracking-arrow" }, " → "),
        h("span", { class: "ag-chatter-tracking-new" }, show(trackedValue(tracking, "new"))));
}

/** "512 B", "2.4 KB", "3.1 MB" (what the chatter shows next to a file's name). */
export function formatFileSize(bytes) {
    if (!Number.isFinite(bytes) || bytes < 0) return "";
    if (bytes < 1024) return `${bytes} B`;
    const units = ["KB", "MB", "GB"];
    let size = bytes / 1024;
    let unit = 0;
    while (size >= 1024 && unit < units.length - 1) {
        size /= 1024;
        unit += 1;
    }
    return `${size < 10 ? size.toFixed(1) : Math.round(size)} ${units[unit]}`;
}

/** A message's files as download links (`/web/content/<id>`, checked by the server). */
export function renderAttachments(attachments) {
    return h("ul", { class: "ag-chatter-attachments" }, attachments.map((attachment) =>
        h("li", { class: "ag-chatter-attachment", dataset: { id: String(attachment.id) } },
            h("a", { class: "ag-chatter-attachment-link", href: `/web/content/${encodeURIComponent(attachment.id)}?download=true`,
                download: attachment.name || "", title: attachment.mimetype || "" }, attachment.name || `File ${attachment.id}`),
            attachment.file_size ? h("span", { class: "ag-chatter-attachment-size" }, formatFileSize(attachment.file_size)) : null)));
}

export function renderMessage(message) {
    const author = message.author_id ? message.author_id.display_name : message.email_from || "";
    const isNote = message.is_internal && message.message_type === "comment";
    const trackings = message.tracking_value_ids || [];
    const attachments = message.attachment_ids || [];
    return h("div", {
        class: { "ag-chatter-message": true, "ag-chatter-note": isNote, [`ag-chatter-${message.message_type}`]: true },
        dataset: { id: String(message.id) },
    },
    h("div", { class: "ag-chatter-avatar", "aria-hidden": "true" }, (author || "?").trim().charAt(0).toUpperCase()),
    h("div", { class: "ag-chatter-message-main" },
        h("div", { class: "ag-chatter-message-head" },
            h("span", { class: "ag-chatter-author" }, author || "Unknown"),
            h("span", { class: "ag-chatter-date", title: message.date || "" }, formatValue(message.date, { type: "datetime" })),
            isNote ? h("span", { class: "ag-chatter-badge" }, "Note") : null,
            message.subject ? h("span", { class: "ag-chatter-subject" }, message.subject) : null),
        message.body ? serverHtml("div", { class: "ag-chatter-body" }, message.body) : null,
        trackings.length ? h("ul", { class: "ag-chatter-trackings" }, trackings.map(renderTracking)) : null,
        attachments.length ? renderAttachments(attachments) : null));
}

/** "Today", "Tomorrow", "Due in 3 days", "2 days overdue" for an ISO date. */
export function deadlineText(isoDate, today = new Date()) {
    if (!isoDate) return "";
    const [y, m, d] = isoDate.split("-").map(Number);
    const start = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
    const days = Math.round((Date.UTC(y, m - 1, d) - start) / 86400000);
    if (days === 0) return "Today";
    if (days === 1) return "Tomorrow";
    if (days === -1) return "Yesterday";
    return days > 1 ? `Due in ${days} days` : `${-days} days overdue`;
}

export function renderActivity(activity, onDone) {
    const type = activity.activity_type_id ? activity.activity_type_id.display_name : "Activity";
    return h("div", { class: `ag-chatter-activity ag-chatter-activity-${activity.state || "planned"}`, dataset: { id: String(activity.id) } },
        h("div", { class: "ag-chatter-activity-main" },
            h("span", { class: "ag-chatter-activity-deadline", title: formatValue(activity.date_deadline, { type: "date" }) },
                deadlineText(activity.date_deadline)),
            ": ",
            h("strong", { class: "ag-chatter-activity-type" }, type),
            activity.summary ? h("span", { class: "ag-chatter-activity-summary" }, ` “${activity.summary}”`) : null,
            activity.user_id ? h("span", { class: "ag-chatter-activity-user" }, ` for ${activity.user_id.display_name}`) : null,
            activity.note ? serverHtml("div", { class: "ag-chatter-activity-note" }, activity.note) : null),
        h("button", { type: "button", class: "ag-btn ag-chatter-activity-done", onclick: () => onDone(activity) }, "Mark done"));
}

export function renderFollowers(followers) {
    return h("ul", { class: "ag-chatter-follower-list" },
        followers.map((f) => h("li", { class: "ag-chatter-follower", dataset: { partnerId: String(f.partner_id?.id || "") } },
            f.partner_id ? f.partner_id.display_name : "")));
}
