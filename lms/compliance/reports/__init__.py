"""HR's training reports in the Wagtail admin (dashboard, overdue list, a person, CSV/XLSX exports, the
training record PDF) and the official's own record. Reads only (`selectors.py`)."""
