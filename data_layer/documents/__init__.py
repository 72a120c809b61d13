"""Printed documents: follow-up letters to agencies and meeting reports (PDF and Excel).

Nothing here imports streamlit; every function takes a session and returns bytes.
"""

from __future__ import annotations

from data_layer.documents.letters import follow_up_letter_pdf, letters_zip
from data_layer.documents.report import meeting_report_pdf, meeting_report_xlsx

__all__ = [
    "follow_up_letter_pdf",
    "letters_zip",
    "meeting_report_pdf",
    "meeting_report_xlsx",
]
