"""Block two: the two-task network, its forward pass (2.1) and backpropagation, equations (1)-(14)."""
