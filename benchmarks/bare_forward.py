"""The floor of --verify: import torch, build nn.LSTM(10, 20, 2), run one forward pass, print shapes."""

import warnings

warnings.simplefilter("ignore")

import torch  # noqa: E402

lstm = torch.nn.LSTM(10, 20, 2)
output, (h_n, c_n) = lstm(torch.randn(4, 3, 10))
print(tuple(output.shape), tuple(h_n.shape), tuple(c_n.shape))
