// The rota page: gaps and conflicts to the minute, shifts for a period (add, change, delete),
// covers, swap requests with their history, and leave.
import { api, h } from "/static/js/api.js";
import { govukWordTag, word } from "/static/js/words.js";
import {
  addDays, clearErrors, coordinatorOrReader, fillWorkerSelect,
  formatHours, formatMinutes, formatRange, formatWhen, gapTag, govukTable, govukTag, hideBanner,
  lineNames, linkButton, loadFailed, londonToday, readDates, roleTag, rotaWorkers, setDate, setWhen,
  showBanner, showFieldErrors, tableCell, tableRow, toLocalInput, workerCell, workerWithPhone,
} from "/static/js/rota_common.js";
import { setupShiftForm } from "/static/js/rota_shift_form.js";

const params = new URLSearchParams(window.location.search);
let canEdit = false;
let workers = []; // the rota's workers, with their phones in UK national format
const shiftForm = setupShiftForm({ onSaved: refresh });

// ---- gaps and conflicts -----------------------------------------------------------------

const gapsForm = document.getElementById("gaps-form");
const weeksInput = document.getElementById("gaps-weeks");

function gapLink(gap) {
  const start = toLocalInput(gap.starts_at);
  const end = toLocalInput(gap.ends_at);
  const href = `/rota?add=${gap.role}&start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}#shift-form-section`;
  return h("a", {
    href,
    class: "govuk-link rota-fix-link",
    onclick: (event) => {
      if (!canEdit || !shiftForm) return;
      event.preventDefault();
      shiftForm.prefill({
        role: gap.role, startsAt: start, endsAt: end,
        why: `Filling the gap with no ${gap.role} from ${formatRange(gap.starts_at, gap.ends_at)}.`,
      });
    },
  }, `Add a ${gap.role} shift`, h("span", { class: "govuk-visually-hidden" }, ` from ${formatRange(gap.starts_at, gap.ends_at)}`));
}

function renderGaps(report, weeks) {
  const container = document.getElementById("gaps");
  const period = `from ${formatWhen(report.from)} to ${formatWhen(report.to)}`;
  if (!report.gaps.length) {
    container.replaceChildren(h("div", { class: "rota-all-clear", id: "no-gaps" },
      h("p", { class: "govuk-body" }, govukTag("Covered", "green"), ` No gaps in the next ${weeks} week${weeks === 1 ? "" : "s"}: `,
        `every out-of-hours minute ${period} has a primary and a backup on call.`)));
    return;
  }
  container.replaceChildren(
    h("div", { class: "govuk-warning-text", id: "gaps-count" },
      h("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
      h("strong", { class: "govuk-warning-text__text" },
        h("span", { class: "govuk-visually-hidden" }, "Warning "),
        `${report.gaps.length} gap${report.gaps.length === 1 ? "" : "s"} in the next ${weeks} week${weeks === 1 ? "" : "s"} (${period}).`)),
    govukTable({
      id: "gaps-table", caption: "Gaps in on-call cover",
      heads: ["Gap", "From", "To", "Length", "Lines", "Fix"],
      rows: report.gaps.map((gap) => tableRow({ dataset: { gapRole: gap.role, gapStart: gap.starts_at } }, [
        gapTag(gap.role), formatWhen(gap.starts_at), formatWhen(gap.ends_at), formatMinutes(gap.minutes),
        lineNames(gap.lines), canEdit ? gapLink(gap) : ""])),
    }),
  );
}

function editShiftLink(id) {
  return h("a", {
    href: `/rota?edit=${id}#shift-form-section`,
    class: "govuk-link",
    onclick: (event) => {
      if (!canEdit || !shiftForm) return;
      event.preventDefault();
      shiftForm.editById(id);
    },
  }, `Change shift ${id}`);
}

function renderConflicts(report) {
  const container = document.getElementById("conflicts");
  if (!report.conflicts.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-conflicts" }, "No conflicts: nobody is on two shifts at once, on leave while on call, or without a phone that calls can reach."));
    return;
  }
  container.replaceChildren(govukTable({
    id: "conflicts-table", caption: "Conflicts", heads: ["Conflict", "What", "When", "Fix"],
    rows: report.conflicts.map((conflict) => tableRow({ dataset: { conflict: conflict.kind } }, [
      govukWordTag("conflict_kind", conflict.kind),
      conflict.message,
      formatRange(conflict.starts_at, conflict.ends_at),
      canEdit
        ? h("ul", { class: "govuk-list" }, conflict.shift_ids.map((id) => h("li", {}, editShiftLink(id))))
        : conflict.shift_ids.map((id) => `shift ${id}`).join(", ")])),
  }));
}

async function loadGaps() {
  const weeks = Number(weeksInput.value) || 8;
  try {
    const report = await api.get(`/api/rota/gaps?weeks=${weeks}`);
    renderGaps(report, weeks);
    renderConflicts(report);
  } catch (error) {
    if (error.status === 422) showFieldErrors(error, "gaps", gapsForm);
    else {
      loadFailed(document.getElementById("gaps"), error);
      document.getElementById("conflicts").replaceChildren();
    }
  }
}

gapsForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(gapsForm);
  const weeks = Number(weeksInput.value);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) {
    showFieldErrors([{ loc: ["weeks"], msg: "Enter a whole number of weeks from 1 to 104" }], "gaps", gapsForm);
    return;
  }
  loadGaps();
});

