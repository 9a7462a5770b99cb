// The peer of Inspel's intake benchmark (issue 4): the intake a municipality's developer would
// write with the usual tools instead, fastify + better-sqlite3. It checks the same JSON as
// POST /api/v1/submissions (kinds, required and forbidden fields per kind, types, unknown fields,
// control characters, NFC, lengths in characters, contact rules) and inserts one row per request
// into a SQLite file with WAL and synchronous=FULL, answering 201 only after that insert has
// committed. better-sqlite3 is synchronous, so each request is its own transaction and its own
// fsync: the obvious way to write it, and the point of comparison with Inspel's group commit.
// Personal-data redaction and panel answers are left out; they only make the peer slower.
//
// Usage: node server.js --port PORT --db FILE

import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

function arg(name, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '8090'));
const dbPath = arg('db', 'peer.db');

const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    feedback_type TEXT,
    title TEXT,
    body TEXT,
    area TEXT,
    language TEXT NOT NULL,
    consent_publish INTEGER NOT NULL,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    received_at TEXT NOT NULL
) STRICT`);
const insert = db.prepare(`INSERT INTO submissions (receipt, kind, feedback_type, title, body, area, language,
    consent_publish, contact_name, contact_email, contact_phone, received_at)
    VALUES (@receipt, @kind, @feedback_type, @title, @body, @area, @language, @consent_publish,
            @contact_name, @contact_email, @contact_phone, @received_at)`);

const limits = { title: 200, body: 20000, area: 100, dialogue: 100, contact_name: 200, contact_email: 254, contact_phone: 40 };
const kinds = ['proposal', 'feedback', 'panel_response', 'public_question'];
const feedbackTypes = ['praise', 'complaint', 'idea', 'question'];
const fields = new Set(['kind', 'title', 'body', 'feedback_type', 'dialogue', 'answers', 'area', 'language',
    'consent_publish', 'contact']);
const contactFields = new Set(['name', 'email', 'phone']);

// Control characters (tab and newline only where several lines are allowed), C1 and noncharacters.
function forbidden(s, multiline) {
    for (const ch of s) {
        const c = ch.codePointAt(0);
        if (c < 0x20 && !(multiline && (c === 0x09 || c === 0x0a))) return c;
        if (c >= 0x7f && c <= 0x9f) return c;
        if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) === 0xfffe) return c;
        if (c >= 0xd800 && c <= 0xdfff) return c;  // a lone surrogate: not valid UTF-8 on the wire
    }
    return null;
}

function codePoints(s) {
    let n = 0;
    for (const _ of s) ++n;
    return n;
}

function validate(doc) {
    const errors = [];
    const fail = (field, code, message) => errors.push({ field, code, message });
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { errors: [{ field: '', code: 'malformed_json', message: 'not an object' }] };
    for (const k of Object.keys(doc)) if (!fields.has(k)) fail(k, 'invalid', 'unknown field');
    const text = (v, field, multiline, limit) => {
        if (v === undefined || v === null) return null;
        if (typeof v !== 'string') { fail(field, 'invalid', 'must be a string'); return null; }
        const unified = v.replace(/\r\n?/g, '\n');
        const bad = forbidden(unified, multiline);
        if (bad !== null) { fail(field, 'invalid', `forbidden character U+${bad.toString(16).toUpperCase().padStart(4, '0')}`); return null; }
        const trimmed = unified.trim();
        if (!trimmed) return null;
        const nfc = trimmed.normalize('NFC');
        const n = codePoints(nfc);
        if (n > limit) { fail(field, 'invalid', `at most ${limit} characters, got ${n}`); return null; }
        return nfc;
    };
    const kind = text(doc.kind, 'kind', false, 40);
    if (!kind) { fail('kind', 'invalid', 'required'); return { errors }; }
    if (!kinds.includes(kind)) { fail('kind', 'invalid', `one of ${kinds.join(', ')}`); return { errors }; }
    const out = { kind };
    out.feedback_type = text(doc.feedback_type, 'feedback_type', false, 40);
    if (out.feedback_type && !feedbackTypes.includes(out.feedback_type)) fail('feedback_type', 'invalid', `one of ${feedbackTypes.join(', ')}`);
    out.title = text(doc.title, 'title', false, limits.title);
    out.body = text(doc.body, 'body', true, limits.body);
    out.area = text(doc.area, 'area', false, limits.area);
    const dialogue = text(typeof doc.dialogue === 'number' ? String(doc.dialogue) : doc.dialogue, 'dialogue', false, limits.dialogue);
    out.language = (text(doc.language, 'language', false, 35) ?? 'sv').toLowerCase();
    if (!/^[a-z]{2,3}$/.test(out.language)) fail('language', 'invalid', 'a language code such as sv or en');
    if (doc.consent_publish !== undefined && doc.consent_publish !== null && typeof doc.consent_publish !== 'boolean')
        fail('consent_publish', 'invalid', 'true or false');
    out.consent_publish = doc.consent_publish === true ? 1 : 0;
    const contact = doc.contact ?? {};
    if (typeof contact !== 'object' || Array.isArray(contact)) fail('contact', 'invalid', 'an object with name, email and phone');
    else for (const k of Object.keys(contact)) if (!contactFields.has(k)) fail(`contact.${k}`, 'invalid', 'unknown field');
    out.contact_name = text(contact.name, 'contact.name', false, limits.contact_name);
    out.contact_email = text(contact.email, 'contact.email', false, limits.contact_email);
    if (out.contact_email) {
        out.contact_email = out.contact_email.toLowerCase();
        if (!/^[^\s@<>,;"]{1,64}@[^\s@<>,;".][^\s@<>,;"]*\.[a-z]{2,}$/i.test(out.contact_email)) fail('contact.email', 'invalid', 'not an e-mail address');
    }
    out.contact_phone = text(contact.phone, 'contact.phone', false, limits.contact_phone);
    if (out.contact_phone && !/^\+?[0-9 ()/-]{6,}$/.test(out.contact_phone)) fail('contact.phone', 'invalid', 'not a phone number');
    const has = (v, f) => { if (!v) fail(f, 'invalid', 'required'); };
    const not = (v, f) => { if (v) fail(f, 'invalid', 'does not belong to this kind'); };
    const hasAnswers = doc.answers !== undefined && doc.answers !== null;
    if (kind === 'proposal') {
        has(out.title, 'title'); has(out.body, 'body'); has(out.contact_name, 'contact.name'); has(out.contact_email, 'contact.email');
        not(out.feedback_type, 'feedback_type'); not(hasAnswers, 'answers');
    } else if (kind === 'feedback') {
        has(out.feedback_type, 'feedback_type'); has(out.body, 'body'); not(hasAnswers, 'answers');
    } else if (kind === 'public_question') {
        has(out.body, 'body'); not(out.feedback_type, 'feedback_type'); not(hasAnswers, 'answers');
    } else {
        // Inspel checks panel answers against the dialogue; the peer has no dialogues.
        has(dialogue, 'dialogue');
        fail('answers', 'invalid', 'panel responses are not taken by this intake');
    }
    return errors.length ? { errors } : { submission: out };
}

// Crockford base32, 80 bits from the OS CSPRNG in four groups of four, as Inspel's receipts.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function receipt() {
    const bytes = crypto.randomBytes(16);
    let s = '';
    for (let i = 0; i < 16; ++i) {
        if (i && i % 4 === 0) s += '-';
        s += alphabet[bytes[i] & 31];
    }
    return s;
}

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/api/v1/submissions', (request, reply) => {
    const { errors, submission } = validate(request.body);
    if (errors) return reply.code(400).send({ error: errors[0] });
    const row = { receipt: receipt(), received_at: new Date().toISOString(), ...submission };
    const info = insert.run(row);
    return reply.code(201).send({ id: Number(info.lastInsertRowid), receipt: row.receipt, status: 'received',
        received_at: row.received_at });
});

app.listen({ host: '127.0.0.1', port }).then(
    () => process.stderr.write(`peer listening on 127.0.0.1:${port}\n`),
    (e) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => app.close().then(() => { db.close(); process.exit(0); }));
