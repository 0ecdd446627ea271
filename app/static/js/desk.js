// The desk: availability per line, the live call card, my open records, callback tasks,
// my on-call shifts. Live events arrive by Server-Sent Events from /api/events.
import {
  ApiError, announce, api, formatDateTime, h, hasRole, loadOr, me,
} from "/static/js/api.js";
import { clearErrors, govukTag, showErrors } from "/static/js/govuk.js";
import { choices, govukWordTag, word } from "/static/js/words.js";

const AUTO_OPEN_KEY = "dutyline.desk.autoOpen";

let user = null;
const shownCalls = new Set();

// ---- availability -----------------------------------------------------------------------

function renderAvailability(worker) {
  const container = document.getElementById("availability");
  container.replaceChildren();
  if (!worker) {
    container.append(h("p", {}, "This account is not linked to a worker, so no calls ring it."));
    return;
  }
  const list = h("ul", { class: "govuk-list govuk-list--spaced", id: "availability-lines" });
  for (const line of worker.lines) {
    const available = line.availability !== "offline";
    const button = h(
      "button",
      {
        type: "button",
        class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-top-1",
        dataset: { line: line.key },
        onclick: () => setAvailability(available ? "offline" : "available", [line.key]),
      },
      available ? "Go offline" : "Go available",
      h("span", { class: "govuk-visually-hidden" }, ` on the ${line.name}`),
    );
    list.append(h("li", { dataset: { lineKey: line.key } },
      h("strong", {}, line.name), " ", govukWordTag("availability", line.availability), h("br"), button));
  }
  container.append(list);
  if (worker.lines.length > 1) {
    container.append(h("div", { class: "govuk-button-group desk-all-lines" },
      h("button", { type: "button", class: "govuk-button", id: "all-available",
        onclick: () => setAvailability("available", null) }, "Available on all lines"),
      h("button", { type: "button", class: "govuk-button govuk-button--secondary", id: "all-offline",
        onclick: () => setAvailability("offline", null) }, "Offline on all lines")));
  }
}

async function setAvailability(availability, lines) {
  const status = document.getElementById("availability-status");
  try {
    user = await api.put("/api/me/availability", { availability, lines });
    renderAvailability(user.worker);
    const where = lines ? "on that line" : "on all your lines";
    announce(status, availability === "available" ? `You are available ${where}.` : `You are offline ${where}.`);
  } catch (error) {
    showErrors(error instanceof ApiError ? error : [{ loc: [], msg: String(error) }]);
  }
}

// ---- the live call card -----------------------------------------------------------------

function autoOpen() {
  return window.localStorage.getItem(AUTO_OPEN_KEY) === "1";
}

function showCallCard(recordId, kind) {
  if (shownCalls.has(`${kind}:${recordId}`)) return;
  shownCalls.add(`${kind}:${recordId}`);
  const href = `/records/${recordId}`;
  const title = kind === "call.accepted" ? "You accepted a call" : "A record was assigned to you";
  const facts = h("p", { class: "govuk-body" }, `Conversation record ${recordId}`);
  const link = h("a", { class: "govuk-button govuk-!-margin-bottom-0", href, "data-open-record": recordId, draggable: "false" }, "Open the conversation record");
  const titleId = `call-card-${kind.replace(".", "-")}-${recordId}`;
  const card = h("div", { class: "govuk-notification-banner govuk-notification-banner--success", "data-call-card": recordId,
    role: "region", "aria-labelledby": titleId },
    h("div", { class: "govuk-notification-banner__header" },
      h("h2", { class: "govuk-notification-banner__title", id: titleId }, title)),
    h("div", { class: "govuk-notification-banner__content" }, facts, link));
  document.getElementById("call-cards").prepend(card);
  if (kind === "call.accepted" && autoOpen()) {
    window.location.assign(href);
    return;
  }
  link.focus();
  // The facts follow the card; the card does not wait for them.
  api.get(`/api/records/${recordId}`).then((record) => {
    const call = record.call;
    const from = call.caller_number ? `from ${call.caller_words}` : "from a withheld number";
    facts.textContent = `${call.line.name}, ${from}, ${formatDateTime(call.answered_at || call.started_at)}.`;
    if (record.flags && record.flags.re_referral) facts.append(" ", govukTag("Re-referral", "red"));
  }).catch(() => {});
}