// ---- shifts -----------------------------------------------------------------------------

const shiftsFilter = document.getElementById("shifts-filter");

function shiftStatus(shift) {
  if (shift.finished) return govukTag("Finished", "grey");
  if (shift.started) return govukTag("On call now", "green");
  return govukTag("Planned", "blue");
}

function confirmDelete(cell, shift) {
  const warning = shift.started
    ? "This shift has started: it will be ended now, not erased, so the record of who was on call stays true."
    : "This shift has not started: it will be erased.";
  const yes = h("button", { type: "button", class: "govuk-button govuk-button--warning", onclick: () => deleteShift(shift) },
    "Yes, delete", h("span", { class: "govuk-visually-hidden" }, ` shift ${shift.id}`));
  const no = h("button", {
    type: "button", class: "govuk-button govuk-button--secondary",
    onclick: () => {
      renderActions(cell, shift);
      cell.querySelector("[data-action=delete]")?.focus();
    },
  }, "Cancel");
  cell.replaceChildren(h("p", { class: "govuk-body-s" }, `Delete shift ${shift.id}? ${warning}`), h("div", { class: "govuk-button-group" }, yes, no));
  yes.focus();
}

function renderActions(cell, shift) {
  if (!canEdit || shift.finished) {
    cell.replaceChildren();
    return;
  }
  const which = ` shift ${shift.id}`;
  cell.replaceChildren(h("div", { class: "rota-actions" },
    linkButton("Change", which, () => shiftForm.edit(shift)),
    linkButton("Cover", which, () => prefillCover(shift)),
    linkButton("Delete", which, () => confirmDelete(cell, shift), { dataset: { action: "delete" } })));
}

async function deleteShift(shift) {
  try {
    const result = await api.delete(`/api/rota/shifts/${shift.id}`);
    if (result.deleted) {
      showBanner(`Shift ${shift.id} deleted: ${shift.worker.name}, ${word("on_call_role", shift.role).toLowerCase()}, ${formatRange(shift.starts_at, shift.ends_at)}.`);
    } else {
      const ended = result.ended;
      showBanner(`Shift ${shift.id} had already started, so it was ended at ${formatWhen(ended.ends_at)} rather than erased: ${ended.worker.name} stays recorded as on call ${formatRange(ended.starts_at, ended.ends_at)}.`);
    }
  } catch (error) {
    showFieldErrors(error, "shift", document);
  }
  await refresh();
}

