"""Blinker signals a host application can subscribe to.

Every signal is sent with the Flask app as sender and keyword arguments naming
the domain objects (``learner``, ``module``, ``completion``...).
"""

from blinker import Namespace

_signals = Namespace()

module_completed = _signals.signal("lms-roi.module-completed")
quiz_passed = _signals.signal("lms-roi.quiz-passed")
xp_awarded = _signals.signal("lms-roi.xp-awarded")
badge_earned = _signals.signal("lms-roi.badge-earned")
level_up = _signals.signal("lms-roi.level-up")
kpis_imported = _signals.signal("lms-roi.kpis-imported")
