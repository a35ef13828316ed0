"""The fraud model's interface, for scripts that build stand-in models with it.

Test fixtures and benchmark models (test/fixtures/models/make_slow_model.py,
bench/models/make_heavy_mlp.py) are untrained networks that take the same input and give the
same outputs as models/fraud/1 — `features` float32 [N, 15] in, `label` int64 [N] and
`probabilities` float32 [N, 2] out — and whose manifest copies the fraud manifest's feature
spec, so a topology written for the fraud model runs them unchanged. This module is that
shared contract: the graph's signature, the self-check and the manifest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper

FRAUD_MANIFEST = Path(__file__).resolve().parent / "fraud" / "1" / "model.json"
INPUT_NAME = "features"
WIDTH = 15
OPSET = 17


def fraud_interface_model(
    nodes: list[onnx.NodeProto],
    initializers: list[onnx.TensorProto],
    graph_name: str,
    producer_name: str,
    doc_string: str,
) -> onnx.ModelProto:
    """Wraps nodes that read INPUT_NAME and write `label` and `probabilities` into a checked model."""
    graph = helper.make_graph(
        nodes,
        graph_name,
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, WIDTH])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2]),
        ],
        initializer=initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=producer_name,
        producer_version="1",
        ir_version=8,
    )
    model.doc_string = doc_string
    onnx.checker.check_model(model, full_check=True)
    return model


def check_fraud_interface(model_path: Path) -> np.ndarray:
    """Runs the saved model in onnxruntime and checks the outputs' shapes and types; returns labels."""
    session = onnxruntime.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    rows = np.random.default_rng(1).standard_normal((64, WIDTH)).astype(np.float32)
    label, probabilities = session.run(["label", "probabilities"], {INPUT_NAME: rows})
    assert probabilities.shape == (64, 2) and probabilities.dtype == np.float32
    assert label.shape == (64,) and label.dtype == np.int64
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert np.array_equal(label, probabilities.argmax(axis=1))
    return label


def write_fraud_interface_manifest(
    model_path: Path,
    *,
    name: str,
    version: int,
    description: str,
    probabilities_description: str,
    score_meaning: str,
    training: dict[str, Any],
) -> None:
    """Writes model.json beside the model, with the fraud manifest's feature spec."""
    fraud = json.loads(FRAUD_MANIFEST.read_text(encoding="utf-8"))
    manifest = {
        "name": name,
        "version": version,
        "description": description,
        "file": model_path.name,
        "sha256": hashlib.sha256(model_path.read_bytes()).hexdigest(),
        "input": {"name": INPUT_NAME, "elementType": "float32", "shape": [None, WIDTH]},
        "outputs": [
            {
                "name": "label",
                "elementType": "int64",
                "shape": [None],
                "description": "argmax of probabilities (meaningless: untrained)",
            },
            {
                "name": "probabilities",
                "elementType": "float32",
                "shape": [None, 2],
                "description": probabilities_description,
            },
        ],
        "score": {"output": "probabilities", "column": 1, "meaning": score_meaning},
        "features": fraud["features"],
        
        "training": {"trained": False, **training},
    }
    manifest_path = model_path.parent / "model.json"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
