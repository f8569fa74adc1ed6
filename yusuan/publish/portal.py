"""yusuan publish: the data package as a zip, CKAN and DCAT-AP records in both languages, a Datasette bundle."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from datetime import datetime, timezone
from urllib.parse import quote
from importlib import metadata as importlib_metadata
from pathlib import Path

from ..errors import YusuanError
from ..paths import METADATA, SITE

ZIP_NAME = "yusuan-datapackage.zip"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed member times: the same package gives the same zip, byte for byte
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "zip": "application/zip", "db": "application/vnd.sqlite3"}
IANA = "http://www.iana.org/assignments/media-types/"
CKAN_LICENCES = {"CC0-1.0": "cc-zero", "CC-BY-4.0": "cc-by", "ODC-BY-1.0": "odc-by", "ODbL-1.0": "odc-odbl", "PDDL-1.0": "odc-pddl"}
SPDX_SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
BUNDLE_PACKAGES = ("datasette", "openpyxl")  # what the bundle's site needs at run time (its plugins use openpyxl)
LICENCE_NOTICE = ("数据以 {name} 发布，可自由使用；原始文件为国家机关公文，不受著作权法保护（《著作权法》第五条）。\n\n"
                  "Data released under {name} ({path}), free to use; the source documents are official documents of "
                  "state organs, outside copyright (PRC Copyright Law art. 5).\n")


def _descriptor(package_dir: Path) -> dict:
    path = package_dir / "datapackage.json"
    if not path.is_file():
        raise YusuanError(str(package_dir), "datapackage.json", "no data package here (run yusuan build first)")
    return json.loads(path.read_text(encoding="utf-8"))


def _documents(database: Path) -> list[dict]:
    if not database.is_file():
        raise YusuanError(str(database), "database", "no database here (run yusuan build first)")
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("select * from documents order by document_id")]
    finally:
        con.close()


def write_zip(package_dir: Path, target: Path, descriptor: dict) -> Path:
    licence = descriptor["licenses"][0]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in package_dir.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(package_dir).as_posix(), ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
        info = zipfile.ZipInfo("LICENSE.txt", ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, LICENCE_NOTICE.format(**licence))
    return target


def _url(base: str, name: str) -> str:
    """The download URL of name: under base, or relative (to the published folder) when base is empty."""
    return base.rstrip("/") + "/" + name if base else name


def _coverage(documents: list[dict]) -> dict:
    years = sorted({int(d["fiscal_year"]) for d in documents if d.get("fiscal_year")})
    regions = {}
    for d in documents:
        key = d.get("region_code") or d.get("region_zh")
        if key:
            regions[key] = {"code": d.get("region_code"), "zh": d.get("region_zh"), "en": d.get("region_en") or d.get("region_zh")}
    return {"start": f"{years[0]}-01-01" if years else None, "end": f"{years[-1]}-12-31" if years else None,
            "years": years, "regions": list(regions.values())}


SPLITS = {"year": ("按年度", "by year"), "body": ("按部门", "by body")}


def _distributions(descriptor: dict, base: str, out_dir: Path | None = None) -> list[dict]:
    """What a portal lists: the zip, the descriptor, each resource's CSV, the split zips published beside them
    (downloads/by-year, downloads/by-body); each with its file's size, SHA-256 and time when out_dir holds it."""
    out = [{"name": ZIP_NAME, "zh": "完整数据包（zip）", "en": "The whole data package (zip)", "path": ZIP_NAME, "format": "zip",
            "description_zh": "Frictionless 数据包：datapackage.json 与全部 CSV。", "description_en": "Frictionless data package: datapackage.json and every CSV."},
           {"name": "datapackage.json", "zh": "数据包描述", "en": "Data package descriptor", "path": "data/datapackage.json", "format": "json",
            "description_zh": "表结构、字段说明（中英文）。", "description_en": "Table schemas and field descriptions (Chinese and English)."}]
    for res in descriptor["resources"]:
        out.append({"name": res["path"], "zh": res.get("title_zh") or res["name"], "en": res.get("title_en") or res["name"],
                    "path": "data/" + res["path"], "format": res["path"].rsplit(".", 1)[-1],
                    "description_zh": res.get("description_zh", ""), "description_en": res.get("description_en", "")})
    for by, (zh, en) in SPLITS.items():
        for path in sorted((out_dir / "downloads" / f"by-{by}").glob("*.zip")) if out_dir else ():
            part = _part_titles(path)
            out.append({"name": path.name, "zh": f"{part['zh']}（zip）", "en": f"{part['en']} (zip)",
                        "path": path.relative_to(out_dir).as_posix(), "format": "zip",
                        "description_zh": f"数据包的一部分（{zh}拆分）：{part['zh']}的文件及其全部数据。",
                        "description_en": f"Part of the data package (split {en}): the documents of {part['en']} and all their data."})
    for item in out:
        item["url"] = _url(base, quote(item["path"]))
        if out_dir is not None and (out_dir / item["path"]).is_file():
            item |= _file_facts(out_dir / item["path"])
    return out


