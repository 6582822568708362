"""Pose estimation: the only stage that needs MediaPipe."""
