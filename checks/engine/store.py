"""The truths store: what the oracles found on derandomized cases, kept on disk so a course computes it once.

Every command grading a class meets the same cases, so their truths, numeric
witnesses and diagnosis's variant truths can be computed once per course, not
once per command. The store keeps them in the user's cache folder
(`$GRADJUDGE_CACHE_DIR`, else the platform's, `~/.cache/gradjudge/truths` on
Linux), one file per entry, named by the digest of the entry's key: everything
its content depends on (`namespace`: the store's format, gradjudge's version and
engine sources, torch's (without a build tag such as `+cpu`: its CPU kernels are
the same), numpy's and hypothesis's versions, and the sources of the
assignment's declaration; then what the entry is about, such as a whole case:
its context, dims, scalars, seed, scale and edge).

Only the grader writes it, and nothing read from it is trusted unchecked: every
entry carries its own key and an HMAC-SHA256 of its bytes under a secret made
with the store (`secret`, readable by its owner only), so a corrupt entry, one
renamed to another key, or one planted by anybody without the secret reads as
missing and is computed again. Entries are written to a temporary file and
renamed into place, so graders running at once never see half an entry. The
store is bounded: past `LIMIT_BYTES`, the entries used least recently go first.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib
import json
import os
import secrets
import stat
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

ENVIRONMENT_VARIABLE = "GRADJUDGE_CACHE_DIR"
FORMAT = 1
"""Bumped whenever what an entry holds changes meaning."""
LIMIT_BYTES = 512 * 2**20
"""Entries kept at most: a course's cases take a few megabytes, so hundreds of courses and versions fit."""
TRIMMED_TO = 0.8
"""Eviction frees down to this fraction of the limit, so that it runs seldom."""
TRIM_EVERY = 1 / 32
"""A grader looks at the store's size (listing every entry) once it has written this fraction of the limit since
it last looked: often enough to stay near the bound, seldom enough to cost nothing per submission."""
MAGIC = b"gradjudge-truths\n"
SECRET_BYTES = 32
DIGEST_BYTES = 32
ARRAY_DTYPES = {name: np.dtype(name) for name in ("float64", "int64", "bool")}
"""The only dtypes an entry's arrays may have, by the names entries give them: nothing read from disk becomes an
object."""
_NAMES = {dtype: name for name, dtype in ARRAY_DTYPES.items()}
STALE_SECONDS = 3600.0
"""A temporary file older than this is a writer's leftover (it died mid-write), removed when the store is trimmed."""
ENGINE_SOURCES = ("checks",)
"""gradjudge's own code that truths depend on: all of it, since they are made by modules across the package (the
model, kinks, sizes, diagnosis's generated variants), so a change to any of it is a new namespace."""


class StoreUnavailable(Exception):
    """The store's folder cannot be used; the message says which and why."""


@dataclass
class Entry:
    """What one entry holds: named arrays, and plain JSON data beside them."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    data: dict = field(default_factory=dict)


def _private(path: Path) -> None:
    """Refuse `path` unless this user owns it and nobody else may write it: an entry signed with a secret another
    user could write, or in a folder another user could write, would be trusted."""
    info = os.stat(path)
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise StoreUnavailable(f"the truths store's {path} is not private to this user (owner uid {info.st_uid}, mode "
                               f"{stat.filemode(info.st_mode)}): another user could plant entries it would trust")


def location() -> Path:
    """Where the store lives: `$GRADJUDGE_CACHE_DIR`, else `truths` in the platform's cache folder for gradjudge."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("gradjudge") / "truths"


