// One worker: a summary list, and forms to change the name (admins), the phone number and the
// lines, and to deactivate or reactivate them (admins). The API checks who may do what.
import { api, h, loadFailed } from "/static/js/api.js";
import { clearErrors, showErrors, showSuccess } from "/static/js/govuk.js";
import {
  checkedLines, fieldNamed, lineCheckboxes, linesInWords, loaded, phoneWords, refusal, statusTag,
} from "/static/js/workers_common.js";

const workerId = document.getElementById("worker").dataset.workerId;
const banner = document.getElementById("success-banner");
const nameForm = document.getElementById("name-form");
const phoneForm = document.getElementById("phone-form");
const linesForm = document.getElementById("lines-form");
const toggle = document.getElementById("toggle-active");
let worker = null;

function summaryRow(key, ...value) {
  return h("div", { class: "govuk-summary-list__row" },
    h("dt", { class: "govuk-summary-list__key" }, key),
    h("dd", { class: "govuk-summary-list__value" }, ...value));
}

function show(current) {
  worker = current;
  document.getElementById("worker-name").textContent = current.name;
  document.getElementById("worker-summary").replaceChildren(h("dl", { class: "govuk-summary-list", id: "worker-details" },
    summaryRow("Name", current.name),
    summaryRow("Phone number", current.phone_words),
    summaryRow("Lines in hours", linesInWords(current.lines)),
    summaryRow("Status", statusTag(current.active))));
  if (nameForm) document.getElementById("name").value = current.name;
  document.getElementById("phone").value = current.phone_words;
  for (const input of linesForm.querySelectorAll("input[name=lines]")) {
    input.checked = current.lines.some((line) => line.key === input.value);
  }
  if (toggle) {
    toggle.hidden = false;
    toggle.textContent = current.active ? "Deactivate worker" : "Reactivate worker";
    toggle.className = current.active ? "govuk-button govuk-button--warning" : "govuk-button";
    document.getElementById("active-words").textContent = current.active
      ? "A deactivated worker is never rung, on duty or on call, and is set offline. Their on-call shifts show as gaps on the rota."
      : "Deactivated: never rung. Reactivated, they are offline until they go available.";
  }
}

async function change(form, body, done, words = {}) {
  clearErrors(form);
  try {
    show(await api.patch(`/api/workers/${workerId}`, body));
    showSuccess(banner, done(worker));
  } catch (error) {
    showErrors(refusal(error, words), { form, fieldIdFor: fieldNamed });
  }
  loaded();
}

nameForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = document.getElementById("name").value.trim();
  if (!name) {
    showErrors([{ loc: ["name"], msg: "Enter the worker's full name" }], { form: nameForm, fieldIdFor: fieldNamed });
    return;
  }
  change(nameForm, { name }, (w) => `Name changed to ${w.name}.`);
});

phoneForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const phone = document.getElementById("phone").value.trim();
  if (!phone) {
    showErrors([{ loc: ["phone"], msg: "Enter the worker's phone number, like 07700 900123" }], { form: phoneForm, fieldIdFor: fieldNamed });
    return;
  }
  change(phoneForm, { phone }, (w) => `Phone number changed to ${w.phone_words}. The next call rings it.`, { phone: phoneWords(phone) });
});

linesForm.addEventListener("submit", (event) => {
  event.preventDefault();
  change(linesForm, { lines: checkedLines(linesForm) }, (w) => `Lines changed: ${linesInWords(w.lines)}.`);
});

toggle?.addEventListener("click", () => {
  const active = !worker.active;
  change(phoneForm, { active }, (w) => `${w.name} is ${active ? "active again. They are offline until they go available" : "deactivated"}.`);
});

async function start() {
  try {
    await lineCheckboxes(document.getElementById("lines-choices"));
    show(await api.get(`/api/workers/${workerId}`));
  } catch (error) {
    loadFailed(document.getElementById("worker-summary"), error);
  }
  loaded();
}

start();
