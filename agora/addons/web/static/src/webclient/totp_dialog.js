// "Two-factor authentication" (user menu): enrol an authenticator app (QR code and the
// secret for typing by hand, then a code to confirm), show the recovery codes once,
// disable with a code or the password, forget trusted devices. Enabling and disabling go
// through /web/session/totp/{confirm,disable}, which keep this session alive while every
// other session of the user ends.

import {h, replaceContent} from "../core/dom.js";
import {openDialog} from "../core/dialog.js";
import {orm} from "../core/orm.js";
import {rpc} from "../core/rpc.js";
import {session} from "../core/session.js";

const MODEL = "res.users";

export async function openTotpDialog() {
    const body = h("div", {class: "ag-totp"});
    const dialog = openDialog({title: "Two-factor authentication", body, size: "small"});
    const view = new TotpView(body);
    await view.attempt(body, () => view.showStatus());
    return dialog;
}

class TotpView {
    constructor(element) {
        this.element = element;
    }

    render(...children) {
        replaceContent(this.element, children);
        this.element.querySelector("input")?.focus();
    }

    error(message) {
        return h("p", {class: "ag-totp-error", role: "alert"}, message);
    }

    /** Runs `work`; a server refusal is shown in `slot` instead of a dialog. */
    async attempt(slot, work) {
        replaceContent(slot);
        try {
            await work();
        } catch (error) {
            replaceContent(slot, this.error(error.message || String(error)));
        }
    }

    async showStatus() {
        const status = await orm.call(MODEL, "totp_status", [[session.uid]]);
        if (status.enabled) {
            this.showEnabled(status);
        } else {
            this.showDisabled();
        }
    }

    showDisabled() {
        const slot = h("div");
        const password = h("input", {type: "password", name: "totp_password",
            class: "ag-totp-password", autocomplete: "current-password",
            placeholder: "Your password"});
        this.render(
            h("p", {class: "ag-totp-state", dataset: {state: "disabled"}},
                "Two-factor authentication is off. With it on, logging in also asks a code " +
                "from an authenticator app on your phone."),
            h("label", {}, "Confirm with your password:"),
            password,
            slot,
            h("button", {type: "button", class: "ag-btn ag-btn-primary ag-totp-enable",
                onclick: () => this.attempt(slot, async () => {
                    this.showEnrolment(await orm.call(MODEL, "totp_enrol", [[session.uid]],
                        {password: password.value}));
                })}, "Enable two-factor authentication"));
    }

    showEnrolment(enrolment) {
        const slot = h("div");
        const code = h("input", {type: "text", name: "totp_code", class: "ag-totp-code",
            inputmode: "numeric", autocomplete: "one-time-code", placeholder: "123 456",
            maxlength: "10"});
        const confirm = () => this.attempt(slot, async () => {
            const result = await rpc("/web/session/totp/confirm", {code: code.value});
            this.showRecoveryCodes(result.recovery_codes);
        });
        code.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                confirm();
            }
        });
        this.render(
            h("p", {}, "1. Scan this QR code with your authenticator app (or type the key below)."),
            h("img", {class: "ag-totp-qr", src: enrolment.qr, alt: "QR code of the key",
                dataset: {uri: enrolment.uri}, width: "200", height: "200"}),
            h("p", {}, "Key: ", h("code", {class: "ag-totp-secret"},
                enrolment.secret.replace(/(.{4})/g, "$1 ").trim())),
            h("label", {}, "2. Type the code the app shows:"),
            code,
            slot,
            h("div", {class: "ag-totp-actions"},
                h("button", {type: "button", class: "ag-btn ag-btn-primary ag-totp-confirm",
                    onclick: confirm}, "Activate")));
    }

    showRecoveryCodes(codes) {
        this.render(
            h("p", {class: "ag-totp-state", dataset: {state: "enabled"}},
                "Two-factor authentication is on."),
            h("p", {}, "Recovery codes: each one logs you in once if you lose your phone. " +
                "Keep them somewhere safe: they are shown only now."),
            h("ul", {class: "ag-totp-recovery-codes"}, codes.map((value) => h("li", {},
                h("code", {}, value)))),
            h("div", {class: "ag-totp-actions"},
                h("button", {type: "button", class: "ag-btn ag-totp-done",
                    onclick: () => this.showStatus()}, "I have saved them")));
    }

    showEnabled(status) {
        const slot = h("div");
        const credential = h("input", {type: "password", name: "totp_credential",
            class: "ag-totp-credential", autocomplete: "off",
            placeholder: "Code, recovery code or password"});
        const devices = status.trusted_devices;
        this.render(
            h("p", {class: "ag-totp-state", dataset: {state: "enabled"}},
                "Two-factor authentication is on."),
            h("ul", {class: "ag-totp-facts"},
                h("li", {}, `${status.recovery_codes_left} recovery code` +
                    `${status.recovery_codes_left === 1 ? "" : "s"} left`),
                h("li", {}, `${devices} trusted device${devices === 1 ? "" : "s"}`)),
            devices ? h("button", {type: "button", class: "ag-btn ag-totp-forget",
                onclick: () => this.attempt(slot, async () => {
                    await orm.call(MODEL, "totp_forget_devices", [[session.uid]]);
                    await this.showStatus();
                })}, "Forget trusted devices") : null,
            h("label", {}, "To turn it off, confirm with a code or your password:"),
            credential,
            slot,
            h("div", {class: "ag-totp-actions"},
                h("button", {type: "button", class: "ag-btn ag-btn-danger ag-totp-disable",
                    onclick: () => this.attempt(slot, async () => {
                        await rpc("/web/session/totp/disable", {credential: credential.value});
                        await this.showStatus();
                    })}, "Disable two-factor authentication")));
    }
}
