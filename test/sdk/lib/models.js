'use strict';
// The SDK's models, read through their static names()/types(): building
// request models from plain objects, and judging raw JSON against response
// models strictly (the SDK's own cast converts numbers and strings freely,
// which would hide a gateway that sends the wrong JSON type).

// build makes an instance of Model from a plain object, walking types() so
// nested objects and arrays become the SDK's own model classes.
function build(Model, obj) {
  const types = Model.types();
  const out = {};
  for (const [k, t] of Object.entries(types)) {
    if (!(k in obj)) continue;
    const v = obj[k];
    if (typeof t === 'function' && v !== null && typeof v === 'object') out[k] = build(t, v);
    else if (t && t.type === 'array' && typeof t.itemType === 'function' && Array.isArray(v)) {
      out[k] = v.map((x) => (x !== null && typeof x === 'object' ? build(t.itemType, x) : x));
    } else out[k] = v;
  }
  return new Model(out);
}

const jsonType = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const short = (v, n = 300) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > n ? `${s.slice(0, n)}…` : s;
};

// checkType judges one raw JSON value against an SDK type descriptor:
// 'string' | 'number' | 'boolean' | Model class | {type:'array'|'map'}.
// Arrays must be non-empty: every scenario makes sure there is an item, so
// that nested models are walked too.
function checkType(v, t, path, errs, opts) {
  if (typeof t === 'string') {
    if (t === 'any') return;
    if (jsonType(v) !== t) errs.push(`${path}: want ${t}, got ${jsonType(v)} ${short(v, 60)}`);
    return;
  }
  if (typeof t === 'function') {
    checkModel(v, t, path, errs, opts);
    return;
  }
  if (t && t.type === 'array') {
    if (!Array.isArray(v)) {
      errs.push(`${path}: want array, got ${jsonType(v)}`);
      return;
    }
    if (v.length === 0 && !(opts.emptyOK || []).includes(path)) errs.push(`${path}: empty array (scenario expects items)`);
    v.forEach((x, i) => checkType(x, t.itemType, `${path}[${i}]`, errs, opts));
    return;
  }
  if (t && t.type === 'map') {
    if (jsonType(v) !== 'object') errs.push(`${path}: want object (map), got ${jsonType(v)}`);
    return;
  }
  errs.push(`${path}: unknown SDK type ${short(t)}`);
}

// checkModel requires every field the model declares to be present (not
// null) with the model's JSON type, recursively. opts.absent lists paths
// that must NOT be sent (a deliberate omission).
function checkModel(v, Model, path, errs, opts = {}) {
  if (jsonType(v) !== 'object') {
    errs.push(`${path}: want object, got ${jsonType(v)}`);
    return;
  }
  const names = Model.names();
  const types = Model.types();
  for (const prop of Object.keys(names)) {
    const wire = names[prop];
    const p = `${path}.${wire}`;
    if ((opts.absent || []).includes(p)) {
      if (wire in v) errs.push(`${p}: must be omitted, got ${short(v[wire], 60)}`);
      continue;
    }
    if (!(wire in v)) {
      errs.push(`${p}: missing`);
      continue;
    }
    if (v[wire] === null) {
      errs.push(`${p}: null`);
      continue;
    }
    checkType(v[wire], types[prop], p, errs, opts);
  }
}

module.exports = { build, checkType, checkModel, jsonType, short };
