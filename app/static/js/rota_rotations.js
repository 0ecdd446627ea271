// Rotations: the list (apply to dates, delete) and the form to create one with its workers
// in order.
import { api, h } from "/static/js/api.js";
import { dateInputElement } from "/static/js/govuk_dates.js";
import {
  addDays, clearErrors, coordinatorOrReader, fillWorkerSelect, formatDay, govukTag, linkButton,
  loadFailed, londonToday, readDates, readTime, rotaWorkers, showBanner, showFieldErrors,
  workerWithPhone,
} from "/static/js/rota_common.js";

const form = document.getElementById("rotation-form");
const membersList = document.getElementById("rotation-members");
const membersEmpty = document.getElementById("rotation-members-empty");
const addSelect = document.getElementById("rotation-worker_ids");
let canEdit = false;
let workers = []; // active workers, to add to a new rotation
let everyone = []; // every worker, with their phone in UK national format
const members = []; // worker ids, in rotation order

const PERIOD_NAMES = { daily: "a day at a time", weekly: "a week at a time" };

// ---- the members of a new rotation, in order ------------------------------------------

function workerName(id) {
  return workers.find((worker) => worker.id === id)?.name || `Worker ${id}`;
}

function move(index, by) {
  const [id] = members.splice(index, 1);
  members.splice(index + by, 0, id);
  renderMembers();
  const buttons = membersList.children[index + by]?.querySelectorAll("button");
  (by < 0 ? buttons?.[0] : buttons?.[1])?.focus();
}

function renderMembers() {
  membersEmpty.hidden = members.length > 0;
  membersList.replaceChildren(...members.map((id, index) => {
    const name = workerName(id);
    return h("li", { dataset: { workerId: id } },
      h("span", {}, name),
      h("span", { class: "rota-member-actions" },
        linkButton("Move up", ` ${name}`, () => move(index, -1), { disabled: index === 0 }),
        linkButton("Move down", ` ${name}`, () => move(index, 1), { disabled: index === members.length - 1 }),
        linkButton("Remove", ` ${name}`, () => { members.splice(index, 1); renderMembers(); addSelect.focus(); })));
  }));
  for (const option of addSelect.options) {
    if (option.value) option.disabled = members.includes(Number(option.value));
  }
}

document.getElementById("rotation-add-worker").addEventListener("click", () => {
  clearErrors(form);
  const id = Number(addSelect.value);
  if (!id) {
    showFieldErrors([{ loc: ["worker_ids"], msg: "Choose a worker to add" }], "rotation", form);
    return;
  }
  if (!members.includes(id)) members.push(id);
  addSelect.value = "";
  renderMembers();
  addSelect.focus();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const f = form.elements;
  const errors = [];
  if (!f.name.value.trim()) errors.push({ loc: ["name"], msg: "Enter a name for the rotation" });
  if (!members.length) errors.push({ loc: ["worker_ids"], msg: "Add at least one worker" });
  const handover = readTime("rotation-handover_time", { name: "hand-over" });
  if (!handover.value) errors.push({ loc: ["handover_time"], msg: "Enter the hand-over time as HH:MM, like 09:00" });
  const offset = Number(f.backup_offset.value);
  if (!/^\s*\d+\s*$/.test(f.backup_offset.value) || offset < 1) errors.push({ loc: ["backup_offset"], msg: "Enter a whole number, 1 or more" });
  const [dates, dateErrors] = readDates("rotation", { anchor_date: { name: "first day", time: false, optional: true } });
  errors.push(...dateErrors);
  if (errors.length) {
    showFieldErrors(errors, "rotation", form);
    return;
  }
  const body = {
    name: f.name.value.trim(),
    worker_ids: [...members],
    handover_time: handover.value,
    period: form.querySelector("input[name=period]:checked").value,
    backup_offset: offset,
  };
  if (dates.anchor_date) body.anchor_date = dates.anchor_date;
  try {
    const rotation = await api.post("/api/rota/rotations", body);
    form.reset();
    members.length = 0;
    renderMembers();
    showBanner(`Rotation "${rotation.name}" created. Apply it to dates below to make its shifts.`);
    await loadRotations(rotation.id);
  } catch (error) {
    showFieldErrors(error, "rotation", form);
  }
});

// ---- the list: apply, delete --------------------------------------------------------------