function connectLiveEvents() {
  const status = document.getElementById("live-status");
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => {
    document.body.dataset.live = "connected";
    status.textContent = "Live updates are on: accepted calls appear here.";
  });
  source.addEventListener("error", () => {
    document.body.dataset.live = "reconnecting";
    status.textContent = "Live updates paused: reconnecting…";
  });
  source.addEventListener("call.accepted", (event) => {
    const { record_id: recordId } = JSON.parse(event.data);
    showCallCard(recordId, "call.accepted");
    refreshMe();
    loadOpenRecords();
  });
  source.addEventListener("record.assigned", (event) => {
    const { record_id: recordId } = JSON.parse(event.data);
    showCallCard(recordId, "record.assigned");
    loadOpenRecords();
  });
  source.addEventListener("callback.created", () => {
    loadCallbacks();
    announce(document.getElementById("callbacks-status"), "A new callback task has arrived.");
  });
  return source;
}

async function refreshMe() {
  try {
    user = await me({ refresh: true });
    renderAvailability(user.worker);
  } catch { /* the next event or reload will try again */ }
}

// ---- my open records --------------------------------------------------------------------

async function loadOpenRecords() {
  const container = document.getElementById("open-records");
  const page = await loadOr(container, () => api.get("/api/records?mine=true&open=true&per_page=50"));
  if (!page) return;
  if (!page.items.length) {
    container.replaceChildren(h("p", {}, "You have no open records."));
    return;
  }
  const cell = (...content) => h("td", { class: "govuk-table__cell" }, ...content);
  const heading = (text) => h("th", { scope: "col", class: "govuk-table__header" }, text);
  const rows = page.items.map((record) => h("tr", { class: "govuk-table__row" },
    cell(h("a", { class: "govuk-link", href: `/records/${record.id}` }, formatDateTime(record.started_at))),
    cell(record.line.name),
    cell(record.children.length ? record.children.join(", ") : "Not written yet"),
    cell(govukWordTag("record_status", record.status))));
  container.replaceChildren(h("table", { class: "govuk-table govuk-table--small-text-until-tablet desk-table", id: "open-records-table" },
    h("caption", { class: "govuk-table__caption govuk-visually-hidden" }, "Your open records"),
    h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" },
      heading("Call"), heading("Line"), heading("Children"), heading("Status"))),
    h("tbody", { class: "govuk-table__body" }, rows)));
}

// ---- callback tasks ---------------------------------------------------------------------

async function loadCallbacks() {
  const container = document.getElementById("callbacks");
  const page = await loadOr(container, () => api.get("/api/callbacks?limit=100"));
  if (!page) return;
  const myWorker = user && user.worker ? user.worker.id : null;
  const tasks = page.items.filter((task) => task.status !== "done");
  if (!tasks.length) {
    container.replaceChildren(h("p", {}, "There are no callback tasks waiting."));
    return;
  }
  const list = h("ul", { class: "govuk-list", id: "callback-list" });
  for (const task of tasks) list.append(callbackItem(task, myWorker));
  container.replaceChildren(list);
}

function callbackItem(task, myWorker) {
  const why = word("callback_reason", task.reason);
  const item = h("li", { class: "govuk-summary-card govuk-!-padding-3", dataset: { callback: task.id } },
    h("h3", { class: "govuk-heading-m" }, `${task.line.name}: ${task.caller_number ? task.caller_words : "withheld number"}`),
    h("p", { class: "govuk-body" }, task.urgent ? govukTag("Urgent", "red") : null, task.urgent ? " " : null,
      govukWordTag("callback_status", task.status), " ",
      `${why}, ${formatDateTime(task.created_at)}.`,
      task.recording_url ? [" ", h("a", { class: "govuk-link", href: task.recording_url, rel: "noreferrer" }, "Listen to the message"), "."] : null,
      " ", h("a", { class: "govuk-link", href: `/records/${task.record_id}` }, "Open its record"), "."),
    attemptsTable(task));
  const status = h("p", { class: "govuk-body-s", role: "status" });
  if (task.status === "open") {
    item.append(h("button", { type: "button", class: "govuk-button govuk-button--secondary",
      onclick: () => claim(task.id, status) }, "Claim", h("span", { class: "govuk-visually-hidden" }, ` callback to ${task.caller_number ? task.caller_words : "withheld number"}`)));
  } else if (task.claimed_by && task.claimed_by.id === myWorker) {
    item.append(attemptForm(task), completeForm(task, status));
  } else if (task.claimed_by) {
    item.append(h("p", { class: "govuk-body" }, `Claimed by ${task.claimed_by.name}.`));
  }
  item.append(status);
  return item;
}

