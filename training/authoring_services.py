"""Admin authoring of modules, lessons and questions; JSON export and import (being written)."""
