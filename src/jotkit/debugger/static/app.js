// The jotkit debugger page. Plain JS, no framework, nothing loaded from the network:
// every request goes to the local server (the CSP says connect-src 'self'), with the
// per-run secret read from the URL fragment, which the browser never sends to a server.
// Untrusted text (tokens, claims) is only ever set with textContent, never as HTML.
"use strict";

const fragment = new URLSearchParams(location.hash.slice(1));
const SECRET = fragment.get("secret") || "";
const $ = (id) => document.getElementById(id);

const GENERATE_ALGS = [
  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
  "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed25519",
  "RSA-OAEP", "RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A256KW", "A128KW", "A256KW",
  "A128GCMKW", "A256GCMKW", "A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512",
];

async function api(name, body) {
  const response = await fetch(`/api/${name}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Jotkit-Secret": SECRET },
    body: JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
    referrerPolicy: "no-referrer",
  });
  let data;
  try {
    data = await response.json();
  } catch {
    data = { error: { code: "bad_response", message: `HTTP ${response.status}` } };
  }
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || `HTTP ${response.status}`);
    error.code = (data.error && data.error.code) || "http_error";
    throw error;
  }
  return data;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function show(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

function pretty(value) {
  return value === null || value === undefined ? "" : JSON.stringify(value, null, 2);
}

function names(text) {
  return text.split(/[\s,]+/).filter(Boolean);
}

// ------------------------------------------------------------------ token view

function renderToken(target, token, parts) {
  clear(target);
  const segments = token.split(".");
  segments.forEach((segment, index) => {
    if (index > 0) target.appendChild(el("span", "dot", "."));
    const part = parts && parts[index] ? parts[index] : "extra";
    const span = el("span", `part-${part}`, segment);
    span.title = part;
    target.appendChild(span);
  });
}

function guessParts(token) {
  const count = token.split(".").length;
  if (count === 5) return ["header", "encrypted_key", "iv", "ciphertext", "tag"];
  return ["header", "payload", "signature"];
}

function renderTable(table, rows) {
  clear(table);
  if (!rows) return;
  for (const row of rows) {
    const tr = el("tr");
    tr.appendChild(el("td", "name", row.name));
    const value = el("td", "value", typeof row.value === "string" ? row.value : JSON.stringify(row.value));
    if (row.time) {
      value.appendChild(el("span", `time ${row.time.status}`, `${row.time.utc} (${row.time.relative})`));
    }
    tr.appendChild(value);
    tr.appendChild(el("td", "desc", row.description || ""));
    table.appendChild(tr);
  }
}

function renderLint(result) {
  const list = $("lint");
  clear(list);
  if (result.lint === "error") {
    list.appendChild(el("li", "none", `Lint refused the token: ${result.lint_error.code}: ${result.lint_error.message}`));
    return;
  }
  if (result.lint === "unavailable") {
    list.appendChild(el("li", "none", "Lint is not available in this installation."));
    return;
  }
  if (!result.findings || result.findings.length === 0) {
    list.appendChild(el("li", "none", "No findings."));
    return;
  }
  for (const finding of result.findings) {
    const item = el("li", `sev-${finding.severity}`);
    item.appendChild(el("strong", null, `${finding.severity} ${finding.code}`));
    item.appendChild(document.createTextNode(`: ${finding.message}${finding.where ? ` (${finding.where})` : ""}`));
    list.appendChild(item);
  }
}

function renderCerts(certs) {
  const box = $("certs");
  const list = $("certs-list");
  clear(list);
  box.hidden = !certs;
  if (!certs) return;
  certs.forEach((cert, index) => {
    const card = el("div", "cert");
    if (cert.error) {
      card.appendChild(el("div", "error", `#${index}: ${cert.error}`));
    } else {
      const trusted = cert.trust.startsWith("trusted");
      card.appendChild(el("div", trusted ? "trust trusted" : "trust", cert.trust));
      for (const [label, key] of [["Subject", "subject"], ["Issuer", "issuer"],
        ["Not before", "not_before"], ["Not after", "not_after"], ["SHA-256", "sha256"]]) {
        card.appendChild(el("div", null, `${label}: ${cert[key]}`));
      }
    }
    list.appendChild(card);
  });
}

