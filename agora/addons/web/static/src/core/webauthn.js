// Passkeys in the browser: the server speaks WebAuthn's JSON forms (binary values as
// base64url text); navigator.credentials wants ArrayBuffers. Browsers that have the
// standard converters (parse*OptionsFromJSON, credential.toJSON) use them; the others
// get the same conversion done here.

export function passkeysSupported() {
    return Boolean(globalThis.PublicKeyCredential && navigator.credentials);
}

export function fromBase64url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
}

export function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const byte of bytes) {
        binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function descriptors(list) {
    return (list || []).map((item) => ({...item, id: fromBase64url(item.id)}));
}

export function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
        return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return {...json, challenge: fromBase64url(json.challenge),
        user: {...json.user, id: fromBase64url(json.user.id)},
        excludeCredentials: descriptors(json.excludeCredentials)};
}

export function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
        return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return {...json, challenge: fromBase64url(json.challenge),
        allowCredentials: descriptors(json.allowCredentials)};
}

export function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
        return credential.toJSON();
    }
    const response = credential.response;
    const json = {id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
        clientExtensionResults: credential.getClientExtensionResults?.() || {},
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
        response: {clientDataJSON: toBase64url(response.clientDataJSON)}};
    if (response.attestationObject) {
        json.response.attestationObject = toBase64url(response.attestationObject);
        json.response.transports = response.getTransports?.() || [];
    } else {
        json.response.authenticatorData = toBase64url(response.authenticatorData);
        json.response.signature = toBase64url(response.signature);
        if (response.userHandle) {
            json.response.userHandle = toBase64url(response.userHandle);
        }
    }
    return json;
}

/** Creates a passkey with the server's options (JSON); its JSON for the server. */
export async function createPasskey(optionsJSON) {
    const credential = await navigator.credentials.create({publicKey: creationOptions(optionsJSON)});
    return credentialJSON(credential);
}

/** Signs in with a passkey for the server's options (JSON); the answer's JSON. */
export async function getPasskey(optionsJSON) {
    const credential = await navigator.credentials.get({publicKey: requestOptions(optionsJSON)});
    return credentialJSON(credential);
}

/** What to tell the user when the browser refused or the user cancelled. */
export function passkeyErrorMessage(error) {
    if (error && error.name === "NotAllowedError") {
        return "The passkey request was cancelled or timed out.";
    }
    if (error && error.name === "InvalidStateError") {
        return "This device already holds a passkey for your account.";
    }
    return (error && error.message) || String(error);
}