// Each try at calling back so far (issue 11): when, who, what came of it.
function attemptsTable(task) {
  if (!task.attempts || !task.attempts.length) return null;
  const cell = (...content) => h("td", { class: "govuk-table__cell" }, ...content);
  return h("table", { class: "govuk-table", dataset: { attempts: task.id } },
    h("caption", { class: "govuk-table__caption govuk-table__caption--s" },
      `Tries at calling back: ${task.attempts.length}`),
    h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" },
      ["When", "Who", "What happened", "Note"].map((text) => h("th", { scope: "col", class: "govuk-table__header" }, text)))),
    h("tbody", { class: "govuk-table__body" }, task.attempts.map((attempt) => h("tr", { class: "govuk-table__row" },
      cell(formatDateTime(attempt.at)), cell(attempt.worker.name),
      cell(govukWordTag("callback_attempt_result", attempt.result)), cell(attempt.note)))));
}

function radios(name, legend, options) {
  return h("div", { class: "govuk-form-group" },
    h("fieldset", { class: "govuk-fieldset" },
      h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, legend),
      h("div", { class: "govuk-radios govuk-radios--small", "data-module": "govuk-radios" },
        options.map(([value, label], index) => {
          const optionId = index ? `${name}-${value}` : name;
          return h("div", { class: "govuk-radios__item" },
            h("input", { class: "govuk-radios__input", type: "radio", name, id: optionId, value }),
            h("label", { class: "govuk-label govuk-radios__label", for: optionId }, label));
        }))));
}

// A try that did not reach the caller leaves the task here, in its place, to try again.
function attemptForm(task) {
  const id = `callback-${task.id}-attempt`;
  const form = h("form", { novalidate: true, "aria-label": "Record a try at calling back" },
    radios(`${id}-result`, "Record a try at calling back", choices("callback_attempt_result")),
    h("div", { class: "govuk-form-group" },
      h("label", { class: "govuk-label", for: `${id}-note` }, "Note about the try (optional)"),
      h("input", { class: "govuk-input", id: `${id}-note`, type: "text", maxlength: 500 })),
    h("button", { type: "submit", class: "govuk-button govuk-button--secondary" }, "Record the try"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = form.querySelector(`input[name="${id}-result"]:checked`);
    if (!checked) {
      showErrors([{ loc: [`${id}-result`], msg: "Choose what happened when you called" }], { fieldIdFor: (loc) => loc[0] });
      return;
    }
    try {
      await api.post(`/api/callbacks/${task.id}/attempts`, { result: checked.value, note: form.querySelector(`#${id}-note`).value.trim() });
      clearErrors();
      await loadCallbacks();
      announce(document.getElementById("callbacks-status"), checked.value === "reached"
        ? "Try recorded: you reached the caller. Complete the task saying what happened."
        : "Try recorded. The task stays here, in its place, to try again.");
    } catch (error) {
      showErrors(error, { fieldIdFor: (loc) => ({ result: `${id}-result`, note: `${id}-note` })[loc[loc.length - 1]] || "" });
    }
  });
  return form;
}

function completeForm(task, status) {
  const id = `callback-${task.id}`;
  const form = h("form", { novalidate: true, "aria-label": "Complete the callback" },
    radios(`${id}-outcome`, "What happened?", choices("callback_outcome")),
    h("div", { class: "govuk-form-group" },
      h("label", { class: "govuk-label", for: `${id}-resolution` }, "Notes"),
      h("textarea", { class: "govuk-textarea", id: `${id}-resolution`, rows: 3, maxlength: 500 })),
    h("button", { type: "submit", class: "govuk-button" }, "Complete callback"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = form.querySelector(`input[name="${id}-outcome"]:checked`);
    const resolution = form.querySelector("textarea").value.trim();
    const errors = [];
    if (!checked) errors.push({ loc: [`${id}-outcome`], msg: "Choose what happened" });
    if (!resolution) errors.push({ loc: [`${id}-resolution`], msg: "Write what happened" });
    if (errors.length) {
      showErrors(errors, { fieldIdFor: (loc) => loc[0] });
      return;
    }
    try {
      await api.post(`/api/callbacks/${task.id}/complete`, { outcome: checked.value, resolution });
      clearErrors();
      await loadCallbacks();
      announce(document.getElementById("callbacks-status"), "Callback completed.");
    } catch (error) {
      showErrors(error, { fieldIdFor: (loc) => ({ outcome: `${id}-outcome`, resolution: `${id}-resolution` })[loc[loc.length - 1]] || "" });
    }
  });
  return form;
}

