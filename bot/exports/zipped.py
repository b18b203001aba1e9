"""Writing the zip container that ODF and OOXML files share."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

# A fixed timestamp makes the same data give the same bytes, which keeps tests and caches honest.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def zip_members(members: Iterable[tuple[str, bytes, bool]]) -> bytes:
    """A zip of (name, data, compress) members, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, compress in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
