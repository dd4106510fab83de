"""Reports for the school (duties 7, 8, 9): paper statements, the summary sheet of final
grades, curriculum statistics and parent monitoring — as PDF and XLSX documents."""