async function claim(taskId, status) {
  try {
    await api.post(`/api/callbacks/${taskId}/claim`);
    await loadCallbacks();
    announce(document.getElementById("callbacks-status"), "Callback claimed: it is yours to complete.");
  } catch (error) {
    announce(status, error.message);
    if (error instanceof ApiError && error.status === 409) loadCallbacks();
  }
}

// ---- on-call shifts and swap requests ----------------------------------------------------
// A worker asks for a swap of an upcoming shift (a colleague, or anyone), sees each request's
// answer in words and may withdraw one still waiting; they take or decline the swaps others
// ask of them. The rota API decides who may do what.

let swapShift = null; // the shift the swap form asks about

function shiftWords(shift) {
  return `${word("on_call_role", shift.role)} on call, ${formatDateTime(shift.starts_at)} to ${formatDateTime(shift.ends_at)}`;
}

// What the asker reads: their own withdrawal is "Withdrawn", a coordinator's is "Cancelled".
function swapStatusTag(swap) {
  if (swap.status !== "cancelled") return govukWordTag("swap_status", swap.status);
  const last = swap.history[swap.history.length - 1];
  const mine = last && user && last.by_user_id === user.id;
  return govukTag(mine ? "Withdrawn" : "Cancelled by a coordinator", "grey");
}

function swapFieldId(loc) {
  const name = (loc || [])[loc.length - 1];
  return { with_worker_id: "swap-with_worker_id", note: "swap-note" }[name] || "";
}

function openSwapForm(shift) {
  const form = document.getElementById("swap-form");
  clearErrors(form);
  swapShift = shift;
  form.reset();
  document.getElementById("swap-shift").textContent = `${shiftWords(shift)}.`;
  form.hidden = false;
  document.getElementById("swap-with_worker_id").focus();
}

function closeSwapForm() {
  const form = document.getElementById("swap-form");
  clearErrors(form);
  form.hidden = true;
  swapShift = null;
}

async function sendSwap(event) {
  event.preventDefault();
  const form = event.target;
  const withWorker = form.elements.with_worker_id.value;
  const note = form.elements.note.value.trim();
  if (note.length > 200) {
    showErrors([{ loc: ["note"], msg: "Write the message in 200 characters or fewer" }], { form, fieldIdFor: swapFieldId });
    return;
  }
  try {
    const swap = await api.post("/api/rota/swaps", {
      shift_id: swapShift.id, with_worker_id: withWorker ? Number(withWorker) : null, note,
    });
    closeSwapForm();
    announce(document.getElementById("swap-status"),
      `Swap request sent for your shift ${formatDateTime(swap.starts_at)}: waiting for an answer${swap.with_worker ? ` from ${swap.with_worker.name}` : ""}.`);
    await loadShifts();
  } catch (error) {
    const list = error instanceof ApiError ? error.details : [];
    showErrors(list.length ? list : [{ loc: [], msg: error.message }], { form, fieldIdFor: swapFieldId });
  }
}

async function withdrawSwap(swap) {
  const status = document.getElementById("swap-status");
  try {
    await api.post(`/api/rota/swaps/${swap.id}/cancel`);
    announce(status, `Swap request for ${formatDateTime(swap.starts_at)} withdrawn.`);
  } catch (error) {
    announce(status, error.message);
  }
  await loadShifts();
}

