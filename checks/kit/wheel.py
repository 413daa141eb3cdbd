"""A pure-Python wheel (PEP 427), written whole in memory: its files, metadata, entry points and record.

Every member has the same timestamp, so the same files make the same bytes.
"""
from __future__ import annotations

import base64
import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Mapping, Sequence

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def file_name(name: str, version: str) -> str:
    return f"{_escaped(name)}-{_escaped(version)}-py3-none-any.whl"


def build(*, name: str, version: str, summary: str, files: Mapping[str, bytes], requires: Sequence[str],
          entry_points: Mapping[str, Mapping[str, str]]) -> bytes:
    """The wheel of `files` (paths inside it, with `/`), installing as distribution `name` `version`."""
    info = f"{_escaped(name)}-{_escaped(version)}.dist-info"
    metadata = "".join([f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n",
                        *(f"Requires-Dist: {requirement}\n" for requirement in requires)])
    points = "".join(f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items()) + "\n"
                     for group, entries in entry_points.items())
    members = {**files, f"{info}/METADATA": metadata.encode(), f"{info}/entry_points.txt": points.encode(),
               f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: gradjudge kit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{path},sha256={_digest(data)},{len(data)}\n" for path, data in sorted(members.items()))
    members[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(members, key=lambda path: (path.startswith(info), path)):
            entry = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(entry, members[path])
    return buffer.getvalue()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _escaped(part: str) -> str:
    return re.sub(r"[^\w\d.]+", "_", part, flags=re.UNICODE)
