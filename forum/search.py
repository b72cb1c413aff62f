"""Full-text search over consultations and inputs, behind one function (being written)."""
