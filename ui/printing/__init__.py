"""Papers a person prints: the preview, the printer, reminder batches, the document log's signal."""
