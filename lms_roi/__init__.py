"""lms-roi: micro-learning, gamification and Phillips ROI for Flask learning platforms.

Standalone: ``lms_roi.create_app()``. Plugin: ``LmsRoi(app, db=host_db)``.
"""

from lms_roi.extension import LmsRoi

__version__ = "0.1.0"
__all__ = ["LmsRoi", "create_app", "__version__"]


def __getattr__(name: str):
    # Imported lazily so that a plugin host never instantiates the standalone
    # host's own SQLAlchemy/LoginManager objects.
    if name == "create_app":
        from lms_roi.app import create_app

        return create_app
    raise AttributeError(f"module 'lms_roi' has no attribute {name!r}")
