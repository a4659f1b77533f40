"""Use cases above storage: market days and reminders, announcements, the search catalogue,
demand, CSV, demo data, jobs."""
