// panva/jose as an interoperability peer for jotkit's test suite.
//
// Reads ONE JSON array of requests on stdin and writes ONE JSON array of responses (same
// order) on stdout, so a whole test section costs a single Node process.
//
// Request:  {op, alg, enc?, key?, payload?, token?, crv?, format?, private?}
//   op "sign"     key: private JWK, payload: base64url        -> {token}
//   op "verify"   key: public JWK,  token                     -> {payload: base64url}
//   op "encrypt"  key: public JWK (oct for symmetric), payload -> {token}
//   op "decrypt"  key: private JWK (oct for symmetric), token  -> {payload: base64url}
//   op "generate" alg (+ crv): a new key made by jose         -> {jwk, public_jwk?, pkcs8?, spki?}
//   op "import"   format "jwk"|"pem", key, private, alg        -> {jwk} (jose's own export)
// Response: {ok: true, ...} or {ok: false, name, code, message}.
import {
  CompactEncrypt,
  CompactSign,
  base64url,
  compactDecrypt,
  compactVerify,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  generateSecret,
  importJWK,
  importPKCS8,
  importSPKI,
} from "jose";

const EXTRACTABLE = { extractable: true };

async function sign(req) {
  const key = await importJWK(req.key, req.alg);
  const token = await new CompactSign(base64url.decode(req.payload))
    .setProtectedHeader({ alg: req.alg })
    .sign(key);
  return { token };
}

async function verify(req) {
  const key = await importJWK(req.key, req.alg);
  const { payload } = await compactVerify(req.token, key, { algorithms: [req.alg] });
  return { payload: base64url.encode(payload) };
}

async function encrypt(req) {
  const key = await importJWK(req.key, req.alg);
  const token = await new CompactEncrypt(base64url.decode(req.payload))
    .setProtectedHeader({ alg: req.alg, enc: req.enc })
    .encrypt(key);
  return { token };
}

async function decrypt(req) {
  const key = await importJWK(req.key, req.alg);
  const { plaintext } = await compactDecrypt(req.token, key, {
    keyManagementAlgorithms: [req.alg],
    contentEncryptionAlgorithms: [req.enc],
  });
  return { payload: base64url.encode(plaintext) };
}

async function generate(req) {
  if (req.alg.startsWith("HS") || req.alg.endsWith("KW")) {
    const secret = await generateSecret(req.alg, EXTRACTABLE);
    return { jwk: await exportJWK(secret) };
  }
  const options = req.crv ? { ...EXTRACTABLE, crv: req.crv } : EXTRACTABLE;
  const { privateKey, publicKey } = await generateKeyPair(req.alg, options);
  return {
    jwk: await exportJWK(privateKey),
    public_jwk: await exportJWK(publicKey),
    pkcs8: await exportPKCS8(privateKey),
    spki: await exportSPKI(publicKey),
  };
}

async function importKey(req) {
  let key;
  if (req.format === "jwk") {
    key = await importJWK(req.key, req.alg, EXTRACTABLE);
  } else if (req.private) {
    key = await importPKCS8(req.key, req.alg, EXTRACTABLE);
  } else {
    key = await importSPKI(req.key, req.alg, EXTRACTABLE);
  }
  return { jwk: await exportJWK(key) };
}

const OPERATIONS = { sign, verify, encrypt, decrypt, generate, import: importKey };

async function handle(req) {
  const operation = OPERATIONS[req.op];
  try {
    if (operation === undefined) {
      throw new TypeError(`unknown op ${JSON.stringify(req.op)}`);
    }
    return { ok: true, ...(await operation(req)) };
  } catch (err) {
    return {
      ok: false,
      name: err?.name ?? "Error",
      code: err?.code ?? null,
      message: String(err?.message ?? err),
    };
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const requests = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  if (!Array.isArray(requests)) {
    throw new TypeError("stdin must hold a JSON array of requests");
  }
  const responses = [];
  for (const req of requests) {
    responses.push(await handle(req));
  }
  process.stdout.write(JSON.stringify(responses));
}

await main();
