"""System checks: the fonts the documents and typed signatures are drawn with."""

from django.conf import settings
from django.core import checks

REQUIRED_FONTS = [
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
]


@checks.register()
def fonts_installed(app_configs, **kwargs):
    """Fail when Liberation Serif is missing: renderers would fall back silently to another font."""
    missing = [name for name in REQUIRED_FONTS if not (settings.FONT_DIR / name).is_file()]
    if not missing:
        return []
    return [
        checks.Error(
            f"Font files missing in {settings.FONT_DIR}: {', '.join(missing)}.",
            hint="Install Debian's fonts-liberation2 (./run.sh does) or set FONT_DIR to the folder that holds them.",
            id="core.E001",
        )
    ]
