#!/usr/bin/env python3
"""Reads one export folder with independent readers and prints what it found as JSON.

csv:  Python's csv module in strict mode (RFC 4180 quoting), after checking the UTF-8 BOM and CRLF.
xlsx: zipfile and the XML inside (workbook, relationships, each sheet): sheet names, rows per sheet,
      the header row, every cell's text.
manifest: each file's size and SHA-256 recomputed with hashlib.
Any structural problem raises, so the test sees a non-zero exit status.
"""
import csv
import hashlib
import io
import json
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def read_csv(path):
    raw = open(path, "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("items.csv has no UTF-8 BOM")
    text = raw[3:].decode("utf-8")
    if text and not text.endswith("\r\n"):
        raise ValueError("items.csv does not end with CRLF")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header, body = rows[0], rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise ValueError(f"row {i + 2} has {len(r)} fields, the header {len(header)}")
    return {"header": header, "rows": [dict(zip(header, r)) for r in body]}


def cell_text(c, shared):
    t = c.get("t")
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
    v = c.find("m:v", NS)
    if v is None:
        return ""
    if t == "s":
        return shared[int(v.text)]
    return v.text or ""


def read_xlsx(path):
    z = zipfile.ZipFile(path)
    if z.testzip() is not None:
        raise ValueError("items.xlsx has a corrupt member")
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        root = ET.fromstring(z.read("xl/sharedStrings.xml"))
        for si in root.findall("m:si", NS):
            shared.append("".join(x.text or "" for x in si.iter(f"{{{NS['m']}}}t")))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    sheets = []
    for s in wb.find("m:sheets", NS).findall("m:sheet", NS):
        target = targets[s.get(f"{{{NS['r']}}}id")]
        root = ET.fromstring(z.read("xl/" + target.lstrip("/").removeprefix("xl/")))
        rows = []
        for row in root.iter(f"{{{NS['m']}}}row"):
            rows.append([cell_text(c, shared) for c in row.findall("m:c", NS)])
        sheets.append({"name": s.get("name"), "rows": rows})
    core = z.read("docProps/core.xml").decode("utf-8")
    return {"sheets": sheets, "core": core, "members": sorted(z.namelist())}


def check_manifest(folder):
    m = json.load(open(f"{folder}/manifest.json", encoding="utf-8"))
    out = []
    for f in m["files"]:
        data = open(f"{folder}/{f['name']}", "rb").read()
        out.append({"name": f["name"], "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                    "listed_bytes": f["bytes"], "listed_sha256": f["sha256"]})
    return out


def main():
    folder = sys.argv[1]
    json.dump({"csv": read_csv(f"{folder}/items.csv"), "xlsx": read_xlsx(f"{folder}/items.xlsx"),
               "manifest": check_manifest(folder)}, sys.stdout, ensure_ascii=False)


main()
