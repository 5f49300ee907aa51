"""What leaves the building: documents and messages rendered from the database (Nynorsk).

Rendering only reads the views of ``domain.services.views``; it never changes a case.
"""
