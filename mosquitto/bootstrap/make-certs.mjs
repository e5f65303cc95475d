#!/usr/bin/env node
// tls-init: the home stack's private certificate authority and the broker's TLS certificate.
//
// Runs in a one-shot container of the node image (neither the Debian-based nor the official Alpine
// eclipse-mosquitto:2 image ships an `openssl` command), before secrets-init, on every
// `docker compose up`. Node has no API that writes X.509 certificates, so this file encodes the
// few DER structures a CA and a server certificate need (RFC 5280); keys are ECDSA P-256.
//   - first start: a CA (10 years) and a server certificate signed by it;
//   - later runs: both kept; the server certificate is re-issued by the same CA when its names
//     change (MOSQUITTO_TLS_HOSTNAMES) or less than 30 days of validity remain.
// The certificates exist whether or not TLS is switched on (MOSQUITTO_TLS, read by secrets-init):
// switching it on needs no new trust anchor, and the services can always be given the CA.
//
// Output in $MCP_TLS_DIR (default /run/secrets/mcp/tls, root only): ca.key ca.crt server.key
// server.crt server.names. secrets-init hands server.* to the broker and ca.crt to the services
// and clients; ca.key never leaves this directory. Nothing secret is printed.
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

const dir = process.env.MCP_TLS_DIR ?? '/run/secrets/mcp/tls';
const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const SERVER_DAYS = 730;
const RENEW_DAYS = 30;
/** Names the broker answers to inside the stack and on the host, before the user's own. */
const BUILTIN_NAMES = ['mosquitto', 'localhost', '127.0.0.1', '::1'];

const log = (message) => console.log(`tls-init: ${message}`);
function fail(message) {
  console.error(`tls-init: error: ${message}`);
  process.exit(1);
}

// --- DER (X.690) ------------------------------------------------------------------------------
function der(tag, ...parts) {
  const body = Buffer.concat(parts);
  let length;
  if (body.length < 0x80) length = Buffer.from([body.length]);
  else {
    const bytes = [];
    for (let n = body.length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const seq = (...parts) => der(0x30, ...parts);
const set = (...parts) => der(0x31, ...parts);
const int = (bytes) => der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const bool = (value) => der(0x01, Buffer.from([value ? 0xff : 0]));
const octets = (bytes) => der(0x04, bytes);
const bits = (bytes, unused = 0) => der(0x03, Buffer.from([unused]), bytes);
const utf8 = (text) => der(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n, inner) => der(0xa0 + n, inner);
function oid(dotted) {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) chunk.unshift(0x80 | (n & 0x7f));
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}
/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date) {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

const name = (commonName) =>
  seq(
    set(seq(oid(OID.organization), utf8('NeurHomIA MCP home stack'))),
    set(seq(oid(OID.commonName), utf8(commonName))),
  );
const extension = (id, critical, value) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
/** keyUsage bits, most significant first: digitalSignature(0) … keyCertSign(5), cRLSign(6). */
const keyUsage = (...bitNumbers) => {
  let byte = 0;
  for (const n of bitNumbers) byte |= 0x80 >> n;
  let unused = 0;
  while (unused < 7 && !(byte & (1 << unused))) unused += 1;
  return bits(Buffer.from([byte]), unused);
};
function altName(entry) {
  if (isIP(entry) === 4) return der(0x87, Buffer.from(entry.split('.').map(Number)));
  if (isIP(entry) === 6) return der(0x87, ipv6Bytes(entry));
  return der(0x82, Buffer.from(entry, 'ascii'));
}
function ipv6Bytes(address) {
  const [head, tail = ''] = address.split('::');
  const groups = (part) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...Array(address.includes('::') ? missing : 0).fill('0'), ...groups(tail)];
  return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** SHA-1 of the public key bits: the usual key identifier (RFC 5280 §4.2.1.2, method 1). */
function keyId(publicKey) {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The BIT STRING is the last element of the SubjectPublicKeyInfo; for P-256 it is 66 bytes long.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

function certificate({ subject, issuer, publicKey, signingKey, issuerKeyId, days, extensions }) {
  const now = Date.now();
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))), // v3
    int(serial),
    algorithm,
    issuer,
    seq(time(new Date(now - 5 * 60_000)), time(new Date(now + days * DAY_MS))),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      seq(
        extension(OID.subjectKeyId, false, octets(keyId(publicKey))),
        extension(OID.authorityKeyId, false, seq(der(0x80, issuerKeyId))),
        ...extensions,
      ),
    ),
  );
  const signature = sign('sha256', tbs, signingKey); // DER-encoded ECDSA signature
  const cert = seq(tbs, algorithm, bits(signature));
  const base64 = cert.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

