"""Files a data portal takes: the data package zip, a CKAN package_create payload, a DCAT-AP JSON-LD record
and a deployable Datasette bundle; optionally pushed to CKAN.

Example: publish(Path("datapackage"), Path("build/yusuan.db"), Path("build/publish"), base_url="https://data.example.org/yusuan")
"""

from .portal import publish

__all__ = ["publish"]