let decodeSeq = 0;
async function decodeToken() {
  const token = $("token").value.trim();
  const seq = ++decodeSeq;
  renderToken($("token-view"), token, guessParts(token));
  show($("decode-error"), "");
  if (!token) return;
  try {
    const result = await api("decode", { token });
    if (seq !== decodeSeq) return;
    renderToken($("token-view"), token, result.parts);
    $("header-json").textContent = pretty(result.header);
    renderTable($("header-table"), result.header_table);
    $("claims-json").textContent = result.claims ? pretty(result.claims) : (result.payload_text || "(encrypted: decrypt it in the JWE tab)");
    renderTable($("claims-table"), result.claims_table);
    renderCerts(result.certificates);
    renderLint(result);
    const alg = $("verify-alg");
    if (!alg.value && result.header && typeof result.header.alg === "string") alg.value = result.header.alg;
  } catch (error) {
    if (seq !== decodeSeq) return;
    show($("decode-error"), `${error.code}: ${error.message}`);
    $("header-json").textContent = "";
    $("claims-json").textContent = "";
    clear($("header-table"));
    clear($("claims-table"));
  }
}

// ------------------------------------------------------------------ verify

function keySpec(prefix) {
  const spec = { type: $(`${prefix}-key-type`).value, value: $(`${prefix}-key`).value };
  const encoding = $(`${prefix}-encoding`);
  if (spec.type === "secret" && encoding) spec.encoding = encoding.value;
  const kid = $(`${prefix}-kid`);
  if (spec.type === "jwks" && kid && kid.value) spec.kid = kid.value;
  return spec;
}

function refreshKids() {
  const select = $("verify-kid");
  const type = $("verify-key-type").value;
  $("verify-kid-label").hidden = type !== "jwks";
  $("verify-encoding-label").hidden = type !== "secret";
  if (type !== "jwks") return;
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  try {
    const jwks = JSON.parse($("verify-key").value);
    for (const jwk of jwks.keys || []) {
      if (typeof jwk.kid === "string") select.appendChild(new Option(jwk.kid, jwk.kid));
    }
    select.value = chosen;
  } catch {
    // Not JSON yet: the user is still typing.
  }
}

function resultLine(box, text) {
  box.appendChild(el("span", "line", text));
}

async function verifyToken() {
  const box = $("verify-result");
  clear(box);
  box.hidden = false;
  box.className = "result";
  const body = {
    token: $("token").value.trim(),
    key: keySpec("verify"),
    algorithms: names($("verify-alg").value),
  };
  if ($("verify-iss").value.trim()) body.issuer = $("verify-iss").value.trim();
  if ($("verify-aud").value.trim()) body.audience = $("verify-aud").value.trim();
  try {
    const result = await api("verify", body);
    box.classList.add(result.valid ? "ok" : "bad");
    if (result.lint) renderLint(result);
    if (result.signature.ok) {
      resultLine(box, "Signature verified.");
      resultLine(box, `Key thumbprint: ${result.signature.key.thumbprint}`);
    } else {
      const e = result.signature.error;
      resultLine(box, `Signature check failed: ${e.code}: ${e.message}`);
    }
    if (result.claims) {
      if (result.claims.ok) {
        resultLine(box, "Claims valid.");
      } else {
        const e = result.claims.error;
        resultLine(box, `Claims check failed${e.claim ? ` (${e.claim})` : ""}: ${e.code}: ${e.message}`);
      }
    }
  } catch (error) {
    box.classList.add("bad");
    resultLine(box, `Key or request refused: ${error.code}: ${error.message}`);
  }
}

// ------------------------------------------------------------------ encode

