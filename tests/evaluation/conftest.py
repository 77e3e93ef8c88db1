import sys
from pathlib import Path

# The DMN text builders sit next to the tests, not in an installed package.
sys.path.insert(0, str(Path(__file__).parent))
