// Sign in: POST /api/session, then go where the person was going (or to their home page).
import { ApiError, api } from "/static/js/api.js";
import { clearErrors, showErrors } from "/static/js/govuk.js";

const form = document.getElementById("sign-in-form");

// Only a path on this site: never an absolute or protocol-relative URL.
function safeNext() {
  const next = new URLSearchParams(window.location.search).get("next");
  if (next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")) return next;
  return null;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const username = form.username.value.trim();
  const password = form.password.value;
  const missing = [];
  if (!username) missing.push({ loc: ["username"], msg: "Enter your username" });
  if (!password) missing.push({ loc: ["password"], msg: "Enter your password" });
  if (missing.length) {
    showErrors(missing, { form });
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const me = await api.post("/api/session", { username, password }, { redirectOn401: false });
    // An admin set the password: the person chooses their own before anything else.
    window.location.assign(me.must_change_password ? "/account" : safeNext() || "/"); // "/": each role's first page
  } catch (error) {
    button.disabled = false;
    if (error instanceof ApiError && error.status === 401) {
      form.password.value = "";
      showErrors([{ loc: ["username"], msg: "Enter a correct username and password" }], { form });
    } else if (error instanceof ApiError && error.status === 429) {
      // The server says how long to wait, in words: "Too many attempts. Try again in 4 minutes."
      form.password.value = "";
      showErrors([{ loc: [], msg: error.message }], { form });
    } else if (error instanceof ApiError && error.status === 422) {
      showErrors(error, { form });
    } else {
      showErrors([{ loc: [], msg: "Sorry, signing in is not working at the moment. Try again later." }], { form });
    }
  }
});
