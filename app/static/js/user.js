// One user: details and roles, linked worker, password reset, deactivation, API tokens.
import { ApiError, announce, api, clearErrors, formatDateTime, h, showErrors, tag } from "/static/js/api.js";

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

function renderUser() {
  document.getElementById("user-heading").textContent = user.display_name;
  document.getElementById("user-caption").textContent = user.username;
  document.getElementById("user-status").replaceChildren(user.active ? tag("Active", "green") : tag("Deactivated", "grey"));
  const form = document.getElementById("user-form");
  form.display_name.value = user.display_name;
  for (const input of form.querySelectorAll("input[name=roles]")) input.checked = user.roles.includes(input.value);
  form.worker_id.value = user.worker_id === null ? "" : String(user.worker_id);
  const toggle = document.getElementById("toggle-active");
  toggle.textContent = user.active ? "Deactivate user" : "Reactivate user";
  toggle.className = user.active ? "button button--warning" : "button";
}

async function loadWorkers() {
  let workers = [];
  try {
    workers = await api.get("/api/workers");
  } catch { /* the select keeps "None" */ }
  const select = document.getElementById("worker_id");
  for (const worker of workers) {
    const taken = worker.user_id && worker.user_id !== userId;
    select.append(h("option", { value: worker.id, disabled: Boolean(taken) }, taken ? `${worker.name} (linked to another account)` : worker.name));
  }
}

async function loadTokens() {
  const tokens = await api.get(`/api/users/${userId}/tokens`);
  const container = document.getElementById("tokens");
  if (!tokens.length) {
    container.replaceChildren(h("p", {}, "No tokens."));
    return;
  }
  container.replaceChildren(h("table", { class: "table", id: "tokens-table" },
    h("thead", {}, h("tr", {}, ["Name", "Starts with", "Issued", "Last used", "Status", ""].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, tokens.map((token) => h("tr", { dataset: { token: token.id } },
      h("td", {}, token.name), h("td", {}, h("code", {}, token.prefix)),
      h("td", {}, formatDateTime(token.created_at)),
      h("td", {}, token.last_used_at ? formatDateTime(token.last_used_at) : "Never"),
      h("td", {}, token.revoked_at ? tag("Revoked", "grey") : tag("Active", "green")),
      h("td", {}, token.revoked_at ? "" : h("button", { type: "button", class: "button button--warning button--small",
        onclick: () => revoke(token) }, "Revoke", h("span", { class: "visually-hidden" }, ` token ${token.name}`))))))));
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
    announce(announcer, "Password reset.");
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
      document.querySelector("main").replaceChildren(h("h1", {}, error.status === 404 ? "User not found" : "You cannot manage users"),
        h("p", {}, h("a", { href: "/admin/users" }, "All users")));
    }
    return;
  }
  renderUser();
  loadTokens();
}

start();
