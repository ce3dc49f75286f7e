"""Writers from plain records to file formats (vCard, CSV, iCalendar)."""
