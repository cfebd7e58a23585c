"""The .env file: every line KEY=value (comments, `export` and quotes allowed), checked and read.

python-dotenv parses it; a line it cannot parse is named with its number, so that a typo
never silently drops a setting.
"""

from __future__ import annotations

from pathlib import Path

from dotenv import dotenv_values
from dotenv.parser import parse_stream


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and the fix."""


def check_env_file(path: Path) -> None:
    """Raise ConfigError naming the first line of a .env file that is not KEY=value."""
    try:
        with path.open(encoding="utf-8") as stream:
            for binding in parse_stream(stream):
                if binding.error:
                    raise ConfigError(
                        f"{path}:{binding.original.line}: not a KEY=value line - fix or remove it"
                    )
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.__class__.__name__})") from None


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of a .env file (comments, `export` and quotes allowed); {} if absent."""
    check_env_file(path)
    if not path.exists():
        return {}
    return {key: value or "" for key, value in dotenv_values(path, encoding="utf-8").items()}