async function encodeToken() {
  show($("encode-error"), "");
  let header;
  let claims;
  try {
    header = JSON.parse($("encode-header").value);
    claims = JSON.parse($("encode-claims").value);
  } catch (error) {
    show($("encode-error"), `invalid JSON: ${error.message}`);
    return;
  }
  const body = { header, claims };
  if ($("encode-generate").checked) body.generate = true;
  else body.key = keySpec("encode");
  try {
    const result = await api("encode", body);
    renderToken($("encode-token"), result.token, guessParts(result.token));
    $("encode-token").dataset.token = result.token;
    $("encode-key-out").textContent = result.generated_key ? pretty({
      public_jwk: result.generated_key.jwk,
      private_jwk: result.generated_key.private_jwk,
      public_pem: result.generated_key.pem,
    }) : "";
  } catch (error) {
    show($("encode-error"), `${error.code}: ${error.message}`);
  }
}

// ------------------------------------------------------------------ keys

function showKey(result) {
  $("convert-thumbprint").textContent = result.thumbprint;
  $("convert-thumbprint-uri").textContent = result.thumbprint_uri;
  $("convert-jwk").textContent = pretty(result.jwk) || "(a secret has no public JWK)";
  $("convert-pem").textContent = result.pem || "(no PEM form)";
  const priv = Boolean(result.private_jwk);
  $("convert-private-out").hidden = !priv;
  $("convert-private-jwk").textContent = priv ? pretty(result.private_jwk) : "";
  $("convert-private-pem").textContent = priv ? (result.private_pem || "") : "";
}

async function keyAction(name, body) {
  show($("keys-error"), "");
  try {
    showKey(await api(name, body));
  } catch (error) {
    show($("keys-error"), `${error.code}: ${error.message}`);
  }
}

// ------------------------------------------------------------------ JWE

async function decryptToken() {
  show($("jwe-error"), "");
  $("jwe-header").textContent = "";
  $("jwe-plaintext").textContent = "";
  try {
    const result = await api("decrypt", {
      token: $("jwe-token").value.trim(),
      key: keySpec("jwe"),
      algorithms: names($("jwe-alg").value),
      encryptions: names($("jwe-enc").value),
    });
    $("jwe-header").textContent = pretty(result.header);
    $("jwe-plaintext").textContent = result.claims ? pretty(result.claims) : result.plaintext;
  } catch (error) {
    show($("jwe-error"), `${error.code}: ${error.message}`);
  }
}

// ------------------------------------------------------------------ wiring

function selectTab(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === name);
  for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== `panel-${name}`;
}

function init() {
  if (!SECRET) {
    show($("status"), "This page needs the address printed by `jotkit serve` (it carries the session secret after #).");
  }
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => selectTab(tab.dataset.tab));
  const select = $("generate-alg");
  for (const alg of GENERATE_ALGS) select.appendChild(new Option(alg, alg));
  select.value = "ES256";
  let timer = 0;
  $("token").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(decodeToken, 150);
  });
  $("verify-key-type").addEventListener("change", refreshKids);
  $("verify-key").addEventListener("input", refreshKids);
  $("verify-button").addEventListener("click", verifyToken);
  $("encode-button").addEventListener("click", encodeToken);
  $("encode-open").addEventListener("click", () => {
    const token = $("encode-token").dataset.token;
    if (!token) return;
    $("token").value = token;
    selectTab("decode");
    decodeToken();
  });
  $("convert-button").addEventListener("click", () => keyAction("convert", {
    key: { type: $("convert-type").value, value: $("convert-input").value, encoding: "utf8" },
    private: $("convert-private").checked,
  }));
  $("generate-button").addEventListener("click", () => keyAction("generate", { alg: $("generate-alg").value }));
  $("jwe-button").addEventListener("click", decryptToken);
  refreshKids();
  const token = fragment.get("token");
  if (token) {
    $("token").value = token;
    decodeToken();
  }
}

document.addEventListener("DOMContentLoaded", init);
