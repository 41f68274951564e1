'use strict';
// The per-action report: one PASS/FAIL line per action, then the summary
// line "N passed, M failed".

// Report collects one line per action.
class Report {
  constructor() {
    this.actions = new Map();
    this.notes = [];
  }

  // setup records a failure of shared setup; the actions that needed it
  // fail on their own with "setup failed", and the note itself counts as a
  // failure too, so a setup problem can never leave the run green.
  setup(msg) {
    this.notes.push(String(msg).replace(/\s+/g, ' '));
  }

  action(id) {
    if (!this.actions.has(id)) this.actions.set(id, new Action(id));
    return this.actions.get(id);
  }

  print(order, out = console.log) {
    let passed = 0;
    let failed = 0;
    for (const n of this.notes) out(`SETUP ${n}`);
    const ids = [...order, ...[...this.actions.keys()].filter((k) => !order.includes(k))];
    for (const id of ids) {
      const a = this.actions.get(id) || new Action(id);
      if (!this.actions.has(id)) a.fail('coverage', 'action never exercised');
      if (a.failed.length === 0 && a.passed.length > 0) {
        passed++;
        out(`PASS ${id}  ${a.passed.join(',')}`);
      } else {
        failed++;
        const why = a.failed.length ? a.failed.map(([l, m]) => `${l}: ${m}`).join(' | ') : 'no checks ran';
        const ok = a.passed.filter((l) => !a.failed.some(([f]) => f === l));
        out(`FAIL ${id}  ${why}${ok.length ? `  (passed: ${ok.join(',')})` : ''}`);
      }
    }
    failed += this.notes.length;
    out(`${passed} passed, ${failed} failed${this.notes.length ? ` (${this.notes.length} of them SETUP)` : ''}`);
    return failed;
  }
}

class Action {
  constructor(id) {
    this.id = id;
    this.passed = [];
    this.failed = [];
  }

  pass(label) {
    if (!this.passed.includes(label)) this.passed.push(label);
  }

  fail(label, why) {
    this.failed.push([label, String(why).replace(/\s+/g, ' ')]);
  }

  // step runs fn; a throw fails label, anything else passes it. It returns
  // fn's value, or undefined when it failed.
  async step(label, fn) {
    try {
      const v = await fn();
      this.pass(label);
      return v;
    } catch (e) {
      this.fail(label, e && e.message ? e.message : e);
      return undefined;
    }
  }
}

module.exports = { Report, Action };
