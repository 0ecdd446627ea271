// Lines: each line's number, greeting, hours and fallback number as a GOV.UK summary card.
import { api, h, loadFailed } from "/static/js/api.js";
import { loaded } from "/static/js/workers_common.js";

function row(key, value) {
  return h("div", { class: "govuk-summary-list__row" },
    h("dt", { class: "govuk-summary-list__key" }, key),
    h("dd", { class: "govuk-summary-list__value" }, value));
}

function card(line) {
  const titleId = `line-${line.id}-title`;
  return h("div", { class: "govuk-summary-card", dataset: { line: line.key } },
    h("div", { class: "govuk-summary-card__title-wrapper" },
      h("h2", { class: "govuk-summary-card__title", id: titleId }, line.name),
      h("ul", { class: "govuk-summary-card__actions" }, h("li", { class: "govuk-summary-card__action" },
        h("a", { class: "govuk-link", href: `/admin/lines/${line.id}` }, "Change", h("span", { class: "govuk-visually-hidden" }, ` ${line.name}`))))),
    h("div", { class: "govuk-summary-card__content" }, h("dl", { class: "govuk-summary-list" },
      row("Number", line.number_words),
      row("Greeting", line.greeting ? `“${line.greeting}”` : `Standard: “${line.standard_greeting}”`),
      row("Monday to Friday", `${line.weekday_open} to ${line.weekday_close}`),
      row("Saturday and Sunday", `${line.weekend_open} to ${line.weekend_close}`),
      row("Bank holidays", line.bank_holidays_as_weekend ? "Weekend hours" : "Weekday hours"),
      row("Longest wait in the queue", line.queue_max_wait_minutes ? line.queue_max_wait_words : "No queue: callers go on to on call"),
      row("Fallback number", line.fallback_number_words
        || (line.service_fallback_number_words ? `The service's: ${line.service_fallback_number_words}` : "None: callers may leave a message")))));
}

async function start() {
  const container = document.getElementById("lines");
  try {
    const lines = await api.get("/api/lines");
    container.replaceChildren(...lines.map(card));
  } catch (error) {
    loadFailed(container, error);
  }
  loaded();
}

start();
