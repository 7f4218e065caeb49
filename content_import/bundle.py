"""An uploaded export as a set of files: a zip (with the images beside the JSON, or Substack's
posts.csv and posts/ folder), a single JSON file, or a folder (zipped first by the command).

Limits are checked before anything is unpacked, so a huge upload or a zip bomb is refused
with a message and costs no memory.
"""

import io
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings

from .records import BadExport

ZIP_MAGIC = b"PK\x03\x04"


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def check_size(size: int) -> None:
    limit = settings.CONTENT_IMPORT_MAX_BYTES
    if size > limit:
        raise BadExport(
            f"The file is {_megabytes(size)}; an export may be at most {_megabytes(limit)}. "
            "Import it in parts, or raise CONTENT_IMPORT_MAX_BYTES."
        )


class Bundle:
    """The files of an export by their path inside it, without a shared top-level folder."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "Bundle":
        check_size(len(data))
        if not data.startswith(ZIP_MAGIC):
            return cls({PurePosixPath(name).name: data})
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.infolist() if not m.is_dir()]
            unpacked = sum(m.file_size for m in members)
            if unpacked > settings.CONTENT_IMPORT_MAX_BYTES * 4:
                raise BadExport(
                    f"The zip unpacks to {_megabytes(unpacked)}, more than an export may hold."
                )
            files = {
                m.filename: archive.read(m)
                for m in members
                if not m.filename.startswith("__MACOSX/")
                and not PurePosixPath(m.filename).name.startswith(".")
            }
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
            raise BadExport(f"{name} is not a zip file we can open ({error}).") from error
        return cls(_strip_common_folder(files))

    @classmethod
    def from_path(cls, path: Path) -> "Bundle":
        """A file or a folder on disk (the management command)."""
        if path.is_dir():
            files: dict[str, bytes] = {}
            total = 0
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                total += file.stat().st_size
                check_size(total)
                files[file.relative_to(path).as_posix()] = file.read_bytes()
            return cls(files)
        if not path.is_file():
            raise BadExport(f"There is no file or folder at {path}.")
        check_size(path.stat().st_size)
        return cls.from_bytes(path.read_bytes(), path.name)

    def to_zip(self) -> bytes:
        """The bundle as one zip, to keep it in the database until the import is applied."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files.items():
                archive.writestr(name, content)
        return buffer.getvalue()

    def get(self, path: str) -> bytes | None:
        return self.files.get(path.lstrip("/"))

    def names(self) -> list[str]:
        return sorted(self.files)


def _strip_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip made of a folder holds `folder/...`: look inside it."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        top = tops.pop()
        return {name[len(top) + 1 :]: content for name, content in files.items()}
    return files