function renderShifts(shifts, waiting) {
  const container = document.getElementById("shifts");
  if (!shifts.length) {
    container.replaceChildren(h("p", { class: "govuk-body" }, "You have no on-call shifts in the next 8 weeks."));
    return;
  }
  container.replaceChildren(h("ul", { class: "govuk-list govuk-list--spaced", id: "my-shifts" }, shifts.map((shift) => {
    const asked = waiting.has(shift.id);
    return h("li", { dataset: { shiftId: shift.id } },
      govukWordTag("on_call_role", shift.role), " ", `${formatDateTime(shift.starts_at)} to ${formatDateTime(shift.ends_at)}`,
      h("br"),
      asked
        ? h("span", { class: "govuk-body-s" }, "Swap asked: waiting for an answer.")
        : h("button", { type: "button", class: "govuk-link link-button", onclick: () => openSwapForm(shift) },
          "Ask for a swap", h("span", { class: "govuk-visually-hidden" }, ` of your shift ${shiftWords(shift)}`)));
  })));
}

function renderMySwaps(swaps) {
  const container = document.getElementById("my-swaps");
  if (!swaps.length) {
    container.replaceChildren(h("p", { class: "govuk-body" }, "You have not asked for any swaps."));
    return;
  }
  container.replaceChildren(h("ul", { class: "govuk-list govuk-list--spaced", id: "my-swaps-list" }, swaps.map((swap) => h("li", { dataset: { swapId: swap.id } },
    swapStatusTag(swap), " ",
    `${word("on_call_role", swap.role)} on call, ${formatDateTime(swap.starts_at)} to ${formatDateTime(swap.ends_at)}, `,
    swap.with_worker ? `asked of ${swap.with_worker.name}` : "asked of anyone",
    swap.accepted_by ? `: ${swap.accepted_by.name} takes it` : "",
    ".",
    swap.note ? ` Your message: ${swap.note}` : "",
    swap.status === "pending"
      ? [" ", h("button", { type: "button", class: "govuk-link link-button", onclick: () => withdrawSwap(swap) },
        "Withdraw", h("span", { class: "govuk-visually-hidden" }, ` the swap request for ${formatDateTime(swap.starts_at)}`))]
      : null))));
}

async function answerSwap(swap, action) {
  const status = document.getElementById("swap-status");
  try {
    await api.post(`/api/rota/swaps/${swap.id}/${action}`);
    announce(status, action === "accept"
      ? `You take the shift ${formatDateTime(swap.starts_at)} to ${formatDateTime(swap.ends_at)} from ${swap.requested_by.name}.`
      : `You declined ${swap.requested_by.name}'s swap request.`);
  } catch (error) {
    announce(status, error.message);
  }
  await loadShifts();
}

// Swaps others ask this worker to take: one asked of them by name, or of anyone.
function renderOffered(offered, me) {
  document.getElementById("swaps-offered-box").hidden = !offered.length;
  const hidden = (swap) => h("span", { class: "govuk-visually-hidden" }, ` the swap from ${swap.requested_by.name}, ${formatDateTime(swap.starts_at)}`);
  document.getElementById("swaps-offered").replaceChildren(h("ul", { class: "govuk-list govuk-list--spaced", id: "swaps-offered-list" }, offered.map((swap) => h("li", { dataset: { swapId: swap.id } },
    h("p", { class: "govuk-body govuk-!-margin-bottom-2" },
      `${swap.requested_by.name} asks ${swap.with_worker ? "you" : "anyone"} to take: ${word("on_call_role", swap.role).toLowerCase()} on call, ${formatDateTime(swap.starts_at)} to ${formatDateTime(swap.ends_at)}.`,
      swap.note ? ` Message: ${swap.note}` : ""),
    h("div", { class: "govuk-button-group" },
      h("button", { type: "button", class: "govuk-button govuk-!-margin-bottom-0", onclick: () => answerSwap(swap, "accept") }, "Take the shift", hidden(swap)),
      swap.with_worker && swap.with_worker.id === me
        ? h("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0", onclick: () => answerSwap(swap, "decline") }, "Decline", hidden(swap))
        : null)))));
}

async function loadColleagues() {
  try {
    const colleagues = await api.get("/api/rota/colleagues", { redirectOn401: false });
    const select = document.getElementById("swap-with_worker_id");
    for (const colleague of colleagues) select.append(h("option", { value: colleague.id }, colleague.name));
  } catch { /* "anyone" still works */ }
}

