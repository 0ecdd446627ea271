// One user: details and roles, linked worker, password reset, deactivation, API tokens.
import { ApiError, announce, api, formatDateTime, h } from "/static/js/api.js";
import { clearErrors, govukSummaryList, govukTable, govukTag, showErrors } from "/static/js/govuk.js";
import { word } from "/static/js/words.js";

const userId = Number(document.getElementById("user").dataset.userId);
const announcer = document.getElementById("user-announce");
let user = null;

function fieldIdFor(loc) {
  const field = String(loc[loc.length - 1]);
  if (field === "roles" || /^\d+$/.test(field)) return "roles";
  if (field === "password") return "new_password";
  if (field === "name") return "token_name";
  return field;
}

function failed(error, form) {
  if (error instanceof ApiError && error.status === 422) showErrors(error, { form, fieldIdFor });
  else showErrors([{ loc: [], msg: error.message }], { form });
}

function status() {
  if (!user.active) return govukTag("Deactivated", "grey");
  return govukTag("Active", "green");
}

function renderUser() {
  document.getElementById("user-heading").textContent = user.display_name;
  document.getElementById("user-caption").textContent = user.username;
  document.getElementById("user-summary").replaceChildren(govukSummaryList([
    ["Username", user.username],
    ["Status", h("span", { id: "user-status" }, status())],
    ["Roles", user.roles.map((role) => word("staff_role", role)).join(", ")],
    ["Linked worker", user.worker_name || "None"],
    ["Worker's phone", user.worker_phone_words || "None"],
    ["Password", user.must_change_password ? "Set by an administrator: they choose their own at next sign-in" : "Chosen by them"],
    ["Created", formatDateTime(user.created_at)],
  ], { id: "user-details" }));
  const form = document.getElementById("user-form");
  form.display_name.value = user.display_name;
  for (const input of form.querySelectorAll("input[name=roles]")) input.checked = user.roles.includes(input.value);
  form.worker_id.value = user.worker_id === null ? "" : String(user.worker_id);
  const toggle = document.getElementById("toggle-active");
  toggle.textContent = user.active ? "Deactivate user" : "Reactivate user";
  toggle.className = user.active ? "govuk-button govuk-button--warning" : "govuk-button";
}

async function loadWorkers() {
  let workers = [];
  try {
    workers = await api.get("/api/workers");
  } catch { /* the select keeps "None" */ }
  const select = document.getElementById("worker_id");
  for (const worker of workers) {
    const taken = worker.user_id && worker.user_id !== userId;
    const label = `${worker.name}, ${worker.phone_words}${taken ? " (linked to another account)" : ""}`;
    select.append(h("option", { value: worker.id, disabled: Boolean(taken) }, label));
  }
}

async function loadTokens() {
  const tokens = await api.get(`/api/users/${userId}/tokens`);
  const container = document.getElementById("tokens");
  if (!tokens.length) {
    container.replaceChildren(h("p", { class: "govuk-body" }, "No tokens."));
    return;
  }
  container.replaceChildren(govukTable({
    id: "tokens-table",
    caption: "Tokens issued",
    head: ["Name", "Starts with", "Issued", "Last used", "Status", "Action"],
    rows: tokens.map((token) => [
      token.name,
      h("code", {}, token.prefix),
      formatDateTime(token.created_at),
      token.last_used_at ? formatDateTime(token.last_used_at) : "Never",
      token.revoked_at ? govukTag("Revoked", "grey") : govukTag("Active", "green"),
      token.revoked_at ? "" : h("button", { type: "button", class: "govuk-button govuk-button--warning govuk-!-margin-bottom-0",
        onclick: () => revoke(token) }, "Revoke", h("span", { class: "govuk-visually-hidden" }, ` token ${token.name}`)),
    ]),
    rowAttributes: (index) => ({ dataset: { token: tokens[index].id } }),
  }));
}

async function revoke(token) {
  if (!window.confirm(`Revoke the token "${token.name}"? Systems using it will stop working.`)) return;
  try {
    await api.delete(`/api/tokens/${token.id}`);
    await loadTokens();
    announce(announcer, `Token ${token.name} revoked.`);
  } catch (error) {
    failed(error);
  }
}

document.getElementById("user-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const roles = [...form.querySelectorAll("input[name=roles]:checked")].map((input) => input.value);
  if (!roles.length) {
    showErrors([{ loc: ["roles"], msg: "Select at least one role" }], { form, fieldIdFor });
    return;
  }
  try {
    user = await api.patch(`/api/users/${userId}`, {
      display_name: form.display_name.value.trim(),
      roles,
      worker_id: form.worker_id.value ? Number(form.worker_id.value) : null,
    });
    renderUser();
    announce(announcer, "Changes saved.");
  } catch (error) {
    failed(error, form);
  }
});

document.getElementById("password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const password = form.new_password.value;
  if (password.length < 12) {
    showErrors([{ loc: ["new_password"], msg: "Enter a password of at least 12 characters" }], { form, fieldIdFor });
    return;
  }
  try {
    user = await api.patch(`/api/users/${userId}`, { password });
    form.reset();
    renderUser();
    announce(announcer, "Password reset. They choose their own when they next sign in.");
  } catch (error) {
    failed(error, form);
  }
});

document.getElementById("toggle-active").addEventListener("click", async () => {
  try {
    user = await api.patch(`/api/users/${userId}`, { active: !user.active });
    renderUser();
    announce(announcer, user.active ? "User reactivated." : "User deactivated: they are signed out and cannot sign in.");
  } catch (error) {
    failed(error);
  }
});

document.getElementById("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const name = form.token_name.value.trim();
  if (!name) {
    showErrors([{ loc: ["token_name"], msg: "Say what the token is for" }], { form, fieldIdFor });
    return;
  }
  try {
    const issued = await api.post(`/api/users/${userId}/tokens`, { name });
    form.reset();
    document.getElementById("issued-token-value").textContent = issued.token;
    const banner = document.getElementById("issued-token");
    banner.hidden = false;
    banner.focus();
    await loadTokens();
  } catch (error) {
    failed(error, form);
  }
});

async function start() {
  try {
    [user] = await Promise.all([api.get(`/api/users/${userId}`), loadWorkers()]);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401) {
      document.querySelector("main").replaceChildren(h("h1", { class: "govuk-heading-l" }, error.status === 404 ? "User not found" : "You cannot manage users"),
        h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: "/admin/users" }, "All users")));
    }
    return;
  }
  renderUser();
  loadTokens();
}

start();
