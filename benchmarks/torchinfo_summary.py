"""What users run today: a torchinfo summary of nn.LSTM(10, 20, 2) on input (4, 3, 10)."""

import warnings

warnings.simplefilter("ignore")  # torch's NumPy notice would only add noise to the comparison

import torch  # noqa: E402
from torchinfo import summary  # noqa: E402

print(summary(torch.nn.LSTM(10, 20, 2), input_size=(4, 3, 10), verbose=0))