async function loadShifts() {
  const container = document.getElementById("shifts");
  const [dates, errors] = readDates("shifts", {
    from: { name: "first", time: false, optional: true }, to: { name: "last", time: false, optional: true },
  });
  if (errors.length) {
    showFieldErrors(errors, "shifts", shiftsFilter);
    return;
  }
  const query = new URLSearchParams(dates);
  for (const name of ["worker_id", "role"]) {
    const value = shiftsFilter.elements[name].value;
    if (value) query.set(name, value);
  }
  let shifts;
  try {
    shifts = await api.get(`/api/rota/shifts?${query}`);
  } catch (error) {
    if (error.status === 422) showFieldErrors(error, "shifts", shiftsFilter);
    else loadFailed(container, error);
    return;
  }
  if (!shifts.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-shifts" }, "No on-call shifts in this period."));
    return;
  }
  const rows = shifts.map((shift) => {
    const actions = tableCell();
    renderActions(actions, shift);
    return tableRow({ dataset: { shiftId: shift.id, shiftRole: shift.role, worker: shift.worker.name } }, [
      workerCell(shift.worker, workers),
      roleTag(shift.role),
      formatWhen(shift.starts_at),
      formatWhen(shift.ends_at),
      formatHours(shift.hours),
      word("shift_source", shift.source),
      shiftStatus(shift),
      actions]);
  });
  container.replaceChildren(govukTable({
    id: "shifts-table", caption: "On-call shifts",
    heads: ["Worker and phone", "Role", "Start", "End", "Length", "Made by", "Status", "Actions"], rows,
  }));
}

shiftsFilter.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(shiftsFilter);
  loadShifts();
});

// ---- covers -----------------------------------------------------------------------------

const coverForm = document.getElementById("cover-form");

function prefillCover(shift) {
  clearErrors(coverForm);
  coverForm.reset();
  coverForm.elements.covered_worker_id.value = String(shift.worker.id);
  coverForm.querySelector(`input[name=role][value="${shift.role}"]`).checked = true;
  setWhen("cover-starts_at", toLocalInput(shift.starts_at));
  setWhen("cover-ends_at", toLocalInput(shift.ends_at));
  coverForm.scrollIntoView({ block: "start" });
  coverForm.elements.covering_worker_id.focus();
}

async function loadCovers() {
  const container = document.getElementById("covers");
  const today = londonToday();
  let covers;
  try {
    covers = await api.get(`/api/rota/covers?from=${addDays(today, -7)}&to=${addDays(today, 7 * 8)}`);
  } catch (error) {
    loadFailed(container, error);
    return;
  }
  if (!covers.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-covers" }, "No covers from last week to 8 weeks ahead."));
    return;
  }
  container.replaceChildren(h("ul", { class: "govuk-list govuk-list--spaced rota-covers", id: "covers-list" }, covers.map((cover) => h("li", { dataset: { coverId: cover.id } },
    h("strong", {}, `${cover.covering_worker.name} covers ${cover.covered_worker.name}`),
    ` from ${formatRange(cover.starts_at, cover.ends_at)}`,
    cover.role ? ` (${cover.role} only)` : " (primary and backup)",
    cover.reason ? `. Reason: ${cover.reason}` : "",
    "."))));
}

coverForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(coverForm);
  const f = coverForm.elements;
  const [times, dateErrors] = readDates("cover", {
    starts_at: { name: "start", missing: "Enter when the cover starts" },
    ends_at: { name: "end", missing: "Enter when the cover ends" },
  });
  const errors = [];
  if (!f.covered_worker_id.value) errors.push({ loc: ["covered_worker_id"], msg: "Choose who is away" });
  if (!f.covering_worker_id.value) errors.push({ loc: ["covering_worker_id"], msg: "Choose who covers them" });
  errors.push(...dateErrors);
  if (errors.length) {
    showFieldErrors(errors, "cover", coverForm);
    return;
  }
  const role = coverForm.querySelector("input[name=role]:checked")?.value || null;
  try {
    const cover = await api.post("/api/rota/covers", {
      covered_worker_id: Number(f.covered_worker_id.value),
      covering_worker_id: Number(f.covering_worker_id.value),
      role,
      starts_at: times.starts_at,
      ends_at: times.ends_at,
      reason: f.reason.value.trim(),
    });
    coverForm.reset();
    showBanner(`${cover.covering_worker.name} covers ${cover.covered_worker.name} from ${formatRange(cover.starts_at, cover.ends_at)}: ${cover.shift_ids.length} shift${cover.shift_ids.length === 1 ? "" : "s"} handed over.`);
    await refresh();
  } catch (error) {
    showFieldErrors(error, "cover", coverForm);
  }
});