def _part(path: Path) -> dict:
    """The descriptor of a split package, read from its zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read("datapackage.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise YusuanError(path, "", "not a split of the package (run yusuan split again)") from None


def _part_titles(path: Path) -> dict:
    """The part's own name (a year, a body) in both languages."""
    part = _part(path)
    return part.get("yusuan_part") or {"zh": part.get("title_zh") or path.stem, "en": part.get("title_en") or path.stem}


def _same_build(path: Path, descriptor: dict) -> None:
    """A split zip is published with its package only: one of another build is an error naming it."""
    from ..outputs import BUILD_KEY

    if _part(path).get(BUILD_KEY) != descriptor.get(BUILD_KEY):
        raise YusuanError(path, "", "split from another build of the package (run yusuan split again)")


def _file_facts(path: Path) -> dict:
    """A published file's size in bytes and its SHA-256."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _times(package_dir: Path, out_dir: Path) -> dict:
    """When the data was built (the package's descriptor, UTC), and when it was first published from this
    folder (kept from the previous dcat.jsonld there, else the build time)."""
    built = datetime.fromtimestamp((package_dir / "datapackage.json").stat().st_mtime, tz=timezone.utc).replace(microsecond=0)
    modified = built.strftime("%Y-%m-%dT%H:%M:%SZ")
    issued = modified
    try:
        previous = json.loads((out_dir / "dcat.jsonld").read_text(encoding="utf-8")).get("dct:issued")
        if isinstance(previous, dict) and str(previous.get("@value", "")) < modified:
            issued = previous["@value"]
    except (OSError, ValueError):
        pass
    return {"issued": issued, "modified": modified}


def _publisher(descriptor: dict) -> dict:
    """The publisher (the project's, else yusuan) in both languages, with its contact when given."""
    who = next((c for c in descriptor.get("contributors", []) if c.get("role") == "publisher"), {"title": "yusuan"})
    zh, _, en = who["title"].partition(" / ")
    return {"zh": zh, "en": en or zh, "email": who.get("email"), "url": who.get("path")}


def ckan_payload(descriptor: dict, documents: list[dict], base: str, out_dir: Path | None = None, owner_org: str | None = None,
                 times: dict | None = None) -> dict:
    """A CKAN package_create payload; both languages kept as ckanext-fluent language fields; the organisation
    (owner_org) and the publisher's contact (maintainer) when the project names them; each resource's size,
    SHA-256 (hash, as ckanext-dcat reads it) and time when out_dir holds its file."""
    licence = descriptor["licenses"][0]
    cover = _coverage(documents)
    who = _publisher(descriptor)
    spatial = descriptor.get("spatial")
    own = {"owner_org": owner_org} if owner_org else {}
    if who["zh"] != "yusuan":
        own |= {"maintainer": who["zh"] if who["zh"] == who["en"] else f"{who['zh']} / {who['en']}"}
        own |= {"maintainer_email": who["email"]} if who["email"] else {}
    keywords_zh = [k for k in descriptor.get("keywords", []) if not k.isascii()]
    keywords_en = [k for k in descriptor.get("keywords", []) if k.isascii()]
    return {
        "name": descriptor["name"],
        "title": descriptor["title_zh"],
        "title_translated": {"zh": descriptor["title_zh"], "en": descriptor["title_en"]},
        "notes": descriptor["description_zh"],
        "notes_translated": {"zh": descriptor["description_zh"], "en": descriptor["description_en"]},
        "license_id": CKAN_LICENCES.get(licence["name"], licence["name"]),
        "url": descriptor.get("homepage"),
        "version": descriptor.get("version"),
        "tags": [{"name": k} for k in keywords_en],
        "tags_translated": {"zh": keywords_zh, "en": keywords_en},
        **own,
        "extras": [
            {"key": "temporal_start", "value": cover["start"] or ""},
            {"key": "temporal_end", "value": cover["end"] or ""},
            {"key": "spatial_text_zh", "value": spatial["zh"] if spatial else "；".join(r["zh"] for r in cover["regions"])},
            {"key": "spatial_text_en", "value": spatial["en"] if spatial else "; ".join(r["en"] for r in cover["regions"])},
            {"key": "spatial_codes", "value": ",".join(r["code"] for r in cover["regions"] if r["code"])},
            {"key": "licence_url", "value": licence["path"]},
        ] + ([{"key": "publisher_url", "value": who["url"]}] if who["url"] else [])
          + ([{"key": "issued", "value": times["issued"]}, {"key": "modified", "value": times["modified"]}] if times else []),
        "resources": [{"name": d["zh"], "name_translated": {"zh": d["zh"], "en": d["en"]}, "url": d["url"],
                       "format": d["format"].upper(), "mimetype": MEDIA_TYPES.get(d["format"], "application/octet-stream"),
                       "description": d["description_zh"],
                       "description_translated": {"zh": d["description_zh"], "en": d["description_en"]}}
                      | ({"size": d["size"], "hash": d["sha256"], "hash_algorithm": SPDX_SHA256} if "size" in d else {})
                      | ({"last_modified": times["modified"].rstrip("Z")} if times else {})
                      for d in _distributions(descriptor, base, out_dir)],
    }


def _lang(zh: str, en: str) -> list[dict]:
    return [{"@value": zh, "@language": "zh"}, {"@value": en, "@language": "en"}]


def dcat_record(descriptor: dict, documents: list[dict], base: str, out_dir: Path | None = None, times: dict | None = None) -> dict:
    """A DCAT-AP dataset in JSON-LD: titles and descriptions tagged @zh and @en; the publisher as contact
    point (vcard) when the project names it; issued and modified; each distribution's byte size, SPDX
    checksum (SHA-256) and time when out_dir holds its file."""
    licence = descriptor["licenses"][0]
    cover = _coverage(documents)
    who = _publisher(descriptor)
    dataset_id = (_url(base, "#dataset") if not base.endswith("/") else base + "#dataset") if base else "#dataset"
    spatial = [{"@type": "dct:Location", "dct:identifier": r["code"], "locn:geographicName": _lang(r["zh"], r["en"])}
               for r in cover["regions"]]
    if descriptor.get("spatial"):
        spatial.insert(0, {"@type": "dct:Location", "locn:geographicName": _lang(descriptor["spatial"]["zh"], descriptor["spatial"]["en"])})
    spatial.append({"@id": "http://publications.europa.eu/resource/authority/country/CHN"})
    own = {}
    if who["zh"] != "yusuan":
        contact = {"@type": "vcard:Organization", "vcard:fn": _lang(who["zh"], who["en"])}
        contact |= {"vcard:hasEmail": {"@id": "mailto:" + who["email"]}} if who["email"] else {}
        contact |= {"vcard:hasURL": {"@id": who["url"]}} if who["url"] else {}
        own["dcat:contactPoint"] = contact
    dated = {"dct:issued": {"@value": times["issued"], "@type": "xsd:dateTime"},
             "dct:modified": {"@value": times["modified"], "@type": "xsd:dateTime"}} if times else {}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "locn": "http://www.w3.org/ns/locn#",
            "vcard": "http://www.w3.org/2006/vcard/ns#", "spdx": "http://spdx.org/rdf/terms#",
            "dcat:downloadURL": {"@type": "@id"}, "dcat:accessURL": {"@type": "@id"}, "dcat:mediaType": {"@type": "@id"},
            "dct:license": {"@type": "@id"}, "dcat:landingPage": {"@type": "@id"},
            "dcat:startDate": {"@type": "xsd:date"}, "dcat:endDate": {"@type": "xsd:date"},
        },
        "@id": dataset_id,
        "@type": "dcat:Dataset",
        "dct:identifier": descriptor["name"],
        "dct:title": _lang(descriptor["title_zh"], descriptor["title_en"]),
        "dct:description": _lang(descriptor["description_zh"], descriptor["description_en"]),
        "dcat:keyword": [{"@value": k, "@language": "en" if k.isascii() else "zh"} for k in descriptor.get("keywords", [])],
        "dcat:landingPage": descriptor.get("homepage") or base,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": _lang(who["zh"], who["en"]) if who["zh"] != who["en"] else who["zh"]}
        | ({"foaf:homepage": {"@id": who["url"]}} if who["url"] else {}),
        **own,
        **dated,
        "dct:license": licence["path"],
        "dcat:version": descriptor.get("version"),
        "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": cover["start"], "dcat:endDate": cover["end"]},
        "dct:spatial": spatial,
        "dct:source": [{"dct:title": s.get("title"), "dct:identifier": s.get("sha256")} for s in descriptor.get("sources", [])],
        "dcat:distribution": [{
            "@id": d["url"] + "#distribution", "@type": "dcat:Distribution",
            "dct:title": _lang(d["zh"], d["en"]), "dct:description": _lang(d["description_zh"] or d["zh"], d["description_en"] or d["en"]),
            "dcat:downloadURL": d["url"], "dcat:accessURL": d["url"],
            "dcat:mediaType": IANA + MEDIA_TYPES.get(d["format"], "application/octet-stream"),
            "dct:format": d["format"].upper(), "dct:license": licence["path"],
        } | ({"dcat:byteSize": {"@value": str(d["size"]), "@type": "xsd:nonNegativeInteger"},
              "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": SPDX_SHA256},
                                "spdx:checksumValue": {"@value": d["sha256"], "@type": "xsd:hexBinary"}}} if "size" in d else {})
          | ({"dct:modified": {"@value": times["modified"], "@type": "xsd:dateTime"}} if times else {})
          for d in _distributions(descriptor, base, out_dir)],
    }


