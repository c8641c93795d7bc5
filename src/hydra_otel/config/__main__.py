"""``python -m hydra_otel.config [--write README.md]``: the HYDRA_* settings table.

Prints the table; with ``--write`` replaces the table between the markers in that file.
"""

import sys
from pathlib import Path

from hydra_otel.config._docs import settings_table, write_settings_table

if len(sys.argv) == 3 and sys.argv[1] == "--write":
    write_settings_table(Path(sys.argv[2]))
else:
    print(settings_table())
