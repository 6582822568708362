"""MediaPipe Pose (Tasks API, PoseLandmarker): the default pose backend and its model files."""

import os

# MediaPipe's C++ log lines; set before mediapipe is first imported (it is imported lazily).
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


VERBOSE_ENV = "FORMCHECK_VERBOSE"


def show_native_logs() -> None:
    """Let MediaPipe's C++ log lines through (`--verbose`), here and in worker processes."""
    os.environ[VERBOSE_ENV] = "1"
    os.environ["GLOG_minloglevel"] = "0"  # noqa: SIM112 (glog reads this exact name)
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
