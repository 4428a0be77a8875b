"""The documents for people: figures, the Word 通报 (GB/T 9704) and the summary workbook."""
