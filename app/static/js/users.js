// User admin: the list, and creating a user with roles and a linked worker.
import { ApiError, api, formatDateTime, h, staffWorkers } from "/static/js/api.js";
import { clearErrors, govukTable, govukTag, showErrors } from "/static/js/govuk.js";
import { word } from "/static/js/words.js";

const form = document.getElementById("create-user-form");

function fieldIdFor(loc) {
  const field = loc[loc.length - 1];
  return typeof field === "number" || field === "roles" ? "roles" : String(field);
}

// Active or not; and whether they still have to choose their own password.
function status(user) {
  if (!user.active) return govukTag("Deactivated", "grey");
  if (user.must_change_password) return [govukTag("Active", "green"), " ", govukTag("Password to change", "yellow")];
  return govukTag("Active", "green");
}

async function loadUsers() {
  const container = document.getElementById("users");
  let users;
  try {
    users = await api.get("/api/users");
  } catch (error) {
    container.replaceChildren(h("p", { class: "govuk-body" }, error.status === 403 ? "Only administrators can manage users." : error.message));
    return;
  }
  container.replaceChildren(govukTable({
    id: "users-table",
    caption: "Staff accounts",
    head: ["Username", "Name", "Roles", "Linked worker", "Worker's phone", "Status", "Created"],
    rows: users.map((user) => [
      h("a", { class: "govuk-link", href: `/admin/users/${user.id}` }, user.username),
      user.display_name,
      user.roles.map((role) => word("staff_role", role)).join(", "),
      user.worker_name || "None",
      user.worker_phone_words || "",
      status(user),
      formatDateTime(user.created_at),
    ]),
    rowAttributes: (index) => ({ dataset: { user: users[index].username } }),
  }));
}

async function loadWorkers() {
  const workers = await staffWorkers();
  if (!workers) return;
  const select = document.getElementById("worker_id");
  for (const worker of workers.filter((w) => w.active)) {
    const label = `${worker.name}, ${worker.phone_words}${worker.user_id ? " (already has an account)" : ""}`;
    select.append(h("option", { value: worker.id, disabled: Boolean(worker.user_id) }, label));
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const roles = [...form.querySelectorAll("input[name=roles]:checked")].map((input) => input.value);
  const body = {
    username: form.username.value.trim(),
    display_name: form.display_name.value.trim(),
    password: form.password.value,
    roles,
    worker_id: form.worker_id.value ? Number(form.worker_id.value) : null,
  };
  const errors = [];
  if (!body.username) errors.push({ loc: ["username"], msg: "Enter a username" });
  if (!body.display_name) errors.push({ loc: ["display_name"], msg: "Enter the person's full name" });
  if (body.password.length < 12) errors.push({ loc: ["password"], msg: "Enter a password of at least 12 characters" });
  if (!roles.length) errors.push({ loc: ["roles"], msg: "Select at least one role" });
  if (roles.includes("worker") && body.worker_id === null) errors.push({ loc: ["worker_id"], msg: "Choose the worker a social worker's calls go to" });
  if (errors.length) {
    showErrors(errors, { form, fieldIdFor });
    return;
  }
  try {
    const created = await api.post("/api/users", body);
    form.reset();
    document.getElementById("created-text").textContent =
      `${created.display_name} can now sign in as ${created.username}, and will choose their own password.`;
    const banner = document.getElementById("created-banner");
    banner.hidden = false;
    await loadUsers();
    banner.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      const field = /worker/i.test(error.message) ? "worker_id" : "username";
      showErrors([{ loc: [field], msg: error.message }], { form, fieldIdFor });
    } else if (error instanceof ApiError && error.status === 422) {
      showErrors(error, { form, fieldIdFor });
    } else {
      showErrors([{ loc: [], msg: error.message }], { form });
    }
  }
});

loadUsers();
loadWorkers();
