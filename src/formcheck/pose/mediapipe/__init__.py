"""MediaPipe Pose (Tasks API, PoseLandmarker): the default pose backend and its model files."""

import os

# MediaPipe's C++ log lines; set before mediapipe is first imported (it is imported lazily).
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
