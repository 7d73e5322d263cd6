"""State changes of lms-roi. Services flush; the calling view or command commits."""
