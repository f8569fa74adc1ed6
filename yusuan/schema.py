"""Frictionless descriptors for every resource, made from the bilingual metadata.

Bilingual convention: `title` is "中文 / English", `description` is the Chinese, a blank line, the English;
`title_zh`, `title_en`, `description_zh`, `description_en` hold each language alone.
"""

from __future__ import annotations

from .knowledge import flatten, load, read
from .paths import METADATA

FDP_COLUMN_TYPES = {  # Fiscal Data Package 1.0 columnType for our semantic tags
    "value": "value",
    "direction": "direction",
    "phase": "phase",
    "fiscal-period": "date:fiscal-year",
    "classification-code": "classification:generic:code",
}


def bilingual(zh: str, en: str, zh_text: str | None = None, en_text: str | None = None) -> dict:
    out = {"title": f"{zh} / {en}", "title_zh": zh, "title_en": en}
    if zh_text or en_text:
        out |= {
            "description": f"{zh_text}\n\n{en_text}",
            "description_zh": zh_text,
            "description_en": en_text,
        }
    return out


def field(spec: dict) -> dict:
    out = {"name": spec["name"], "type": spec["type"]}
    out |= bilingual(spec["zh"], spec["en"], spec["description_zh"], spec["description_en"])
    constraints = {}
    if "enum" in spec:
        constraints["enum"] = spec["enum"]
    if "pattern" in spec:
        constraints["pattern"] = spec["pattern"]
    if spec.get("required"):
        constraints["required"] = True
    if constraints:
        out["constraints"] = constraints
    if spec["type"] == "number":
        out["bareNumber"] = True
    if spec["type"] == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    if "fdp" in spec:
        out["columnType"] = FDP_COLUMN_TYPES[spec["fdp"]]
    return out


def resource(spec: dict) -> dict:
    out = {"name": spec["name"], "path": f"{spec['name']}.csv", "profile": "tabular-data-resource"}
    out |= bilingual(spec["title_zh"], spec["title_en"], spec["description_zh"], spec["description_en"])
    out |= {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
    schema = {"fields": [field(f) for f in spec["fields"]]}
    if spec.get("primary_key"):
        schema["primaryKey"] = spec["primary_key"]
    if spec.get("foreign_keys"):
        schema["foreignKeys"] = [
            {"fields": fk["fields"], "reference": {"resource": "" if fk["resource"] == spec["name"] else fk["resource"], "fields": fk["key"]}}
            for fk in spec["foreign_keys"]
        ]
    out["schema"] = schema
    for key in ("fiscal",):
        if key in spec:
            out[key] = spec[key]
    return out


def static_specs() -> list[dict]:
    """The hand-written resource specs in metadata/resources/, in their declared order."""
    specs = [read(path) for path in sorted((METADATA / "resources").glob("*.yaml"))]
    return sorted(specs, key=lambda s: (s.get("order", 100), s["name"]))


def table_spec(kind_key: str) -> dict:
    """The spec of the per-table resource of one table kind, from tables.yaml, measures and fields."""
    kind = load("tables")["kinds"][kind_key]
    measures, common = load("measures"), load("fields")

    def plain(name: str, type_: str = "string", **extra) -> dict:
        c = common[name]
        return {"name": name, "type": type_, "zh": c["zh"], "en": c["en"], "description_zh": c["description_zh"], "description_en": c["description_en"], **extra}

    fields = [plain("document_id"), plain("table_no", "integer"), plain("row_no", "integer"), plain("unit_as_printed")]
    columns = flatten(kind["columns"])  # the kind's own columns (any printed subset, in any order)
    if any(c["role"] == "code" for c in columns):
        fields.append(plain("code", pattern=r"^\d+$", fdp="classification-code"))
    for column in columns:
        name, role = column["field"], column["role"]
        if role == "code":
            fields.append(plain(name, pattern=r"^\d+$"))
        elif role == "code_name":
            fields += [plain("expenditure_code", pattern=r"^\d+$"), plain("expenditure_name_zh")]
        elif role in ("label", "project"):
            fields.append(plain(name))
        else:
            m = measures[column["measure"]]
            side = column.get("side", kind.get("side"))
            side_zh, side_en = {"income": ("收入", "income"), "expenditure": ("支出", "expenditure")}[side]
            zh, en = m["zh"], m["en"]
            if column.get("side"):
                zh, en = f"{side_zh}：{zh}", f"{en} ({side_en})"
            fields.append({
                "name": name, "type": "number", "zh": zh, "en": en, "fdp": "value",
                "description_zh": f"{m['zh']}（{side_zh}），原文数字，单位见 unit_as_printed。",
                "description_en": f"{m['en']} ({side_en}), the digits as printed, in the unit given by unit_as_printed.",
            })
    return {
        "name": kind_key,
        "title_zh": kind["title_zh"],
        "title_en": kind["title_en"],
        "description_zh": kind["description_zh"] + "行与列同原文，编码拆分为类、款、项并连写为完整编码。",
        "description_en": kind["description_en"] + " Rows and columns as printed; codes split into 类/款/项 and joined into the full code.",
        "primary_key": ["document_id", "table_no", "row_no"],
        "foreign_keys": [{"fields": ["document_id"], "resource": "documents", "key": ["document_id"]}],
        "fields": fields,
    }
