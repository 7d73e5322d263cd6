"""lms-roi SQLAlchemy models (installed as ``lms_roi.models``), one module per area."""

from .assessment import (
    Attempt,
    AttemptAnswer,
    Choice,
    FollowUp,
    Question,
    Quiz,
    ReviewItem,
    SurveyResponse,
)
from .catalog import (
    Enrollment,
    Module,
    ModulePrerequisite,
    ModuleTag,
    ModuleVersion,
    Program,
    ProgramModule,
)
from .gamification import (
    Badge,
    BadgeAward,
    BoardScore,
    Challenge,
    ChallengeProgress,
    LearnerTotals,
    Notification,
    Streak,
    XpEvent,
)
from .integration import ApiToken, AuditLog, XapiActivityMap, XapiClient, XapiStatement
from .outcomes import CostItem, ImportBatch, Kpi, KpiValue, ModuleKpi, Objective
from .people import Account, Learner, RoleGrant, Team
from .progress import Completion, ModuleProgress
from .settings import Setting
from .tutoring import TutoringAction, TutoringPair, TutoringSession
from .versioning import DataVersion

__all__ = [
    "Account",
    "ApiToken",
    "DataVersion",
    "Attempt",
    "AttemptAnswer",
    "AuditLog",
    "Badge",
    "BadgeAward",
    "BoardScore",
    "Challenge",
    "ChallengeProgress",
    "Choice",
    "Completion",
    "CostItem",
    "Enrollment",
    "FollowUp",
    "ImportBatch",
    "Kpi",
    "KpiValue",
    "Learner",
    "LearnerTotals",
    "Module",
    "ModuleKpi",
    "ModulePrerequisite",
    "ModuleProgress",
    "ModuleTag",
    "ModuleVersion",
    "Notification",
    "Objective",
    "Program",
    "ProgramModule",
    "Question",
    "Quiz",
    "ReviewItem",
    "RoleGrant",
    "Setting",
    "Streak",
    "SurveyResponse",
    "Team",
    "TutoringAction",
    "TutoringPair",
    "TutoringSession",
    "XapiActivityMap",
    "XapiClient",
    "XapiStatement",
    "XpEvent",
]
