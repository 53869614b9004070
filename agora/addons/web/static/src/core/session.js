// Who is logged in, read once from the page the server rendered (no extra RPC at start).

function readSessionInfo() {
    // outside a page (Node runs the unit tests) there is no session: an empty one
    const node = typeof document === "undefined" ? null : document.getElementById("agora-session-info");
    return node ? JSON.parse(node.textContent) : {};
}

const info = readSessionInfo();

export const session = {
    uid: info.uid,
    name: info.name,
    username: info.username,
    db: info.db,
    partner_id: info.partner_id,
    userContext: {...(info.user_context || {})},
    companies: info.user_companies || {current_company: false, allowed_companies: {}},
    isSystem: Boolean(info.is_system),
    isAdmin: Boolean(info.is_admin),
    serverVersion: info.server_version,
    databases: info.databases || [],
};

const COMPANY_KEY = "agora.allowed_company_ids";

/** Restrict the session to these companies (the first is the current one). */
export function setCompanies(ids) {
    session.userContext.allowed_company_ids = ids;
    globalThis.sessionStorage?.setItem(COMPANY_KEY, JSON.stringify(ids));
}

function restoreCompanies() {
    const allowed = Object.keys(session.companies.allowed_companies || {}).map(Number);
    let ids;
    try {
        ids = JSON.parse(globalThis.sessionStorage?.getItem(COMPANY_KEY) || "null");
    } catch {
        ids = null;
    }
    ids = Array.isArray(ids) ? ids.filter((id) => allowed.includes(id)) : [];
    if (!ids.length && session.companies.current_company) {
        ids = [session.companies.current_company];
    }
    if (ids.length) {
        session.userContext.allowed_company_ids = ids;
    }
}

restoreCompanies();
