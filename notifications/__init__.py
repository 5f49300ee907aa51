"""What leaves the building: documents and messages rendered from the database (Nynorsk).

Rendering only reads the views of ``domain.queries``; it never changes a case.
"""
