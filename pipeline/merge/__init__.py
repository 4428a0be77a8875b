"""Merging: the rows of one period and the ledger's items become de-duplicated items."""
