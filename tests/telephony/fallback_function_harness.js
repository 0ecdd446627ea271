// Plays Twilio's part for a generated Dutyline Twilio Function, in Node, for the tests.
//
// `node fallback_function_harness.js FUNCTION.js` reads a JSON list of scenarios on standard
// input and writes a JSON list of results. The `Twilio` global is a small fake whose
// VoiceResponse records each verb (and refuses one nested where Twilio's would not allow it);
// `Date.now` is set to each scenario's instant.
//
// - {"kind": "request", "now": ms, "context": {...}, "event": {...}}: one request; its response.
// - {"kind": "call", "now": ms, "context": {...}, "event": {...}, "stepMs": ms,
//    "dialStatus": "no-answer", "dialBridged": "false"}: a call nobody answers, followed
//   through every Dial's action URL (`stepMs` later each time) until no Dial is left.
'use strict';

const fs = require('fs');

const ALLOWED = {
  Response: ['Say', 'Dial', 'Gather', 'Record', 'Hangup'],
  Dial: ['Number'],
  Gather: ['Say'],
};

class Recorded {
  constructor(verb, attributes, text) {
    this.verb = verb;
    this.attributes = attributes || {};
    if (text !== undefined) this.text = text;
    this.children = [];
  }

  add(verb, attributes, text) {
    if (!(ALLOWED[this.verb] || []).includes(verb)) {
      throw new Error(`<${verb}> cannot go inside <${this.verb}>`);
    }
    if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null)) {
      throw new Error(`<${verb}>: attributes must be an object`);
    }
    const child = new Recorded(verb, attributes, text);
    this.children.push(child);
    return child;
  }

  say(attributes, text) { return this.add('Say', attributes, text); }
  dial(attributes) { return this.add('Dial', attributes); }
  number(attributes, number) { return this.add('Number', attributes, number); }
  gather(attributes) { return this.add('Gather', attributes); }
  record(attributes) { return this.add('Record', attributes); }
  hangup() { return this.add('Hangup', {}); }
}

global.Twilio = {
  twiml: {
    VoiceResponse: class VoiceResponse extends Recorded {
      constructor() { super('Response', {}); }
    },
  },
};

const handler = require(require('path').resolve(process.argv[2])).handler;

function respond(now, context, event) {
  Date.now = () => now;
  let answered = null;
  handler(context, event, (error, response) => {
    answered = { error: error ? String(error) : null, response: JSON.parse(JSON.stringify(response)) };
  });
  if (answered === null) throw new Error('the handler did not call back');
  return answered;
}

function queryOf(url) {
  return Object.fromEntries(new URL(url, 'https://relative.invalid').searchParams);
}

function follow(scenario) {
  const answers = [];
  let now = scenario.now;
  let event = scenario.event;
  for (let guard = 0; guard < 20; guard += 1) {
    const answer = respond(now, scenario.context, event);
    answers.push(answer);
    const dial = answer.response && answer.response.children.find((c) => c.verb === 'Dial');
    if (!dial) return answers;
    now += scenario.stepMs;
    event = {
      ...scenario.event,
      ...queryOf(dial.attributes.action),
      DialCallStatus: scenario.dialStatus,
      DialBridged: scenario.dialBridged,
    };
  }
  throw new Error('more than 20 steps');
}

const scenarios = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = scenarios.map((s) =>
  s.kind === 'call' ? follow(s) : [respond(s.now, s.context, s.event)]
);
process.stdout.write(JSON.stringify(results));
