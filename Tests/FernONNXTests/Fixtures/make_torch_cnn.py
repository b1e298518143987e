#!/usr/bin/env python3
"""Writes the PyTorch fixture of TorchImportTests.swift: a small CNN defined and trained briefly
in PyTorch, exported with torch.onnx.export, and what PyTorch computes with it.

Not run in CI. Run it by hand (PyTorch 2.x CPU, onnx; the CPU wheel is at
https://download.pytorch.org/whl/cpu) after changing the model:

    python Tests/FernONNXTests/Fixtures/make_torch_cnn.py

Files (next to this script):
  torch_cnn.onnx            the model (TorchScript exporter): conv/batch-norm/ReLU/max-pool, a residual block (Add),
                            average pooling, a channel-first Flatten, dropout, two Linear layers
                            (Gemm, weights [out, in]) and a softmax; input [N, 1, 48, 48]
  torch_cnn_dynamo.onnx     the same model by torch.export's exporter, its weights in
  torch_cnn_dynamo.onnx.data
  torch_inputs.npy          8 images [8, 1, 48, 48] (float32, values in [0, 1]): noise with one bright band
  torch_probabilities.npy   PyTorch's class probabilities [8, 7] (eval mode)
  torch_gradients.npy       the gradient of each image's predicted-class score before the
                            softmax with respect to the image [8, 1, 48, 48]
"""
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
                                  nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels))

    def forward(self, x):
        return torch.relu(self.body(x) + x)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                      Block(16), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(16 * 6 * 6, 32), nn.ReLU(), nn.Linear(32, 7))

    def logits(self, x):
        return self.classifier(self.features(x))

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


def banded(count, generator):
    """Noise in [0, 0.5] with 0.1 added to one of seven 6-pixel bands, and the band's number."""
    labels = torch.randint(0, 7, (count,), generator=generator)
    x = 0.5 * torch.rand(count, 1, 48, 48, generator=generator)
    for i, label in enumerate(labels.tolist()):
        x[i, 0, 6 * label:6 * label + 6] += 0.1
    return x, labels


def main():
    torch.manual_seed(0)
    model = SmallCNN()
    # Trained briefly on noise images with one brighter horizontal band of seven: the band is the class.
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(0)
    for step in range(20):
        x, labels = banded(32, generator)
        loss = nn.functional.cross_entropy(model.logits(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"training loss after 20 steps: {loss.item():.3f}")
    model.eval()

    inputs, _ = banded(8, torch.Generator().manual_seed(1))
    with torch.no_grad():
        probabilities = model(inputs)
    x = inputs.clone().requires_grad_(True)
    scores = model.logits(x)
    chosen = scores.gather(1, probabilities.argmax(1, keepdim=True)).sum()
    (gradients,) = torch.autograd.grad(chosen, x)

    # Both of PyTorch's exporters: the TorchScript one (batch norm folded into the convolutions,
    # Flatten) and torch.export's, the default since PyTorch 2.9 (weights in a .data file beside
    # the model, Reshape).
    for name, dynamo in [("torch_cnn.onnx", False), ("torch_cnn_dynamo.onnx", True)]:
        path = os.path.join(HERE, name)
        torch.onnx.export(model, (inputs,), path, input_names=["input"], output_names=["probabilities"],
                          dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}}, opset_version=17, dynamo=dynamo)
    np.save(os.path.join(HERE, "torch_inputs.npy"), inputs.numpy().astype(np.float32))
    np.save(os.path.join(HERE, "torch_probabilities.npy"), probabilities.numpy().astype(np.float32))
    np.save(os.path.join(HERE, "torch_gradients.npy"), gradients.numpy().astype(np.float32))
    print(f"wrote the models and the .npy files into {HERE}; torch {torch.__version__}")


if __name__ == "__main__":
    main()