def _installed(name: str) -> str:
    return importlib_metadata.version(name)


def write_bundle(target: Path, database: Path, zip_path: Path) -> Path:
    """A folder Datasette can be deployed from: the database, metadata, site files, pinned requirements, start.sh."""
    from ..serve import SETTINGS, datasette_metadata, descriptor_of

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(database, target / "yusuan.db")
    shutil.copy2(database.with_suffix(".datapackage.json"), target / "yusuan.datapackage.json")
    shutil.copy2(zip_path, target / ZIP_NAME)
    shutil.copytree(SITE, target / "site", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(METADATA / "codes", target / "metadata" / "codes")
    for name in ("measures.yaml", "tables.yaml"):  # the pages name measures and table kinds in both languages
        shutil.copy2(METADATA / name, target / "metadata" / name)
    meta = datasette_metadata(descriptor_of(database))
    meta.setdefault("plugins", {}).setdefault("yusuan", {})["package_zip"] = ZIP_NAME
    (target / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    (target / "requirements.txt").write_text("".join(f"{name}=={_installed(name)}\n" for name in BUNDLE_PACKAGES), encoding="utf-8")
    settings = " ".join(f"--setting {k} {str(v).lower() if isinstance(v, bool) else v}" for k, v in SETTINGS.items())
    start = target / "start.sh"
    start.write_text(
        "#!/bin/sh\n# Serve the yusuan site: pip install -r requirements.txt && ./start.sh (PORT and HOST from the environment)\n"
        'cd "$(dirname "$0")"\n'
        'exec datasette serve -i yusuan.db -m metadata.json --template-dir site/templates --static static:site/static '
        f'--plugins-dir site/plugins --host "${{HOST:-0.0.0.0}}" --port "${{PORT:-8001}}" {settings}\n', encoding="utf-8")
    start.chmod(0o755)
    (target / "Procfile").write_text("web: ./start.sh\n", encoding="utf-8")
    return target


def push_to_ckan(payload: dict, ckan_url: str, api_key: str) -> dict:
    """Create (or update, when it exists) the dataset on a CKAN portal."""
    try:
        import ckanapi
    except ImportError:  # the standard library is enough for the two calls we need
        return _push_urllib(payload, ckan_url, api_key)
    portal = ckanapi.RemoteCKAN(ckan_url, apikey=api_key, user_agent="yusuan-publish")
    try:
        existing = portal.action.package_show(id=payload["name"])
    except ckanapi.NotFound:
        return portal.action.package_create(**payload)
    return portal.action.package_update(**dict(payload, id=existing["id"]))


def _push_urllib(payload: dict, ckan_url: str, api_key: str) -> dict:
    import urllib.error
    import urllib.request

    def call(action: str, body: dict) -> dict:
        request = urllib.request.Request(ckan_url.rstrip("/") + f"/api/3/action/{action}", data=json.dumps(body).encode("utf-8"),
                                         headers={"Content-Type": "application/json", "Authorization": api_key})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["result"]

    try:
        existing = call("package_show", {"id": payload["name"]})
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise
        return call("package_create", payload)
    return call("package_update", dict(payload, id=existing["id"]))


def publish(package_dir: Path, database: Path, out_dir: Path, base_url: str | None = None,
            ckan_url: str | None = None, api_key: str | None = None, owner_org: str | None = None,
            downloads: Path | None = None) -> list[Path]:
    """Write the portal files into out_dir (and push to CKAN when ckan_url and api_key are given).

    base_url is where the files will be served from (their download URLs); without it the URLs are relative
    to out_dir (never a file: path of this machine). The package and the database must come from one build.
    owner_org is the CKAN organisation (the project's [ckan]); the split zips found under downloads
    (by-year/, by-body/, written by yusuan split) are published beside the package and listed."""
    from ..outputs import mismatch

    package_dir, database, out_dir = Path(package_dir), Path(database), Path(out_dir)
    descriptor = _descriptor(package_dir)
    documents = _documents(database)
    mismatch(package_dir, database)
    if ckan_url and not base_url:
        raise YusuanError("publish", "CKAN", "a portal needs absolute download URLs: give --base-url too")
    from ..outputs import lock

    out_dir.mkdir(parents=True, exist_ok=True)
    with lock(out_dir):  # two publishes into one folder never interleave
        return _publish(package_dir, database, out_dir, descriptor, documents, base_url or "", ckan_url, api_key, owner_org, downloads)


def _publish(package_dir: Path, database: Path, out_dir: Path, descriptor: dict, documents: list[dict], base: str,
             ckan_url: str | None, api_key: str | None, owner_org: str | None = None, downloads: Path | None = None) -> list[Path]:
    times = _times(package_dir, out_dir)
    splits = [(by, path) for by in SPLITS for path in (sorted((downloads / f"by-{by}").glob("*.zip")) if downloads else ())]
    for _, path in splits:  # checked before anything is written
        _same_build(path, descriptor)
    zip_path = write_zip(package_dir, out_dir / ZIP_NAME, descriptor)
    data_dir = out_dir / "data"  # the package's files, where the distributions' download URLs point
    if data_dir.exists():
        shutil.rmtree(data_dir)
    shutil.copytree(package_dir, data_dir)
    parts = out_dir / "downloads"  # the split zips of this package, when yusuan split made them
    if parts.exists():
        shutil.rmtree(parts)
    for by, path in splits:
        (parts / f"by-{by}").mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, parts / f"by-{by}" / path.name)
    payload = ckan_payload(descriptor, documents, base, out_dir, owner_org, times)
    ckan_path = out_dir / "ckan-package.json"
    ckan_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    dcat_path = out_dir / "dcat.jsonld"
    dcat_path.write_text(json.dumps(dcat_record(descriptor, documents, base, out_dir, times), ensure_ascii=False, indent=2), encoding="utf-8")
    bundle = write_bundle(out_dir / "datasette", database, zip_path)
    if ckan_url and api_key:
        push_to_ckan(payload, ckan_url, api_key)
    elif ckan_url or api_key:
        raise YusuanError("publish", "CKAN", "give both the portal URL and the API key, or neither")
    return [zip_path, data_dir, ckan_path, dcat_path, bundle]