function applyForm(rotation) {
  const prefix = `apply-${rotation.id}`;
  const today = londonToday();
  const result = h("div", { class: "rota-result", id: `${prefix}-result`, role: "status", hidden: true });
  const applyButton = h("button", { type: "submit", class: "govuk-button" }, "Apply rotation", h("span", { class: "govuk-visually-hidden" }, ` ${rotation.name}`));
  const applying = h("form", { novalidate: true, class: "rota-apply", id: prefix, "aria-label": `Apply ${rotation.name}` },
    h("div", { class: "rota-filter" },
      dateInputElement(`${prefix}-from_date`, "From", { iso: today, hint: "The first date. Today is filled in." }),
      dateInputElement(`${prefix}-to_date`, "To", { iso: addDays(today, 7 * 8), hint: "Inclusive; at most a year. 8 weeks ahead is filled in." })),
    applyButton,
    result);
  applying.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(applying);
    const [dates, errors] = readDates(prefix, {
      from_date: { name: "first", time: false, missing: "Enter the first date" },
      to_date: { name: "last", time: false, missing: "Enter the last date" },
    });
    if (errors.length) {
      showFieldErrors(errors, prefix, applying);
      return;
    }
    applyButton.disabled = true;
    try {
      const applied = await api.post(`/api/rota/rotations/${rotation.id}/apply`, dates);
      result.replaceChildren(
        h("p", { class: "govuk-body" }, h("strong", {}, `Applied from ${formatDay(applied.from_date)} to ${formatDay(applied.to_date)}.`)),
        h("ul", { class: "govuk-list govuk-list--bullet" },
          h("li", { dataset: { count: "created" } }, `${applied.created} shift${applied.created === 1 ? "" : "s"} created`),
          h("li", { dataset: { count: "unchanged" } }, `${applied.unchanged} kept as they were (already made, covered, swapped or started)`),
          h("li", { dataset: { count: "updated" } }, `${applied.updated} changed to follow the rotation`),
          h("li", { dataset: { count: "removed" } }, `${applied.removed} removed (no longer in the rotation, not started)`)),
        h("p", { class: "govuk-body-s" }, h("a", { class: "govuk-link", href: "/rota" }, "Check the gaps"), " or ", h("a", { class: "govuk-link", href: `/rota/calendar?date=${applied.from_date}` }, "see the calendar"), "."));
      result.hidden = false;
    } catch (error) {
      showFieldErrors(error, prefix, applying);
    } finally {
      applyButton.disabled = false;
    }
  });
  return applying;
}

function deleteControls(rotation) {
  const box = h("div", { class: "govuk-button-group" });
  const ask = () => {
    const yes = h("button", {
      type: "button", class: "govuk-button govuk-button--warning",
      onclick: async () => {
        try {
          const done = await api.delete(`/api/rota/rotations/${rotation.id}`);
          showBanner(`Rotation "${rotation.name}" deleted: ${done.shifts_removed} future shift${done.shifts_removed === 1 ? "" : "s"} removed; shifts that had started stay.`);
        } catch (error) {
          showFieldErrors(error, `rotation-${rotation.id}`, document);
        }
        await loadRotations();
      },
    }, "Yes, delete it");
    box.replaceChildren(
      h("p", { class: "govuk-body-s" }, `Delete "${rotation.name}"? Its shifts that have not started are removed; past ones stay.`),
      yes,
      h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: reset }, "Cancel"));
    yes.focus();
  };
  const reset = () => box.replaceChildren(h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: ask }, "Delete this rotation"));
  reset();
  return box;
}

async function loadRotations(focusId) {
  const container = document.getElementById("rotations");
  let rotations;
  try {
    rotations = await api.get("/api/rota/rotations");
  } catch (error) {
    loadFailed(container, error);
    return;
  }
  if (!rotations.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-rotations" }, "No rotations yet."));
    return;
  }
  container.replaceChildren(...rotations.map((rotation) => {
    const headingId = `rotation-${rotation.id}-heading`;
    const row = (key, value) => h("div", { class: "govuk-summary-list__row" },
      h("dt", { class: "govuk-summary-list__key" }, key), h("dd", { class: "govuk-summary-list__value" }, value));
    return h("section", { class: "rota-card", "aria-labelledby": headingId, dataset: { rotationId: rotation.id } },
      h("h3", { class: "govuk-heading-m", id: headingId, tabindex: "-1" }, rotation.name),
      h("dl", { class: "govuk-summary-list" },
        row("Workers in order", h("ol", { class: "govuk-list govuk-list--number" }, rotation.members.map((m) => h("li", {}, workerWithPhone(m, everyone))))),
        row("On call", `${PERIOD_NAMES[rotation.period] || rotation.period}, handing over at ${rotation.handover_time}`),
        row("Backup", rotation.backup_offset === 1 ? "The next worker in order" : `The worker ${rotation.backup_offset} places down the list`),
        row("First period starts", formatDay(rotation.anchor_date))),
      canEdit ? applyForm(rotation) : govukTag("Read only", "grey"),
      canEdit ? deleteControls(rotation) : null);
  }));
  if (focusId) document.getElementById(`rotation-${focusId}-heading`)?.scrollIntoView({ block: "start" });
}

async function start() {
  canEdit = await coordinatorOrReader();
  try {
    everyone = await rotaWorkers();
    workers = everyone.filter((worker) => worker.active);
    fillWorkerSelect(addSelect, workers);
  } catch {
    // the list says why it is empty
  }
  renderMembers();
  await loadRotations();
  document.body.dataset.rotaLoaded = "1";
}

start();
