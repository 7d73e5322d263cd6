"""Badge images: uploads checked by content and re-encoded, or a generated default.

Every image served is a square 400×400 PNG: an uploaded PNG or JPEG (at most
512 KB, recognised by its bytes, never by its name) is decoded, fitted and written
again, which also drops any metadata or trailing payload the file carried. A badge
without an upload gets a coloured disc with its initials, the same for the same
badge every time.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from colorsys import hls_to_rgb
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from lms_roi.errors import DomainError

SIZE = 400
MAX_BYTES = 512 * 1024
ACCEPTED = {"PNG", "JPEG"}
#: Larger pictures are refused before decoding (decompression bombs).
MAX_PIXELS = 25_000_000


class ImageRefused(DomainError):
    """An upload that is not a usable badge image."""

    status = 422


def image_folder() -> Path:
    """Where uploaded badge images live: ``LMS_ROI_BADGE_IMAGE_FOLDER``, else
    ``<instance>/badges`` (shared by every worker, like the data desk's uploads)."""
    configured = current_app.config.get("LMS_ROI_BADGE_IMAGE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "badges"


def checked_image(content: bytes) -> bytes:
    """The upload as a 400×400 PNG, or :class:`ImageRefused` saying why."""
    if len(content) > MAX_BYTES:
        raise ImageRefused(
            "image_too_large",
            _("The image is larger than %(size)s KB: upload a smaller one.", size=512),
            "image",
        )
    refused = ImageRefused(
        "image_type", _("Upload a PNG or JPEG image (this file is not one)."), "image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                if probe.format not in ACCEPTED:
                    raise refused
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRefused(
                        "image_too_large", _("The image has too many pixels."), "image"
                    )
                probe.verify()
            with Image.open(io.BytesIO(content)) as picture:
                picture.load()
                square = ImageOps.fit(
                    ImageOps.exif_transpose(picture).convert("RGBA"),
                    (SIZE, SIZE),
                    Image.Resampling.LANCZOS,
                )
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as error:
        raise refused from error
    return _png(square)


@lru_cache(maxsize=256)
def default_image(slug: str, name: str) -> bytes:
    """A disc coloured from the slug with the name's initials: deterministic, so the
    bytes are kept per (slug, name) rather than drawn again for every request."""
    digest = hashlib.sha256(slug.encode()).digest()
    hue = digest[0] / 255
    # Dark enough for white initials (contrast above 4.5:1).
    red, green, blue = (round(255 * c) for c in hls_to_rgb(hue, 0.32, 0.55))
    picture = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=(red, green, blue, 255))
    draw.ellipse((28, 28, SIZE - 28, SIZE - 28), outline=(255, 255, 255, 200), width=6)
    font = ImageFont.load_default(size=150)
    draw.text((SIZE / 2, SIZE / 2), initials(name), font=font, fill="white", anchor="mm")
    return _png(picture)


def initials(name: str) -> str:
    """Up to two initials of a name (``Micro master`` -> ``MM``), ``?`` for none."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def store_image(slug: str, png: bytes) -> str:
    """Write the badge's image (atomically) and return its file name."""
    folder = image_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{slug}.png"
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(png)
    os.replace(temporary, folder / name)
    return name


def image_bytes(slug: str, name: str, stored: str) -> bytes:
    """The PNG of a badge: its stored upload when present, else its generated image."""
    if stored:
        path = image_folder() / Path(stored).name
        if path.is_file():
            return path.read_bytes()
    return default_image(slug, name)
