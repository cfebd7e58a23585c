"""Link labels: the name of a known site ("HanisauLand", "logo!"), else the host without "www.".

The table of known sites is the `sites` section of knowledge/bot.yaml: a host, or a host and
the start of a path ("zdf.de/kinder/logo"), and the name readers know the site by. A key
names its host and every subdomain of it; the longest key that fits a link wins, so that
"zdf.de/kinder/logo" is "logo!" while the rest of "zdf.de" is "ZDF".
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit


def site_label(url: str, sites: Mapping[str, str]) -> str:
    """The name of the site a link leads to, or its host without "www."."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return url
    best, best_length = "", -1
    for key, name in sites.items():
        if _fits(key, host, parts.path) and len(key) > best_length:
            best, best_length = name, len(key)
    return best or host.removeprefix("www.")


def _fits(key: str, host: str, path: str) -> bool:
    """True if the key's host is the host or a parent domain of it, and its path starts
    the link's path (at a "/")."""
    key_host, _, key_path = key.partition("/")
    if host != key_host and not host.endswith("." + key_host):
        return False
    if not key_path:
        return True
    wanted = "/" + key_path.strip("/")
    return path == wanted or path.startswith(wanted + "/")
