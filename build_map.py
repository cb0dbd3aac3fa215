"""Build the default map of the Hengyang High-tech Zone and print its path.

python build_map.py            # -> build/map.html
python build_map.py --help     # every option of `geo build`
"""

import sys

from geo.cli import main

if __name__ == "__main__":
    main(["build", *sys.argv[1:]], prog_name="build_map.py")
