"""What OCR found in a picture, kept on disk by the picture's pixels, so that a picture is read once.

OCR is by far the costliest reading: a scanned page takes about 5 s of CPU, a table picture 1–5 s,
where an HTML report takes 10 ms. Its result depends only on the pixels, on the OCR code and on
the libraries under it, so it is kept under a key made of the three: a reparse of the corpus, a
recrawl that meets a scan again under a new URL, and crawls on one machine that meet the same
picture at once (one reads it, the others wait for its result) do not read it again. A change to
the OCR code or an upgrade of its libraries changes every key, so nothing read by other code is
ever taken.

Off until a directory is given (`use`); a crawl gives OCR_CACHE_DIR (default OUTPUT_DIR/ocr-cache).
The files are pickles: the directory is as much the user's own as the virtualenv, and is read only
by this module.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from collections.abc import Callable
from functools import cache, wraps
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

Result = TypeVar("Result")

# The code whose output is kept: the readers of pictures and scans, and the structures they return.
OCR_MODULES = ("ocr.py", "image_tables.py", "scan.py", "cell_text.py", "document.py")
OCR_LIBRARIES = ("rapidocr-onnxruntime", "onnxruntime", "opencv-python", "numpy")

_directory: Path | None = None


def use(directory: Path | str | None) -> None:
    """Keep OCR results in `directory` from now on in this process (None: keep nothing)."""
    global _directory
    _directory = Path(directory) if directory else None


@cache
def ocr_version() -> bytes:
    """A digest of the OCR code's files and of the versions of the libraries under it."""
    digest = hashlib.sha256()
    package = resources.files(__package__)  # a directory, or inside the zipped egg scrapyd runs
    for name in OCR_MODULES:
        digest.update(name.encode() + b"\0" + package.joinpath(name).read_bytes() + b"\0")
    for library in OCR_LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent\0".encode())
    return digest.digest()


def remembered(function: Callable[[np.ndarray], Result]) -> Callable[[np.ndarray], Result]:
    """`function(image)`, a pure function of the picture's pixels, kept in the cache when there is one."""

    @wraps(function)
    def kept(image: np.ndarray) -> Result:
        if _directory is None:
            return function(image)
        try:
            key = hashlib.sha256(ocr_version())
            key.update(f"{function.__module__}.{function.__qualname__} {image.dtype} {image.shape}\0".encode())
            key.update(image.tobytes())
            name = key.hexdigest()
            path = _directory / name[:2] / f"{name}.pickle"
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(path.with_suffix(".lock"), "a")
        except OSError:
            return function(image)  # a cache that cannot be written (read-only, full) only costs time
        with lock:
            # Another process reading the same picture holds the lock: wait for its result rather
            # than read it twice. The kernel lets go of a lock whose process dies, a stopped worker too.
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return pickle.loads(path.read_bytes())
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
                pass  # not there yet, or unreadable: read the picture and keep the result anew
            result = function(image)
            partial = path.with_name(f"{name}.{os.getpid()}.partial")
            try:
                partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(partial, path)  # whole or not at all, whoever reads it next
            except OSError:
                partial.unlink(missing_ok=True)
            return result

    return kept
