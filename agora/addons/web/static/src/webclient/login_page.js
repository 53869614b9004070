// The login form posts to the server, which never sees the URL fragment: carry it in
// the redirect so the user lands back on the record they asked for.
const form = document.querySelector(".ag-login-form");
if (form && window.location.hash) {
    const field = form.querySelector("input[name=redirect]");
    if (field && !field.value.includes("#")) {
        field.value = `${field.value}${window.location.hash}`;
    }
}
