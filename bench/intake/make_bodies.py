#!/usr/bin/env python3
"""Request bodies for the intake benchmark: one JSON submission per line, made of real Swedish text.

The issue names ../shared/data/ as the source of real texts; where that folder is missing (as on
the development machine), the municipal policy texts in ../shared/seeds/*.txt are the real text at
hand. Each body is one to four consecutive sentences of those texts; titles are one sentence cut
to the title limit. Tabs and other control characters are turned into spaces, because intake
refuses control characters in single-line fields (titles) and the benchmark measures accepted
submissions, not refusals. The kinds are mixed as residents would send them: mostly feedback,
then public questions and proposals (which carry a name and an e-mail address). Deterministic.

Usage: make_bodies.py SOURCE_DIR [COUNT] > bodies.jsonl
"""
import json
import pathlib
import random
import re
import sys

TITLE_LIMIT = 200
BODY_LIMIT = 20000


def sentences(source: pathlib.Path) -> list[str]:
    out = []
    files = sorted(p for p in source.rglob("*") if p.suffix in (".txt", ".jsonl") and p.is_file())
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".jsonl":
            parts = []
            for line in text.splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict):
                    parts += [v for k, v in row.items() if k in ("text", "sentence", "question") and isinstance(v, str)]
            text = "\n".join(parts)
        for paragraph in re.split(r"\n\s*\n", text):
            flat = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", paragraph)
            flat = re.sub(r" {2,}", " ", flat).strip()
            for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”\"])", flat):
                if len(s.split()) >= 4:
                    out.append(s)
    return out


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    source = pathlib.Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    pool = sentences(source)
    if len(pool) < 10:
        print(f"make_bodies: too little text under {source} ({len(pool)} sentences)", file=sys.stderr)
        return 1
    rng = random.Random(4)
    feedback_types = ["praise", "complaint", "idea", "question"]
    names = ["Anna Lindqvist", "Mohammed Ali", "Karin Berg", "Erik Johansson", "Sara Nilsson", "Jonas Ek"]
    for i in range(count):
        start = rng.randrange(len(pool))
        body = " ".join(pool[start:start + rng.randint(1, 4)])[:BODY_LIMIT]
        roll = rng.random()
        if roll < 0.6:
            item = {"kind": "feedback", "feedback_type": rng.choice(feedback_types), "body": body}
        elif roll < 0.85:
            item = {"kind": "public_question", "body": body}
        else:
            name = rng.choice(names)
            email = name.lower().replace(" ", ".") + f"{i}@example.se"
            item = {"kind": "proposal", "title": rng.choice(pool)[:TITLE_LIMIT].strip(), "body": body,
                    "contact": {"name": name, "email": email}, "consent_publish": rng.random() < 0.5}
        if rng.random() < 0.3:
            item["area"] = rng.choice(["Centrum", "Norra", "Södra", "Hamnen", "Skogsbacken"])
        print(json.dumps(item, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