async function loadShifts() {
  let shifts;
  let swaps = [];
  try {
    shifts = await api.get("/api/rota/mine?weeks=8", { redirectOn401: false });
    swaps = await api.get("/api/rota/swaps", { redirectOn401: false });
  } catch {
    if (!shifts) return; // no rota API here: the section stays hidden
  }
  if (!Array.isArray(shifts)) return;
  document.getElementById("shifts-section").hidden = false;
  const me = user && user.worker ? user.worker.id : null;
  const mine = swaps.filter((swap) => swap.requested_by.id === me);
  const waiting = new Set(mine.filter((swap) => swap.status === "pending").map((swap) => swap.shift_id));
  renderShifts(shifts.filter((shift) => !shift.finished), waiting);
  renderMySwaps(mine);
  renderOffered(swaps.filter((swap) => swap.status === "pending" && swap.requested_by.id !== me
    && (!swap.with_worker || swap.with_worker.id === me)), me);
  document.body.dataset.shiftsLoaded = String(Number(document.body.dataset.shiftsLoaded || 0) + 1);
}

function setupSwaps() {
  document.getElementById("swap-form").addEventListener("submit", sendSwap);
  document.getElementById("swap-close").addEventListener("click", closeSwapForm);
  loadColleagues();
}

// ---- where calls go now -----------------------------------------------------------------

const CALLS_NOW_SECONDS = 60;

function callsNowLine(item, onCall) {
  const out = item.period === "out_of_hours";
  const value = [h("p", { class: "govuk-body govuk-!-margin-bottom-1" }, item.words)];
  if (out) {
    const names = (list) => list.join(", ") || "nobody";
    value.push(onCall.primary.length || onCall.backup.length
      ? h("p", { class: "govuk-body govuk-!-margin-bottom-0" }, `On call: ${names(onCall.primary)} (primary), ${names(onCall.backup)} (backup).`)
      : h("p", { class: "govuk-body govuk-!-margin-bottom-0 govuk-!-font-weight-bold" }, "Nobody is on call: calls go to the fallback number, then a message."));
  }
  return h("div", { class: "govuk-summary-list__row", dataset: { callsNowLine: item.line.key, period: item.period } },
    h("dt", { class: "govuk-summary-list__key" }, item.line.name),
    h("dd", { class: "govuk-summary-list__value" }, value));
}

function callsNowClosures(closures) {
  if (!closures.length) return [];
  return [
    h("h3", { class: "govuk-heading-s" }, "Closures and openings, now and in the next 7 days"),
    h("ul", { class: "govuk-list govuk-list--bullet", id: "calls-now-closures" }, closures.map((closure) =>
      h("li", { dataset: { closureId: closure.id } },
        closure.state === "running" ? [h("strong", {}, "Now: "), closure.words] : closure.words))),
  ];
}

async function loadCallsNow() {
  const container = document.getElementById("calls-now");
  const now = await loadOr(container, () => api.get("/api/desk/now"));
  if (!now) return;
  const yours = now.you.length
    ? h("div", { class: "govuk-inset-text", id: "calls-now-you" }, now.you.map((text) => h("p", { class: "govuk-body govuk-!-font-weight-bold" }, text)))
    : null;
  container.replaceChildren(...[yours,
    h("dl", { class: "govuk-summary-list", id: "calls-now-lines" }, now.lines.map((item) => callsNowLine(item, now.on_call))),
    ...callsNowClosures(now.closures)].filter(Boolean));
  document.body.dataset.callsNowLoaded = String(Number(document.body.dataset.callsNowLoaded || 0) + 1);
}

function startCallsNow() {
  loadCallsNow();
  window.setInterval(loadCallsNow, CALLS_NOW_SECONDS * 1000);
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  const checkbox = document.getElementById("auto-open");
  checkbox.checked = autoOpen();
  checkbox.addEventListener("change", () => {
    window.localStorage.setItem(AUTO_OPEN_KEY, checkbox.checked ? "1" : "0");
  });
  try {
    user = await me();
  } catch {
    return;
  }
  if (!hasRole(user, "worker")) return; // the server gives other roles a page saying whom this is for
  if (user.worker) document.querySelector("[data-desk-worker]").textContent = user.worker.name;
  renderAvailability(user.worker);
  startCallsNow();
  connectLiveEvents();
  loadOpenRecords();
  loadCallbacks();
  setupSwaps();
  loadShifts();
}

start();
