// Your account: who you are, and changing your own password (POST /api/account/password).
import { ApiError, api, h, me } from "/static/js/api.js";
import { clearErrors, govukSummaryList, showErrors } from "/static/js/govuk.js";
import { word } from "/static/js/words.js";

const form = document.getElementById("password-form");

function fieldIdFor(loc) {
  return String(loc[loc.length - 1] ?? "");
}

async function showMe() {
  const container = document.getElementById("about-me");
  try {
    const mine = await me();
    container.replaceChildren(govukSummaryList([
      ["Name", mine.display_name],
      ["Username", mine.username],
      ["Roles", mine.roles.map((role) => word("staff_role", role)).join(", ")],
    ], { id: "about-me-list" }));
  } catch (error) {
    container.replaceChildren(h("p", { class: "govuk-body" }, error.message));
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const current = form.current_password.value;
  const fresh = form.new_password.value;
  const errors = [];
  if (!current) errors.push({ loc: ["current_password"], msg: "Enter your current password" });
  if (fresh.length < 12) errors.push({ loc: ["new_password"], msg: "Enter a new password of at least 12 characters" });
  else if (form.confirm_password.value !== fresh) errors.push({ loc: ["confirm_password"], msg: "Enter the same new password twice" });
  if (errors.length) {
    showErrors(errors, { form, fieldIdFor });
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await api.post("/api/account/password", { current_password: current, new_password: fresh });
    form.reset();
    document.getElementById("change-first")?.remove();
    const banner = document.getElementById("changed-banner");
    banner.hidden = false;
    banner.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) showErrors(error, { form, fieldIdFor });
    else showErrors([{ loc: [], msg: error.message }], { form });
  } finally {
    button.disabled = false;
  }
});

showMe();
