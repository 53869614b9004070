import {rpc} from "../core/rpc.js";
import {getPasskey, passkeyErrorMessage, passkeysSupported} from "../core/webauthn.js";

// The login form posts to the server, which never sees the URL fragment: carry it in
// the redirect so the user lands back on the record they asked for.
const form = document.querySelector(".ag-login-form");
if (form && window.location.hash) {
    const field = form.querySelector("input[name=redirect]");
    if (field && !field.value.includes("#")) {
        field.value = `${field.value}${window.location.hash}`;
    }
}

// Passkeys: "Log in with a passkey" (no login or password typed: the authenticator
// offers this site's passkeys) and, at the second step of a 2FA login, "Use a passkey
// instead" of a code. Both end on the redirect target like the form does.

function showPasskeyError(message) {
    const slot = form.querySelector(".ag-login-passkey-error");
    slot.textContent = message;
    slot.hidden = !message;
}

async function passkeyLogin(button, work) {
    button.disabled = true;
    showPasskeyError("");
    try {
        await work();
        window.location.assign(form.querySelector("input[name=redirect]").value || "/web");
    } catch (error) {
        showPasskeyError(passkeyErrorMessage(error));
        button.disabled = false;
    }
}

if (form && passkeysSupported()) {
    const first = form.querySelector(".ag-login-passkey-first");
    const second = form.querySelector(".ag-login-passkey-second");
    if (first) {
        first.hidden = false;
        first.addEventListener("click", () => passkeyLogin(first, async () => {
            const db = form.querySelector("[name=db]").value;
            const options = await rpc("/web/session/passkey/login/options", {db});
            const credential = await getPasskey(options);
            await rpc("/web/session/passkey/login", {db, credential});
        }));
    }
    if (second) {
        second.hidden = false;
        second.addEventListener("click", () => passkeyLogin(second, async () => {
            const options = await rpc("/web/session/passkey/second_factor/options");
            const credential = await getPasskey(options);
            await rpc("/web/session/totp", {passkey: credential});
        }));
    }
}
