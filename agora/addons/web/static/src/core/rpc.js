// JSON-RPC to the server, the same protocol outside clients use. Errors become RpcError
// with a `kind` the dialogs can title ("Validation Error", "Access Error", ...).

const KINDS = [
    ["ValidationError", "validation"],
    ["UserError", "user"],
    ["AccessError", "access"],
    ["AccessDenied", "access"],
    ["MissingError", "missing"],
    ["SessionExpired", "session"],
];

export class RpcError extends Error {
    constructor(message, {kind = "server", exceptionName = "", data = {}} = {}) {
        super(message);
        this.name = "RpcError";
        this.kind = kind;
        this.exceptionName = exceptionName;
        this.data = data;
    }
}

function kindOf(exceptionName) {
    for (const [suffix, kind] of KINDS) {
        if (exceptionName.endsWith(suffix)) {
            return kind;
        }
    }
    return "server";
}

let requestId = 0;

/** Number of RPCs in flight: the browser tests wait for it to reach 0. */
export const rpcState = {pending: 0, count: 0};
globalThis.__agoraRpc = rpcState;  // the browser tests wait for pending === 0

export async function rpc(url, params = {}) {
    rpcState.pending++;
    rpcState.count++;
    try {
        return await call(url, params);
    } finally {
        // only once the answer is read (not when its headers arrive): a test waiting for
        // pending === 0 then sees what the answer changed
        rpcState.pending--;
    }
}

async function call(url, params) {
    let response;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: {"Content-Type": "application/json"},
            credentials: "same-origin",
            body: JSON.stringify({jsonrpc: "2.0", method: "call", id: ++requestId, params}),
        });
    } catch (error) {
        throw new RpcError(`The server cannot be reached (${error.message}).`, {kind: "network"});
    }
    if (response.status === 401) {
        throw new RpcError("Your session has expired. Please log in again.", {kind: "session"});
    }
    let payload;
    try {
        payload = await response.json();
    } catch {
        throw new RpcError(`The server answered ${response.status} ${response.statusText}.`,
            {kind: response.status >= 500 ? "server" : "network"});
    }
    if (payload.error) {
        const data = payload.error.data || {};
        const name = data.name || "";
        const kind = payload.error.code === 100 ? "session" : kindOf(name);
        throw new RpcError(data.message || payload.error.message, {kind, exceptionName: name, data});
    }
    return payload.result;
}
