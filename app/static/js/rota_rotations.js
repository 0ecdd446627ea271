// Rotations: the list (apply to dates, delete) and the form to create one with its workers
// in order.
import { api, clearErrors, h, tag } from "/static/js/api.js";
import {
  addDays, coordinatorOrReader, fillWorkerSelect, formatDay, loadFailed, londonToday, rotaWorkers,
  showBanner, showFieldErrors,
} from "/static/js/rota_common.js";

const form = document.getElementById("rotation-form");
const membersList = document.getElementById("rotation-members");
const membersEmpty = document.getElementById("rotation-members-empty");
const addSelect = document.getElementById("rotation-worker_ids");
let canEdit = false;
let workers = [];
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
    const hidden = (text) => h("span", { class: "visually-hidden" }, text);
    return h("li", { dataset: { workerId: id } },
      h("span", {}, name),
      h("span", { class: "button-group" },
        h("button", { type: "button", class: "link-button", disabled: index === 0, onclick: () => move(index, -1) }, "Move up", hidden(` ${name}`)),
        h("button", { type: "button", class: "link-button", disabled: index === members.length - 1, onclick: () => move(index, 1) }, "Move down", hidden(` ${name}`)),
        h("button", {
          type: "button", class: "link-button",
          onclick: () => { members.splice(index, 1); renderMembers(); addSelect.focus(); },
        }, "Remove", hidden(` ${name}`))));
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
  if (!f.handover_time.value) errors.push({ loc: ["handover_time"], msg: "Enter the hand-over time, for example 09:00" });
  const offset = Number(f.backup_offset.value);
  if (!Number.isInteger(offset) || offset < 1) errors.push({ loc: ["backup_offset"], msg: "Enter a whole number, 1 or more" });
  if (errors.length) {
    showFieldErrors(errors, "rotation", form);
    return;
  }
  const body = {
    name: f.name.value.trim(),
    worker_ids: [...members],
    handover_time: f.handover_time.value,
    period: form.querySelector("input[name=period]:checked").value,
    backup_offset: offset,
  };
  if (f.anchor_date.value) body.anchor_date = f.anchor_date.value;
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
  const fromInput = h("input", { class: "input input--short", id: `${prefix}-from_date`, name: "from_date", type: "date", value: today });
  const toInput = h("input", {
    class: "input input--short", id: `${prefix}-to_date`, name: "to_date", type: "date", value: addDays(today, 7 * 8),
    "aria-describedby": `${prefix}-to_date-hint`,
  });
  const applyButton = h("button", { type: "submit", class: "button" }, "Apply rotation", h("span", { class: "visually-hidden" }, ` ${rotation.name}`));
  const applying = h("form", { novalidate: true, class: "rota-apply", id: prefix, "aria-label": `Apply ${rotation.name}` },
    h("div", { class: "rota-filter" },
      h("div", { class: "form-group" }, h("label", { class: "label", for: fromInput.id }, "From"), fromInput),
      h("div", { class: "form-group" },
        h("label", { class: "label", for: toInput.id }, "To"),
        h("span", { class: "hint", id: `${prefix}-to_date-hint` }, "Inclusive; at most a year. 8 weeks ahead is filled in."),
        toInput),
      applyButton),
    result);
  applying.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(applying);
    const errors = [];
    if (!fromInput.value) errors.push({ loc: ["from_date"], msg: "Enter the first date" });
    if (!toInput.value) errors.push({ loc: ["to_date"], msg: "Enter the last date" });
    if (errors.length) {
      showFieldErrors(errors, prefix, applying);
      return;
    }
    applyButton.disabled = true;
    try {
      const applied = await api.post(`/api/rota/rotations/${rotation.id}/apply`, { from_date: fromInput.value, to_date: toInput.value });
      result.replaceChildren(
        h("p", {}, h("strong", {}, `Applied from ${formatDay(applied.from_date)} to ${formatDay(applied.to_date)}.`)),
        h("ul", { class: "list" },
          h("li", { dataset: { count: "created" } }, `${applied.created} shift${applied.created === 1 ? "" : "s"} created`),
          h("li", { dataset: { count: "unchanged" } }, `${applied.unchanged} kept as they were (already made, covered, swapped or started)`),
          h("li", { dataset: { count: "updated" } }, `${applied.updated} changed to follow the rotation`),
          h("li", { dataset: { count: "removed" } }, `${applied.removed} removed (no longer in the rotation, not started)`)),
        h("p", { class: "body-s" }, h("a", { href: "/rota" }, "Check the gaps"), " or ", h("a", { href: `/rota/calendar?date=${applied.from_date}` }, "see the calendar"), "."));
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
  const box = h("div", { class: "button-group" });
  const ask = () => {
    const yes = h("button", {
      type: "button", class: "button button--warning button--small",
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
      h("p", { class: "body-s" }, `Delete "${rotation.name}"? Its shifts that have not started are removed; past ones stay.`),
      yes,
      h("button", { type: "button", class: "button button--secondary button--small", onclick: reset }, "Cancel"));
    yes.focus();
  };
  const reset = () => box.replaceChildren(h("button", { type: "button", class: "button button--secondary button--small", onclick: ask }, "Delete this rotation"));
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
    container.replaceChildren(h("p", { id: "no-rotations" }, "No rotations yet."));
    return;
  }
  container.replaceChildren(...rotations.map((rotation) => {
    const headingId = `rotation-${rotation.id}-heading`;
    return h("section", { class: "card", "aria-labelledby": headingId, dataset: { rotationId: rotation.id } },
      h("h3", { class: "heading-m", id: headingId, tabindex: "-1" }, rotation.name),
      h("dl", { class: "summary-list" },
        h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, "Workers in order"),
          h("dd", { class: "summary-list__value" }, h("ol", { class: "list" }, rotation.members.map((m) => h("li", {}, m.name))))),
        h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, "On call"),
          h("dd", { class: "summary-list__value" }, `${PERIOD_NAMES[rotation.period] || rotation.period}, handing over at ${rotation.handover_time}`)),
        h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, "Backup"),
          h("dd", { class: "summary-list__value" }, rotation.backup_offset === 1 ? "The next worker in order" : `The worker ${rotation.backup_offset} places down the list`)),
        h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, "First period starts"),
          h("dd", { class: "summary-list__value" }, formatDay(rotation.anchor_date)))),
      canEdit ? applyForm(rotation) : tag("Read only", "grey"),
      canEdit ? deleteControls(rotation) : null);
  }));
  if (focusId) document.getElementById(`rotation-${focusId}-heading`)?.scrollIntoView({ block: "start" });
}

async function start() {
  canEdit = await coordinatorOrReader();
  try {
    workers = (await rotaWorkers()).filter((worker) => worker.active);
    fillWorkerSelect(addSelect, workers);
  } catch {
    // the list says why it is empty
  }
  renderMembers();
  await loadRotations();
  document.body.dataset.rotaLoaded = "1";
}

start();