// --- Files ----------------------------------------------------------------------------------------
const path = (file) => join(dir, file);
function writeSecret(file, content) {
  const temporary = `${path(file)}.tmp.${process.pid}`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path(file));
}
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pkcs8 = (privateKey) => privateKey.export({ type: 'pkcs8', format: 'pem' });

function requestedNames() {
  const extra = (process.env.MOSQUITTO_TLS_HOSTNAMES ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of extra) {
    if (
      !isIP(entry) &&
      !/^(?=.{1,253}$)(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
        entry,
      )
    )
      fail(`MOSQUITTO_TLS_HOSTNAMES: '${entry}' is neither a host name nor an IP address`);
  }
  return [...new Set([...BUILTIN_NAMES, ...extra.map((n) => n.toLowerCase())])];
}

function loadCa() {
  if (!existsSync(path('ca.key')) || !existsSync(path('ca.crt'))) return undefined;
  const cert = new X509Certificate(readFileSync(path('ca.crt')));
  if (Date.parse(cert.validTo) - Date.now() < RENEW_DAYS * DAY_MS) return undefined;
  return { key: createPrivateKey(readFileSync(path('ca.key'))), cert };
}

function issueCa() {
  const { privateKey, publicKey } = newKey();
  const subject = name(`NeurHomIA MCP stack CA ${randomBytes(4).toString('hex')}`);
  const pem = certificate({
    subject,
    issuer: subject,
    publicKey,
    signingKey: privateKey,
    issuerKeyId: keyId(publicKey),
    days: CA_DAYS,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true), int(Buffer.from([0])))), // CA, pathLen 0
      extension(OID.keyUsage, true, keyUsage(5, 6)),
    ],
  });
  writeSecret('ca.key', pkcs8(privateKey));
  writeSecret('ca.crt', pem);
  return { key: privateKey, cert: new X509Certificate(pem) };
}

function serverIsCurrent(ca, names) {
  if (!existsSync(path('server.crt')) || !existsSync(path('server.key'))) return false;
  if (!existsSync(path('server.names')) || readFileSync(path('server.names'), 'utf8') !== names.join(' '))
    return false;
  const cert = new X509Certificate(readFileSync(path('server.crt')));
  return cert.verify(ca.cert.publicKey) && Date.parse(cert.validTo) - Date.now() > RENEW_DAYS * DAY_MS;
}

function issueServer(ca, names) {
  const { privateKey, publicKey } = newKey();
  const caKeyId = keyId(ca.cert.publicKey);
  const pem = certificate({
    subject: name('mosquitto'),
    issuer: subjectOf(ca.cert.raw),
    publicKey,
    signingKey: ca.key,
    issuerKeyId: caKeyId,
    days: SERVER_DAYS,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, keyUsage(0)),
      extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, seq(...names.map(altName))),
    ],
  });
  writeSecret('server.key', pkcs8(privateKey));
  writeSecret('server.crt', pem);
  writeSecret('server.names', names.join(' '));
}

/** One TLV of a DER buffer: where its content starts and where it ends. */
function tlv(buffer, offset) {
  const first = buffer[offset + 1];
  if (first < 0x80) return { start: offset + 2, end: offset + 2 + first };
  const count = first & 0x7f;
  const length = buffer.subarray(offset + 2, offset + 2 + count).reduce((n, byte) => n * 256 + byte, 0);
  return { start: offset + 2 + count, end: offset + 2 + count + length };
}

/** The subject Name of a certificate, byte for byte: the issuer of what it signs. */
function subjectOf(certDer) {
  const tbs = tlv(certDer, tlv(certDer, 0).start);
  // version [0], serialNumber, signature, issuer, validity, subject
  let offset = tbs.start;
  for (let field = 0; field < 5; field += 1) offset = tlv(certDer, offset).end;
  return certDer.subarray(offset, tlv(certDer, offset).end);
}

mkdirSync(dir, { recursive: true, mode: 0o700 });
chmodSync(dir, 0o700);
const names = requestedNames();
let ca = loadCa();
const newCa = !ca;
if (!ca) ca = issueCa();
if (newCa || !serverIsCurrent(ca, names)) {
  issueServer(ca, names);
  log(`${newCa ? 'new CA; ' : ''}server certificate issued for ${names.join(', ')}`);
} else {
  log(`kept the CA and the server certificate (${names.join(', ')})`);
}
