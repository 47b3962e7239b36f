"""The moons benchmark as a PyTorch user writes it: eager mode, float64, one thread.

MLP 2-16-16-1 with ReLU, 100 points, hinge loss plus 1e-4 L2, full-batch SGD with learning
rate 1 - 0.9 k/steps. Usage: python torch_moons.py [steps]
"""
import sys
import time

import torch

from moons import moons, summary

torch.set_num_threads(1)
torch.manual_seed(0)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
points, labels = moons()
x = torch.tensor(points)
y = torch.tensor(labels)
model = torch.nn.Sequential(
    torch.nn.Linear(2, 16), torch.nn.ReLU(),
    torch.nn.Linear(16, 16), torch.nn.ReLU(),
    torch.nn.Linear(16, 1),
).double()
optimizer = torch.optim.SGD(model.parameters(), lr=1.0)


def loss_fn():
    scores = model(x).squeeze(1)
    hinge = torch.relu(1.0 - y * scores).mean()
    l2 = sum((p * p).sum() for p in model.parameters())
    return hinge + 1e-4 * l2


start = time.perf_counter()
for k in range(steps):
    optimizer.param_groups[0]["lr"] = 1.0 - 0.9 * k / steps
    loss = loss_fn()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
seconds = time.perf_counter() - start
with torch.no_grad():
    accuracy = ((model(x).squeeze(1) > 0) == (y > 0)).double().mean().item()
summary("torch", steps, seconds, loss.item(), accuracy)
