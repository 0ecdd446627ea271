// Change a line: name, number, greeting, hours, bank holidays, queue and fallback number. The API
// checks every value and stores none unless all are right; its problems are shown by field.
import { api } from "/static/js/api.js";
import { clearErrors, showErrors, showSuccess } from "/static/js/govuk.js";
import { fieldNamed, loaded, phoneWords, refusal } from "/static/js/workers_common.js";

const lineId = document.getElementById("line").dataset.lineId;
const form = document.getElementById("line-form");
const TEXT_FIELDS = ["name", "number", "greeting", "weekday_open", "weekday_close", "weekend_open", "weekend_close", "fallback_number", "queue_max_wait_minutes"];
const field = (id) => document.getElementById(id);

function show(line) {
  field("line-heading").textContent = line.name;
  document.title = document.title.replace(/^[^–]*/, `${line.name} `);
  for (const name of TEXT_FIELDS) field(name).value = line[name] ?? "";
  field("number").value = line.number_words;
  field("fallback_number").value = line.fallback_number_words || "";
  field("bank_holidays_as_weekend").checked = line.bank_holidays_as_weekend;
  field("standard-greeting").textContent = `“${line.standard_greeting}”`;
  field("service-fallback").textContent = line.service_fallback_number_words || "none is set, so callers may leave a message";
  // The character count reads the textarea's new length.
  field("greeting").dispatchEvent(new Event("input"));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const body = Object.fromEntries(TEXT_FIELDS.map((name) => [name, field(name).value.trim()]));
  body.bank_holidays_as_weekend = field("bank_holidays_as_weekend").checked;
  const problems = [];
  if (!body.name) problems.push({ loc: ["name"], msg: "Enter the line's name, like Professionals line" });
  if (!body.number) problems.push({ loc: ["number"], msg: "Enter the number callers dial, like 01305 228558" });
  if (problems.length) {
    showErrors(problems, { form, fieldIdFor: fieldNamed });
    loaded();
    return;
  }
  try {
    const line = await api.patch(`/api/lines/${lineId}`, body);
    show(line);
    showSuccess(field("success-banner"), `${line.name} saved. The next call to it uses the changes.`);
  } catch (error) {
    showErrors(refusal(error, { number: phoneWords(body.number), fallback_number: phoneWords(body.fallback_number) }), { form, fieldIdFor: fieldNamed });
  }
  loaded();
});

async function start() {
  try {
    show(await api.get(`/api/lines/${lineId}`));
  } catch (error) {
    showErrors([{ loc: [], msg: error.message }], { form, fieldIdFor: fieldNamed });
  }
  loaded();
}

start();
