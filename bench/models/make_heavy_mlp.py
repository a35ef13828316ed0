"""Build the `heavy-mlp` benchmark model: a compute-bound MLP with the fraud model's interface.

An untrained multi-layer perceptron with a few million parameters, for the benchmark's
heavy-model scenario: there the model, not Kafka, sets the pace, and the question is how close
streamscore gets to the model's own `session.run` ceiling. Input and outputs match
models/fraud/1 — `features` float32 [N, 15] in, `label` int64 [N] and `probabilities` float32
[N, 2] out — and the manifest copies the fraud manifest's `features`, so topologies/fraud.yaml's
feature spec passes the column check against it.

    features[N,15] -> Gemm -> Relu -> Gemm -> Relu -> ... -> Gemm[.,2] -> Softmax -> probabilities
                                                                                   -> ArgMax  -> label

The weights are random (fixed seed), so the scores mean nothing. The .onnx file is about 20 MB,
so it is not committed: `streamscore bench` runs this script on demand (in the bench's Python
virtual environment, which has numpy, onnx and onnxruntime) and writes model.onnx and model.json
to <cache>/bench/models/heavy-mlp/1, a model registry outside the repository (<cache> is
$STREAMSCORE_CACHE_DIR, else ~/.cache/streamscore). Deterministic: the same versions of numpy and
onnx give the same bytes.

    python bench/models/make_heavy_mlp.py --out ~/.cache/streamscore/bench/models/heavy-mlp/1
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
from fraud_interface import (  # noqa: E402
    INPUT_NAME,
    OPSET,
    WIDTH,
    check_fraud_interface,
    fraud_interface_model,
    write_fraud_interface_manifest,
)

MODEL_NAME = "heavy-mlp"
VERSION = 1
DEFAULT_HIDDEN = (2048, 2048, 512)
SEED = 20260302


def build_model(hidden: tuple[int, ...], seed: int) -> tuple[onnx.ModelProto, int]:
    rng = np.random.default_rng(seed)
    sizes = (WIDTH, *hidden, 2)
    nodes = []
    initializers = []
    parameters = 0
    current = INPUT_NAME
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        # He initialisation keeps ReLU activations from vanishing or exploding across layers.
        weight = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        bias = (rng.standard_normal(fan_out) * 0.01).astype(np.float32)
        initializers += [
            numpy_helper.from_array(weight, f"w{layer}"),
            numpy_helper.from_array(bias, f"b{layer}"),
        ]
        parameters += weight.size + bias.size
        pre = f"z{layer}"
        nodes.append(helper.make_node("Gemm", [current, f"w{layer}", f"b{layer}"], [pre]))
        if fan_out == 2:
            current = pre
        else:
            current = f"h{layer}"
            nodes.append(helper.make_node("Relu", [pre], [current]))
    nodes += [
        helper.make_node("Softmax", [current], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0),
    ]
    model = fraud_interface_model(
        nodes,
        initializers,
        "heavy_mlp",
        "streamscore bench/models/make_heavy_mlp.py",
        f"Untrained benchmark MLP {'-'.join(map(str, sizes))}, {parameters} parameters.",
    )
    return model, parameters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, required=True, help="version directory, e.g. <registry>/heavy-mlp/1"
    )
    parser.add_argument(
        "--hidden",
        default=",".join(map(str, DEFAULT_HIDDEN)),
        help="hidden layer widths, comma-separated (the cost knob)",
    )
    args = parser.parse_args()
    hidden = tuple(int(size) for size in args.hidden.split(","))

    args.out.mkdir(parents=True, exist_ok=True)
    model, parameters = build_model(hidden, SEED)
    model_path = args.out / "model.onnx"
    model_path.write_bytes(model.SerializeToString())
    check_fraud_interface(model_path)
    architecture = " -> ".join(
        [f"features[N,{WIDTH}]"] + [f"Gemm {size} + Relu" for size in hidden] + ["Gemm 2 -> Softmax"]
    )

    write_fraud_interface_manifest(
        model_path,
        name=MODEL_NAME,
        version=VERSION,
        description="BENCHMARK MODEL, not a fraud model: an untrained MLP with random weights "
        "whose only job is to cost CPU time per row. Same input, outputs and feature spec as "
        "fraud@1; its scores are meaningless.",
        probabilities_description="softmax over two logits (meaningless: untrained)",
        score_meaning="none: a placeholder score from an untrained benchmark model",
        training={
            "note": "Not trained on any data: He-initialised random weights from numpy "
            "default_rng(seed).",
            "architecture": architecture,
            "hidden": list(hidden),
            "parameters": parameters,
            "seed": SEED,
            "featureSpecFrom": "models/fraud/1/model.json",
            "script": "bench/models/make_heavy_mlp.py",
            "libraries": {
                "numpy": np.__version__,
                "onnx": onnx.__version__,
                "onnxruntime": onnxruntime.__version__,
            },
            "opsets": {"ai.onnx": OPSET},
        },
    )
    print(
        json.dumps(
            {
                "modelPath": str(model_path),
                "bytes": model_path.stat().st_size,
                "parameters": parameters,
                "architecture": architecture,
            }
        )
    )


if __name__ == "__main__":
    main()