class Store:
    """The entries of one folder: read verified, written atomically, bounded in size."""

    def __init__(self, root: Path, *, limit_bytes: int = LIMIT_BYTES, secret: bytes | None = None):
        """The store in folder `root`, made if need be; `secret` makes a new store's secret (a random one by default,
        which is what a store a user's grader keeps must have)."""
        if not isinstance(limit_bytes, int) or limit_bytes < 1:
            raise ValueError(f"limit_bytes={limit_bytes!r}, but the store's bound must be a positive number of bytes")
        if secret is not None and len(secret) != SECRET_BYTES:
            raise ValueError(f"a secret of {len(secret)} bytes, but a store's secret has {SECRET_BYTES}")
        self.root = Path(root)
        self.limit_bytes = limit_bytes
        self._written = limit_bytes  # so that the first trim looks
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            _private(self.root)
            (self.root / "entries").mkdir(exist_ok=True, mode=0o700)
            self._secret = self._read_or_make_secret(secret or secrets.token_bytes(SECRET_BYTES))
            _private(self.root / "secret")
        except OSError as exc:
            raise StoreUnavailable(f"the truths store {self.root} cannot be used ({exc.strerror or exc})") from None

    def read(self, key: list) -> Entry | None:
        """The entry stored under `key`, or None if there is none, or none that checks out (never an exception)."""
        path = self._path(key)
        try:
            with open(path, "rb") as stream:
                raw = bytearray(stream.read())
        except OSError:
            return None
        found = self._parsed(raw, key)
        if found is not None:
            with contextlib.suppress(OSError):
                os.utime(path)
        return found

    def write(self, key: list, entry: Entry) -> None:
        """Store `entry` under `key`, whole or not at all; a store that cannot be written to is skipped, not fatal."""
        path = self._path(key)
        body = self._signed(key, entry)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(exist_ok=True, mode=0o700)
            with open(temporary, "wb") as stream:
                stream.write(body)
            os.replace(temporary, path)
            self._written += len(body)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()

    def files(self) -> dict[str, bytes]:
        """The secret and every entry, by path below the store's folder: the store as it is copied elsewhere."""
        found = {"secret": (self.root / "secret").read_bytes()}
        found.update({path.relative_to(self.root).as_posix(): path.read_bytes() for path, _, _ in self._entries()})
        return found

    def usage(self) -> tuple[int, int]:
        """How many entries, and how many bytes they take."""
        found = list(self._entries())
        return len(found), sum(size for _, size, _ in found)

    def trim(self) -> int:
        """Past the limit, remove the entries used least recently until they fit in `TRIMMED_TO` of it; how many
        went. It looks only when `TRIM_EVERY` of the limit has been written since it last did."""
        if self._written < TRIM_EVERY * self.limit_bytes:
            return 0
        self._written = 0
        found = sorted(self._entries(), key=lambda item: item[2])
        total = sum(size for _, size, _ in found)
        if total <= self.limit_bytes:
            return 0
        removed = 0
        for path, size, _ in found:
            if total <= TRIMMED_TO * self.limit_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed

    def clear(self) -> int:
        """Remove every entry and the secret (a new one is made on next use); how many entries went."""
        count = 0
        for path, _, _ in list(self._entries()):
            with contextlib.suppress(OSError):
                path.unlink()
                count += 1
        with contextlib.suppress(OSError):
            (self.root / "secret").unlink()
        return count

    def _entries(self):
        """`(path, size, last used)` of every entry; writers' leftovers past `STALE_SECONDS` are removed on the way."""
        now = time.time()
        with contextlib.suppress(OSError):
            for shard in os.scandir(self.root / "entries"):
                if not shard.is_dir(follow_symlinks=False):
                    continue
                for item in os.scandir(shard.path):
                    with contextlib.suppress(OSError):
                        info = item.stat(follow_symlinks=False)
                        if item.name.startswith("."):
                            if now - info.st_mtime > STALE_SECONDS:
                                os.unlink(item.path)
                            continue
                        yield Path(item.path), info.st_size, info.st_mtime

    def _path(self, key: list) -> Path:
        digest = hashlib.sha256(_canonical(key)).hexdigest()
        return self.root / "entries" / digest[:2] / digest[2:]

    def _read_or_make_secret(self, made: bytes) -> bytes:
        """The store's secret: `made` if it has none yet, written whole before anyone can read it, readable by its
        owner only."""
        path = self.root / "secret"
        try:
            secret = path.read_bytes()
        except FileNotFoundError:
            temporary = path.with_name(f".secret.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(made)
            try:
                os.link(temporary, path)  # fails if another grader made it first: theirs is kept
            except FileExistsError:
                pass
            finally:
                temporary.unlink()
            secret = path.read_bytes()
        if len(secret) != SECRET_BYTES:
            raise OSError(f"its secret {path} is not {SECRET_BYTES} bytes; remove it (gradjudge cache clear)")
        return secret

    def _signed(self, key: list, entry: Entry) -> bytes:
        arrays, chunks, offset = [], [], 0
        for name, given in entry.arrays.items():
            array = np.ascontiguousarray(given)  # (which makes a 0-d array 1-d: the shape kept is the given one's)
            dtype = dtype_name(array.dtype)
            if dtype is None:
                raise ValueError(f"{name}: dtype {array.dtype}, but an entry holds only {sorted(ARRAY_DTYPES)}")
            arrays.append([name, dtype, list(np.shape(given)), offset, array.nbytes])
            chunks.append(array.tobytes())
            offset += array.nbytes
        header = json.dumps({"key": key, "arrays": arrays, "data": entry.data}, separators=(",", ":")).encode()
        body = MAGIC + len(header).to_bytes(8, "big") + header + b"".join(chunks)
        return body + hmac.new(self._secret, body, hashlib.sha256).digest()

    def _parsed(self, raw: bytearray, key: list) -> Entry | None:
        """The entry in `raw`, if it is one, signed with this store's secret, and stored under `key`; its arrays are
        writable views of `raw`."""
        body, mac = raw[:-DIGEST_BYTES], raw[-DIGEST_BYTES:]
        if len(raw) < len(MAGIC) + 8 + DIGEST_BYTES or not body.startswith(MAGIC):
            return None
        if not hmac.compare_digest(mac, hmac.new(self._secret, body, hashlib.sha256).digest()):
            return None
        start = len(MAGIC) + 8
        length = int.from_bytes(body[len(MAGIC):start], "big")
        try:
            header = json.loads(body[start:start + length])
            if _canonical(header["key"]) != _canonical(key):
                return None
            payload = memoryview(body)[start + length:]
            arrays = {}
            for name, dtype, shape, offset, nbytes in header["arrays"]:
                if dtype not in ARRAY_DTYPES or offset + nbytes > len(payload):
                    return None
                array = np.frombuffer(payload, dtype=ARRAY_DTYPES[dtype], count=nbytes // ARRAY_DTYPES[dtype].itemsize,
                                      offset=offset)
                arrays[name] = array.reshape(shape)
            return Entry(arrays, header["data"])
        except (ValueError, KeyError, TypeError):
            return None


def dtype_name(dtype: np.dtype) -> str | None:
    """The name an entry gives arrays of `dtype` (in this machine's byte order), or None where it cannot hold them."""
    return _NAMES.get(dtype)


def _canonical(key: list) -> bytes:
    return json.dumps(key, separators=(",", ":"), sort_keys=True).encode()


_NAMESPACES: dict[int, str] = {}


def namespace(assignment) -> str:
    """The digest of everything an assignment's truths depend on besides the case: the store's format, gradjudge's
    version and engine sources, the versions of torch, numpy and hypothesis, and the assignment's declaration (the
    source files of the package that declares it)."""
    if id(assignment) not in _NAMESPACES:
        import hypothesis
        import torch

        digest = hashlib.sha256()
        versions = [FORMAT, _version("gradjudge"), torch.__version__.split("+")[0], np.__version__,
                    hypothesis.__version__, assignment.name]
        digest.update(_canonical(versions))
        package = Path(__file__).resolve().parents[2]
        sources = [sources_digest(package / source) for source in ENGINE_SOURCES]
        digest.update(_canonical([*sources, sources_digest(_declaring_sources(assignment))]))
        _NAMESPACES[id(assignment)] = digest.hexdigest()
    return _NAMESPACES[id(assignment)]


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _declaring_sources(assignment) -> Path:
    """The folder of the package whose module declares `assignment` (or that module's own file, if it is alone)."""
    from checks import assignments

    try:
        module_name = assignments.spec_of(assignments.name_of(assignment)).partition(":")[0]
    except assignments.UnknownAssignment:  # not found by name: the package of its reference closed forms
        module_name = assignment.reference
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    origin = Path(module.__file__).resolve()
    return origin.parent if module.__package__ else origin


def sources_digest(path: Path) -> str:
    """The digest of every `.py` file under `path` (or of `path` itself), by relative name and content."""
    digest = hashlib.sha256()
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path.parent)).encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


__all__ = ["ARRAY_DTYPES", "dtype_name", "ENVIRONMENT_VARIABLE", "Entry", "LIMIT_BYTES", "SECRET_BYTES", "Store", "StoreUnavailable", "location", "namespace", "sources_digest"]