// ---- swaps ------------------------------------------------------------------------------

const swapsFilter = document.getElementById("swaps-filter");

function swapTag(status) {
  return govukWordTag("swap_status", status);
}

async function decideSwap(swap, action, body) {
  try {
    const result = await api.post(`/api/rota/swaps/${swap.id}/${action}`, body);
    const words = { accept: "accepted", decline: "declined", cancel: "cancelled" };
    showBanner(`Swap request ${swap.id} ${words[action]}${result.accepted_by ? `: ${result.accepted_by.name} takes the shift` : ""}.`);
  } catch (error) {
    showFieldErrors(error, `swap-${swap.id}`, document);
  }
  await refresh();
}

function swapActions(swap) {
  if (!canEdit || swap.status !== "pending") return null;
  const box = h("div", { class: "rota-actions" });
  let takerSelect = null;
  if (!swap.with_worker) {
    const id = `swap-${swap.id}-worker_id`;
    takerSelect = h("select", { class: "govuk-select", id }, h("option", { value: "" }, "Choose a worker"),
      workers.filter((w) => w.id !== swap.requested_by.id && w.active).map((w) => h("option", { value: w.id }, w.name)));
    box.append(h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label govuk-label--s", for: id }, "Who takes the shift"), takerSelect));
  }
  const actions = h("div", { class: "govuk-button-group" });
  box.append(actions);
  const hidden = h("span", { class: "govuk-visually-hidden" }, ` swap request ${swap.id}`);
  actions.append(
    h("button", {
      type: "button", class: "govuk-button",
      onclick: () => {
        if (takerSelect && !takerSelect.value) {
          showFieldErrors([{ loc: ["worker_id"], msg: "Choose who takes the shift" }], `swap-${swap.id}`, document);
          return;
        }
        decideSwap(swap, "accept", takerSelect ? { worker_id: Number(takerSelect.value) } : {});
      },
    }, "Accept", hidden.cloneNode(true)),
    h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: () => decideSwap(swap, "decline") }, "Decline", hidden.cloneNode(true)),
    h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: () => decideSwap(swap, "cancel") }, "Cancel the request", hidden.cloneNode(true)));
  return box;
}

async function loadSwaps() {
  const container = document.getElementById("swaps");
  const status = swapsFilter.elements.status.value;
  let swaps;
  try {
    swaps = await api.get(`/api/rota/swaps${status ? `?status=${status}` : ""}`);
  } catch (error) {
    loadFailed(container, error);
    return;
  }
  if (!swaps.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-swaps" }, "No swap requests."));
    return;
  }
  container.replaceChildren(h("ul", { class: "govuk-list", id: "swaps-list" }, swaps.map((swap) => h("li", { class: "rota-swap", dataset: { swapId: swap.id } },
    h("p", { class: "govuk-body" }, swapTag(swap.status), " ",
      h("strong", {}, `${workerWithPhone(swap.requested_by, workers)} asks to swap`),
      ` a ${swap.role} shift, ${formatRange(swap.starts_at, swap.ends_at)}, `,
      swap.with_worker ? `with ${workerWithPhone(swap.with_worker, workers)}` : "with anyone who can take it",
      swap.accepted_by ? `. Taken by ${swap.accepted_by.name}` : "",
      "."),
    swap.note ? h("p", { class: "govuk-body-s" }, `Note: ${swap.note}`) : null,
    h("details", { class: "govuk-details" },
      h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, `History of request ${swap.id}`)),
      h("div", { class: "govuk-details__text" },
        h("ol", { class: "govuk-list govuk-list--number" }, swap.history.map((item) => h("li", {},
          `${formatWhen(item.at)}: ${word("swap_status", item.status).toLowerCase()}`))))),
    swapActions(swap)))));
}

