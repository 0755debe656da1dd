"""The engines that answer searches, below one seam."""
