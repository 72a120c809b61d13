"""Build the PDF-only copies of the Vazirmatn fonts (data_layer/documents/pdf_fonts.py)
into static/fonts/pdf/, or into <folder>/pdf/ for a folder given as the argument."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_layer.config import PROJECT_ROOT
from data_layer.documents.pdf_fonts import build_pdf_fonts

if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "static" / "fonts"
    built = build_pdf_fonts(folder)
    for path in built:
        print(f"build_pdf_fonts: {path}")
    if not built:
        print(
            f"build_pdf_fonts: no Vazirmatn TTF in {folder}; PDFs use a system font",
            file=sys.stderr,
        )
