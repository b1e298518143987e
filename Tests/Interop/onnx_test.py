#!/usr/bin/env python3
"""Fern's ONNX export, checked by ONNX's own tools.

For SEED_CNN, SEED_DNN, the tuned CNN and the residual network (each trained for one epoch on
synthetic faces, so that batch-norm statistics are real), and a two-model ensemble, Fern writes
model.onnx (export_onnx) and its class probabilities on 256 faces (save_npy). Then:
  1. onnx.checker.check_model(full_check=True) accepts each file (opset 17 or newer);
  2. onnxruntime's probabilities on the same faces, given as NCHW, equal Fern's to 1e-4;
  3. `fern export MODEL --to onnx` of a saved model writes the same graph.

usage: onnx_test.py FERN_BINARY     (needs onnx, onnxruntime and numpy)
"""
import os, shutil, subprocess, sys, tempfile

import numpy as np
import onnx
import onnxruntime

FERN = os.path.abspath(sys.argv[1])
MODELS = ["seed_cnn", "seed_dnn", "tuned_cnn", "resnet"]


def fern(script, cwd):
    result = subprocess.run([FERN], input=script, cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def main():
    work = tempfile.mkdtemp(prefix="fern-onnx-test-")
    try:
        lines = ["train = normalize(synthetic_faces(320, seed=3))",
                 "faces = normalize(synthetic_faces(256, seed=4))",
                 "save_npy(faces.images, \"faces.npy\")"]
        for name in MODELS:
            lines += [f"{name} = {name}(seed=1)",
                      f"fit({name}, train, epochs=1, batch=32, seed=1)",
                      f"export_onnx({name}, \"{name}.onnx\")",
                      f"save_npy(predict_proba({name}, faces), \"{name}.npy\")"]
        lines += ["both = ensemble([seed_dnn, seed_cnn])",
                  "export_onnx(both, \"ensemble.onnx\")",
                  "save_npy(predict_proba(both, faces), \"ensemble.npy\")",
                  "save(tuned_cnn, \"saved\")"]
        fern("\n".join(lines) + "\n", work)
        faces = np.load(os.path.join(work, "faces.npy"))
        assert faces.shape == (256, 48, 48, 1), faces.shape
        nchw = np.ascontiguousarray(faces.transpose(0, 3, 1, 2))
        for name in MODELS + ["ensemble"]:
            path = os.path.join(work, f"{name}.onnx")
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
            assert opset >= 17, opset
            session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
            (output,) = session.run(None, {session.get_inputs()[0].name: nchw})
            expected = np.load(os.path.join(work, f"{name}.npy"))
            assert output.shape == expected.shape == (256, 7), (output.shape, expected.shape)
            difference = float(np.abs(output - expected).max())
            agree = float((output.argmax(1) == expected.argmax(1)).mean())
            print(f"{name}: check_model passed (opset {opset}, {len(model.graph.node)} nodes); "
                  f"onnxruntime vs Fern: max |Δp| = {difference:.2e}, same class on {100 * agree:.1f}% of 256 faces")
            assert difference <= 1e-4, f"{name}: onnxruntime differs from Fern by {difference}"

        exported = os.path.join(work, "exported.onnx")
        subprocess.run([FERN, "export", os.path.join(work, "saved"), "--to", "onnx", "-o", exported], check=True,
                       stdout=subprocess.DEVNULL)
        onnx.checker.check_model(onnx.load(exported), full_check=True)
        with open(exported, "rb") as a, open(os.path.join(work, "tuned_cnn.onnx"), "rb") as b:
            assert a.read() == b.read(), "fern export of the saved model differs from export_onnx of the same model"
        print("fern export --to onnx: the same file as export_onnx")
        print("onnx test: passed")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
