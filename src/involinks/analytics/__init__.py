"""Figures computed in SQL: platform analytics for the super admin, a company's dashboard."""
