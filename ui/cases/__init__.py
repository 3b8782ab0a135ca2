"""The Cases view: the searchable, sortable list of households."""
