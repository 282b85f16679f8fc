"""`python -m example_app`: print the version of each locked dependency that is installed."""

import importlib
import sys

from example_app import __version__

DEPENDENCIES = ["fetchkit", "clickly", "timely", "fastjson_native", "yamlite", "attrly", "tinycolor", "charsniff_fast"]


def main() -> int:
    print(f"example-app {__version__} on Python {sys.version_info[0]}.{sys.version_info[1]}")
    for name in DEPENDENCIES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            print(f"  {name}: not installed")
            continue
        print(f"  {name} {module.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
