"""Running unattended: the run lock, the run folder swapped into place, database backups."""
