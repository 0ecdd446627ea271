// The calendar: a week or a month of on-call cover for one line, primary and backup.
// Select a shift to change it; select "Add" in a gap to fill it. Gaps carry words
// ("GAP: no primary") as well as a colour and stripes.
import { api, h } from "/static/js/api.js";
import { formatClock, formatWeekday } from "/static/js/london.js";
import { word } from "/static/js/words.js";
import {
  LINE_NAMES, addDays, coordinatorOrReader, formatDay, formatRange, gapTag, loadFailed,
  londonDate, londonToday, toLocalInput,
} from "/static/js/rota_common.js";
import { setupShiftForm } from "/static/js/rota_shift_form.js";

const params = new URLSearchParams(window.location.search);
const view = params.get("view") === "month" ? "month" : "week";
const line = params.get("line") || "professional";
const today = londonToday();
const day = /^\d{4}-\d{2}-\d{2}$/.test(params.get("date") || "") ? params.get("date") : today;
const ROLES = ["primary", "backup"];
let canEdit = false;
const shiftForm = setupShiftForm({ onSaved: loadCalendar });


// A time as seen from the day's cell: "22:00", or "Tue 09:00" when it falls on another day.
// Midnight at the end of the day is "24:00".
function timeFrom(dayIso, iso) {
  const clock = formatClock(iso);
  const date = londonDate(iso);
  if (date === dayIso) return clock;
  if (clock === "00:00" && date === addDays(dayIso, 1)) return "24:00";
  return `${formatWeekday(iso)} ${clock}`;
}

function span(dayIso, startIso, endIso) {
  return `${timeFrom(dayIso, startIso)}–${timeFrom(dayIso, endIso)}`;
}

function shiftButton(dayIso, shift) {
  const times = span(dayIso, shift.starts_at, shift.ends_at);
  // The accessible name starts with the visible words (the worker, then the times); the
  // role, the line and the full dates follow in visually hidden text, not an aria-label.
  const role = `${word("on_call_role", shift.role).toLowerCase()} on call`;
  const details = `, ${role}, ${LINE_NAMES[line] || line} line, ${formatRange(shift.starts_at, shift.ends_at)}`;
  const content = [
    h("span", { class: "rota-slot__who" }, shift.worker.name),
    h("span", { class: "govuk-visually-hidden" }, " "), times,
  ];
  if (!canEdit || shift.finished) {
    return h("span", { class: `rota-slot rota-slot--${shift.role}`, dataset: { shiftId: shift.id } },
      content, h("span", { class: "govuk-visually-hidden" }, details));
  }
  return h("button", {
    type: "button", class: `rota-slot rota-slot--${shift.role}`, dataset: { shiftId: shift.id },
    onclick: () => shiftForm.edit(shift),
  }, content, h("span", { class: "govuk-visually-hidden" }, `${details}: change this shift`));
}

function gapBox(dayIso, gap) {
  const now = Date.now();
  const times = span(dayIso, gap.starts_at, gap.ends_at);
  // Time already gone is not a gap to fix: plain words, no warning colour, nothing to add.
  if (new Date(gap.ends_at).getTime() <= now) {
    return h("span", { class: "body-s rota-no-cover", dataset: { gapRole: gap.role, past: "yes" } },
      `No cover (past) ${times}`);
  }
  const box = h("div", { class: "rota-gap", dataset: { gapRole: gap.role, past: "no" } },
    gapTag(gap.role), h("span", { class: "rota-gap__times" }, times));
  if (canEdit) {
    const start = new Date(Math.max(new Date(gap.starts_at).getTime(), now)).toISOString();
    box.append(h("button", {
      type: "button", class: "link-button",
      onclick: () => shiftForm.prefill({
        role: gap.role, startsAt: toLocalInput(start), endsAt: toLocalInput(gap.ends_at),
        why: `Filling the gap with no ${gap.role} from ${formatRange(start, gap.ends_at)}.`,
      }),
    }, `Add a ${gap.role} shift`, h("span", { class: "visually-hidden" }, ` from ${formatRange(start, gap.ends_at)}`)));
  }
  return box;
}

function roleCell(dayData, role) {
  const shifts = dayData.shifts.filter((shift) => shift.role === role);
  const gaps = dayData.gaps.filter((gap) => gap.role === role);
  const items = [...shifts.map((s) => [s.starts_at, shiftButton(dayData.date, s)]), ...gaps.map((g) => [g.starts_at, gapBox(dayData.date, g)])];
  items.sort((a, b) => a[0].localeCompare(b[0]));
  return items.length ? items.map(([, element]) => element) : [h("span", { class: "body-s" }, "Nobody needed")];
}