swapsFilter.addEventListener("submit", (event) => {
  event.preventDefault();
  loadSwaps();
});

// ---- leave ------------------------------------------------------------------------------

const leaveForm = document.getElementById("leave-form");

async function loadLeave() {
  const container = document.getElementById("leave");
  let leave;
  try {
    leave = await api.get("/api/rota/leave");
  } catch (error) {
    loadFailed(container, error);
    return;
  }
  const now = Date.now();
  leave = leave.filter((item) => new Date(item.ends_at).getTime() > now);
  if (!leave.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-leave" }, "No leave recorded from now on."));
    return;
  }
  container.replaceChildren(h("ul", { class: "govuk-list govuk-list--spaced", id: "leave-list" }, leave.map((item) => h("li", { dataset: { leaveId: item.id } },
    h("strong", {}, item.worker.name), ` is away ${formatRange(item.starts_at, item.ends_at)}`, item.reason ? ` (${item.reason})` : "", ". ",
    canEdit ? linkButton("Remove", ` the leave of ${item.worker.name}`, async () => {
        try {
          await api.delete(`/api/rota/leave/${item.id}`);
          showBanner(`Leave of ${item.worker.name} removed.`);
        } catch (error) {
          showFieldErrors(error, "leave", leaveForm);
        }
        await refresh();
      }) : null))));
}

leaveForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(leaveForm);
  const f = leaveForm.elements;
  const [times, dateErrors] = readDates("leave", {
    starts_at: { name: "start", missing: "Enter when the leave starts" },
    ends_at: { name: "end", missing: "Enter when the leave ends" },
  });
  const errors = [];
  if (!f.worker_id.value) errors.push({ loc: ["worker_id"], msg: "Choose the worker who is away" });
  errors.push(...dateErrors);
  if (errors.length) {
    showFieldErrors(errors, "leave", leaveForm);
    return;
  }
  try {
    const leave = await api.post("/api/rota/leave", {
      worker_id: Number(f.worker_id.value), starts_at: times.starts_at, ends_at: times.ends_at, reason: f.reason.value.trim(),
    });
    leaveForm.reset();
    showBanner(`Leave added: ${leave.worker.name} is away ${formatRange(leave.starts_at, leave.ends_at)}.`);
    await refresh();
  } catch (error) {
    showFieldErrors(error, "leave", leaveForm);
  }
});

// ---- the page ---------------------------------------------------------------------------

async function refresh() {
  await Promise.all([loadGaps(), loadShifts(), loadCovers(), loadSwaps(), loadLeave()]);
  document.body.dataset.rotaLoaded = String(Number(document.body.dataset.rotaLoaded || 0) + 1);
}

async function start() {
  const today = londonToday();
  const isDate = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text || "");
  setDate("shifts-from", isDate(params.get("from")) ? params.get("from") : today);
  setDate("shifts-to", isDate(params.get("to")) ? params.get("to") : addDays(today, 13));
  if (params.get("weeks")) weeksInput.value = params.get("weeks");
  canEdit = await coordinatorOrReader();
  try {
    workers = await rotaWorkers();
    for (const id of ["shifts-worker", "cover-covered_worker_id", "cover-covering_worker_id", "leave-worker_id"]) {
      fillWorkerSelect(document.getElementById(id), workers);
    }
  } catch {
    // the sections say why they are empty
  }
  hideBanner();
  await refresh();
  if (canEdit && shiftForm) {
    if (params.get("edit")) await shiftForm.editById(params.get("edit"));
    else if (params.get("add")) {
      shiftForm.prefill({ role: params.get("add"), startsAt: params.get("start") || "", endsAt: params.get("end") || "", workerId: params.get("worker") });
    }
  }
}

start();
