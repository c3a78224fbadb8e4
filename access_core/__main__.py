import sys

from access_core.cli import main

sys.exit(main())