function windowsText(dayData) {
  if (!dayData.windows.length) return "In hours all day";
  return `Out of hours ${dayData.windows.map((w) => span(dayData.date, w.starts_at, w.ends_at)).join(", ")}`;
}

function dayHeading(dayData, { compact = false } = {}) {
  const label = compact
    ? formatDay(dayData.date, { day: "numeric", month: "short" })
    : formatDay(dayData.date, { weekday: "short", day: "numeric", month: "short" });
  return [
    h("span", { class: "rota-calendar__day" }, label, dayData.date === today ? " (today)" : ""),
    dayData.bank_holiday ? h("span", { class: "rota-calendar__bank-holiday" }, `Bank holiday: ${dayData.bank_holiday}`) : null,
  ];
}

// ---- closures and openings: a band in words on each day they touch ----------------------

// The closures and openings of the shown days on this line (all-lines ones included), or
// none when they cannot be read: the calendar still shows the cover.
async function loadClosures(calendar) {
  try {
    const found = await api.get(`/api/closures?${new URLSearchParams({ from: calendar.from, to: calendar.to })}`);
    return found.filter((closure) => !closure.line || closure.line.key === calendar.line);
  } catch {
    return [];
  }
}

function closuresOn(dayIso, closures) {
  return closures.filter((closure) => londonDate(closure.starts_at) <= dayIso
    && londonDate(new Date(new Date(closure.ends_at).getTime() - 1).toISOString()) >= dayIso);
}

// "Closed for Team training 13:00–17:00: calls go to on-call", words first, a tag beside.
function closureBand(dayIso, closure) {
  const closing = closure.kind === "closure";
  const effect = closing ? "calls go to on-call" : "the duty team answers";
  return h("p", { class: `govuk-body-s rota-closure rota-closure--${closure.kind}`, dataset: { closureId: closure.id } },
    h("strong", { class: `govuk-tag govuk-tag--${closing ? "orange" : "turquoise"}` }, closing ? "Closed" : "Open"), " ",
    `${closing ? "Closed" : "Open"} for ${closure.reason} ${span(dayIso, closure.starts_at, closure.ends_at)}: ${effect}`);
}

function closureCell(dayData, closures) {
  const bands = closuresOn(dayData.date, closures).map((closure) => closureBand(dayData.date, closure));
  return bands.length ? bands : [h("span", { class: "govuk-body-s" }, "Usual hours")];
}

function renderWeek(calendar) {
  const caption = `${LINE_NAMES[calendar.line] || calendar.line} line, week of ${formatDay(calendar.from)}`;
  return h("table", { class: "rota-calendar rota-calendar--week", id: "calendar-grid" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("td", {}), calendar.days.map((d) => h("th", {
      scope: "col", class: d.date === today ? "rota-calendar__today" : null, dataset: { date: d.date },
    }, dayHeading(d))))),
    h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, "Out of hours"), calendar.days.map((d) => h("td", { dataset: { date: d.date } },
        h("span", { class: "rota-calendar__windows" }, windowsText(d))))),
      h("tr", { dataset: { row: "closures" } }, h("th", { scope: "row" }, "Closures and openings"),
        calendar.days.map((d) => h("td", { dataset: { date: d.date } }, closureCell(d, calendar.closures)))),
      ROLES.map((role) => h("tr", { dataset: { role } }, h("th", { scope: "row" }, word("on_call_role", role)),
        calendar.days.map((d) => h("td", {
          class: d.date === today ? "rota-calendar__today" : null, dataset: { date: d.date, role },
        }, roleCell(d, role)))))));
}

function renderMonth(calendar) {
  const caption = `${LINE_NAMES[calendar.line] || calendar.line} line, ${formatDay(calendar.from, { month: "long", year: "numeric" })}`;
  const byDate = new Map(calendar.days.map((d) => [d.date, d]));
  // Whole weeks from the Monday on or before the first to the Sunday on or after the last.
  const first = new Date(`${calendar.from}T12:00:00Z`);
  let cursor = addDays(calendar.from, -((first.getUTCDay() + 6) % 7));
  const weeks = [];
  while (cursor <= calendar.to) {
    const week = [];
    for (let i = 0; i < 7; i += 1) {
      week.push(cursor);
      cursor = addDays(cursor, 1);
    }
    weeks.push(week);
  }
  const names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  return h("table", { class: "rota-calendar rota-calendar--month", id: "calendar-grid" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, names.map((name) => h("th", { scope: "col" }, h("abbr", { title: name }, name.slice(0, 3)))))),
    h("tbody", {}, weeks.map((week) => h("tr", {}, week.map((date) => {
      const d = byDate.get(date);
      if (!d) return h("td", { class: "rota-calendar__other-month" }, formatDay(date, { day: "numeric", month: "short" }));
      return h("td", { class: d.date === today ? "rota-calendar__today" : null, dataset: { date: d.date } },
        dayHeading(d, { compact: true }),
        closuresOn(d.date, calendar.closures).map((closure) => closureBand(d.date, closure)),
        ROLES.flatMap((role) => [h("span", { class: "rota-calendar__role" }, word("on_call_role", role)), ...roleCell(d, role)]));
    })))));
}

