"""Writing outputs so that a failure never destroys what was there before.

Every file the project writes goes to a temporary file in the target folder
(same filesystem, so the final rename is atomic) and replaces the target only
once it is complete. On any error the temporary file is removed and the old
output is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success."""
    target = Path(target)
    with _naming(target, "its folder cannot take a new file"):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if tmp.stat().st_size == 0:
            raise OSError(f"{target}: refusing to replace it with an empty file")
        with _naming(target, "it cannot be replaced (read-only, or open in another program such as Excel?)"):
            os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def _naming(target: Path, why: str) -> Iterator[None]:
    """An OSError told as the target's, not the temporary file's: what the user asked to write."""
    try:
        yield
    except OSError as exc:
        raise OSError(f"{target}: cannot write: {why} ({exc.strerror or exc})") from None


def write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically and return the target path."""
    return write_bytes(target, text.encode("utf-8"))


def write_with(target: str | os.PathLike[str], writer: Callable[[Path], None]) -> Path:
    """Let ``writer`` produce the file at a temporary path, then rename it into place."""
    with atomic_path(target) as tmp:
        tmp.unlink()  # writers such as GDAL refuse to overwrite an existing file
        writer(tmp)
    return Path(target)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes (a workbook) atomically and return the target path."""
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(target)


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd", ".xml")


def refuse_overwriting_inputs(target: str | os.PathLike[str] | None, inputs: Iterable[str | None]) -> None:
    """Raise UsageError, before anything is written, when ``target`` is one of the ``inputs``, a part
    of an input Shapefile (its .dbf, .prj ...) or a file inside an input folder (a .gdb): the
    atomic write would replace it for certain. The shipped example's files count as inputs always."""
    from geo import paths
    from geo.errors import UsageError
    from geo.io.datasets import split_source

    if target is None:
        return
    out = _comparable(Path(target))
    shipped = [*paths.EXAMPLE_LAYERS.values(), paths.CLAIMS, paths.SOURCES, paths.VOCABULARY]
    for given in [*filter(None, inputs), *shipped]:
        source = _comparable(split_source(given)[0])
        same = out == source or source in out.parents or _same_file(out, source)
        if not same and source.suffix.lower() == ".shp":
            same = out.parent == source.parent and out.stem == source.stem and out.suffix.lower() in SHAPEFILE_PARTS
        if same:
            raise UsageError(f"{target}: is the input {given} (or a part of it): write the output to another file")


def _same_file(a: Path, b: Path) -> bool:
    """Whether two existing paths are one file (a link, or a case-insensitive filesystem's other spelling)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _comparable(path: Path) -> Path:
    """A path as the filesystem names it: resolved (../, links), and case-folded where case does not count."""
    return Path(os.path.normcase(path.resolve()))
