"""The dashboard's pages: one file per page, run by `st.navigation` from `dashboard/app.py`."""