function setLinks() {
  const link = (date) => `/rota/calendar?${new URLSearchParams({ view, date, line })}`;
  let previous;
  let next;
  if (view === "week") {
    previous = addDays(day, -7);
    next = addDays(day, 7);
  } else {
    const [year, month] = day.split("-").map(Number);
    previous = new Date(Date.UTC(year, month - 2, 1)).toISOString().slice(0, 10);
    next = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  }
  const unit = view === "week" ? "week" : "month";
  const prevLink = document.getElementById("calendar-previous");
  prevLink.href = link(previous);
  prevLink.textContent = `Previous ${unit}`;
  const nextLink = document.getElementById("calendar-next");
  nextLink.href = link(next);
  nextLink.textContent = `Next ${unit}`;
  const todayLink = document.getElementById("calendar-today");
  todayLink.href = link(today);
  todayLink.textContent = `This ${unit}`;
}

async function loadCalendar() {
  const container = document.getElementById("calendar");
  let calendar;
  try {
    calendar = await api.get(`/api/rota/calendar?${new URLSearchParams({ view, date: day, line })}`);
  } catch (error) {
    loadFailed(container, error);
    return;
  }
  calendar.closures = await loadClosures(calendar);
  const gaps = new Set();
  for (const d of calendar.days) for (const gap of d.gaps) if (new Date(gap.ends_at).getTime() > Date.now()) gaps.add(`${gap.role} ${gap.starts_at}`);
  container.replaceChildren(
    h("p", { id: "calendar-summary", class: gaps.size ? "warning-text" : "rota-all-clear" },
      gaps.size ? `${gaps.size} gap${gaps.size === 1 ? "" : "s"} still to come in this ${view}.` : `No gaps still to come in this ${view}.`),
    view === "week" ? renderWeek(calendar) : renderMonth(calendar));
  document.body.dataset.rotaLoaded = String(Number(document.body.dataset.rotaLoaded || 0) + 1);
}

// The filter's date is a GOV.UK date input (day, month, year): read into ?date=YYYY-MM-DD.
function showCalendarFor(event, form) {
  event.preventDefault();
  const [d, m, y] = ["day", "month", "year"].map((part) => form.elements[`date-${part}`].value.trim());
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const real = /^\d{4}$/.test(y) && /^\d{1,2}$/.test(m) && /^\d{1,2}$/.test(d)
    && date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(m) - 1;
  const group = form.querySelector(".govuk-date-input").closest(".govuk-form-group");
  group.querySelector(".govuk-error-message")?.remove();
  if (!real) {
    group.classList.add("govuk-form-group--error");
    const message = h("p", { class: "govuk-error-message", id: "calendar-date-error" },
      h("span", { class: "govuk-visually-hidden" }, "Error:"), " The date must be a real date, for example 27 3 2026");
    form.querySelector(".govuk-date-input").before(message);
    group.querySelector("fieldset").setAttribute("aria-describedby", "calendar-date-error");
    form.elements["date-day"].focus();
    return;
  }
  const chosen = {
    view: form.querySelector("input[name=view]:checked").value,
    date: date.toISOString().slice(0, 10),
    line: form.elements.line.value,
  };
  window.location.assign(`/rota/calendar?${new URLSearchParams(chosen)}`);
}

async function start() {
  const form = document.getElementById("calendar-form");
  form.querySelector(`input[name=view][value=${view}]`).checked = true;
  const [year, month, date] = day.split("-");
  form.elements["date-day"].value = String(Number(date));
  form.elements["date-month"].value = String(Number(month));
  form.elements["date-year"].value = year;
  form.elements.line.value = line;
  form.addEventListener("submit", (event) => showCalendarFor(event, form));
  setLinks();
  canEdit = await coordinatorOrReader();
  await loadCalendar();
}

start();
