// The on-call shift form (templates/rota/_shift_form.html): add a shift, or edit one.
// Used by the rota page and by the calendar, where clicking a slot fills it in. The start
// and end are GOV.UK date inputs with a time (HH:MM), read as London time.
import { api } from "/static/js/api.js";
import { word } from "/static/js/words.js";
import {
  clearErrors, fillWorkerSelect, formatRange, formatWhen, readDates, rotaWorkers, setWhen,
  showBanner, showFieldErrors, toLocalInput, whenFields,
} from "/static/js/rota_common.js";

const PREFIX = "shift";

export function setupShiftForm({ onSaved } = {}) {
  const form = document.getElementById("shift-form");
  if (!form) return null;
  const section = document.getElementById("shift-form-section");
  const heading = document.getElementById("shift-form-heading");
  const submit = document.getElementById("shift-submit");
  const note = document.getElementById("shift-form-note");
  const idField = document.getElementById("shift-id");
  const worker = document.getElementById("shift-worker_id");
  const startFields = whenFields("shift-starts_at");
  let editing = null; // the ShiftRead being edited

  rotaWorkers().then((workers) => fillWorkerSelect(worker, workers)).catch(() => {});

  function setRole(role) {
    for (const radio of form.querySelectorAll("input[name=role]")) radio.checked = radio.value === role;
  }

  // A shift that has started keeps its start: its date and time cannot be typed in.
  function setStartLocked(locked) {
    for (const input of startFields) input.disabled = locked;
  }

  const asLocal = (text) => (text.includes("Z") || text.includes("+") ? toLocalInput(text) : text);

  function setNote(text) {
    note.textContent = text || "";
    note.hidden = !text;
  }

  function show() {
    section.scrollIntoView({ block: "start" });
    worker.focus();
  }

  function reset() {
    clearErrors(form);
    editing = null;
    idField.value = "";
    form.reset();
    setStartLocked(false);
    heading.textContent = "Add an on-call shift";
    submit.textContent = "Add shift";
    setNote("");
  }

  // A new shift with some fields filled in (a gap to fill, a calendar slot).
  function prefill({ role, startsAt, endsAt, workerId, why } = {}) {
    reset();
    if (workerId) worker.value = String(workerId);
    if (role) setRole(role);
    if (startsAt) setWhen("shift-starts_at", asLocal(startsAt));
    if (endsAt) setWhen("shift-ends_at", asLocal(endsAt));
    setNote(why || "");
    show();
  }

  function edit(shift) {
    reset();
    editing = shift;
    idField.value = String(shift.id);
    heading.textContent = `Change shift ${shift.id}`;
    submit.textContent = "Save changes";
    worker.value = String(shift.worker.id);
    setRole(shift.role);
    setWhen("shift-starts_at", toLocalInput(shift.starts_at));
    setWhen("shift-ends_at", toLocalInput(shift.ends_at));
    setStartLocked(shift.started);
    setNote(shift.started
      ? `This shift started at ${formatWhen(shift.starts_at)}. Its start cannot move; saving keeps the part already worked and a new shift from now carries your changes.`
      : `${shift.worker.name}, ${word("on_call_role", shift.role).toLowerCase()}, ${formatRange(shift.starts_at, shift.ends_at)}.`);
    show();
  }

  async function editById(id) {
    try {
      edit(await api.get(`/api/rota/shifts/${encodeURIComponent(id)}`));
    } catch (error) {
      showFieldErrors(error, PREFIX, form);
    }
  }

  form.querySelector("#shift-reset").addEventListener("click", () => {
    reset();
    worker.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const role = form.querySelector("input[name=role]:checked")?.value || "";
    const startLocked = startFields[0].disabled;
    const when = {};
    if (!startLocked) when.starts_at = { name: "start", missing: "Enter the date and time the shift starts" };
    when.ends_at = { name: "end", missing: "Enter the date and time the shift ends" };
    const [times, dateErrors] = readDates(PREFIX, when);
    const errors = [];
    if (!worker.value) errors.push({ loc: ["worker_id"], msg: "Choose the worker on call" });
    if (!role) errors.push({ loc: ["role"], msg: "Choose primary or backup" });
    errors.push(...dateErrors);
    if (errors.length) {
      showFieldErrors(errors, PREFIX, form);
      return;
    }
    const body = { worker_id: Number(worker.value), role, ends_at: times.ends_at };
    if (!startLocked) body.starts_at = times.starts_at;
    submit.disabled = true;
    try {
      let saved;
      let message;
      if (editing) {
        const changes = {};
        if (body.worker_id !== editing.worker.id) changes.worker_id = body.worker_id;
        if (role !== editing.role) changes.role = role;
        if (body.starts_at && body.starts_at !== toLocalInput(editing.starts_at)) changes.starts_at = body.starts_at;
        if (body.ends_at !== toLocalInput(editing.ends_at)) changes.ends_at = body.ends_at;
        saved = await api.patch(`/api/rota/shifts/${editing.id}`, changes);
        message = saved.id === editing.id
          ? `Shift ${saved.id} changed: ${saved.worker.name}, ${word("on_call_role", saved.role).toLowerCase()}, ${formatRange(saved.starts_at, saved.ends_at)}.`
          : `Shift ${editing.id} had started, so it was ended now and kept as it was; shift ${saved.id} carries your changes from now: ${saved.worker.name}, ${word("on_call_role", saved.role).toLowerCase()}, ${formatRange(saved.starts_at, saved.ends_at)}.`;
      } else {
        saved = await api.post("/api/rota/shifts", body);
        message = `Shift ${saved.id} added: ${saved.worker.name}, ${word("on_call_role", saved.role).toLowerCase()}, ${formatRange(saved.starts_at, saved.ends_at)} (${saved.hours} hours).`;
      }
      reset();
      showBanner(message);
      if (onSaved) await onSaved(saved);
    } catch (error) {
      showFieldErrors(error, PREFIX, form);
    } finally {
      submit.disabled = false;
    }
  });

  return { edit, editById, prefill, reset };
}
