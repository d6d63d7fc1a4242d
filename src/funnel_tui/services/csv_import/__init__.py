"""Import of deals from the CSV/XLSX exports of other CRMs (amoCRM, Bitrix24, Pipedrive) and
of any spreadsheet with recognisable column names.

sniff (bytes → rows) → presets (header → Funnel fields) → rows (row → draft or problem) →
plan (what would be created) → apply (one transaction through the interchange import).
"""

from funnel_tui.services.csv_import.apply import CsvImportResult, import_table
from funnel_tui.services.csv_import.errors import ImportProblem, RowProblem
from funnel_tui.services.csv_import.plan import ImportPlan, build_plan
from funnel_tui.services.csv_import.presets import PRESETS, Preset, detect_preset
from funnel_tui.services.csv_import.sniff import Table, read_table

__all__ = [
    "PRESETS",
    "CsvImportResult",
    "ImportPlan",
    "ImportProblem",
    "Preset",
    "RowProblem",
    "Table",
    "build_plan",
    "detect_preset",
    "import_table",
    "read_table",
]
