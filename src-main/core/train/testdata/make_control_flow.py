# A small CNN with weights inside an If's branches and a Loop's body, for control-flow.test.ts.
#
# Usage: /usr/bin/python3 make_control_flow.py   (onnx 1.12; writes control_flow/model.onnx)
#
#   x [N, 3, 8, 8] -> stem Conv (3->4, 3x3) -> Relu
#     -> If(ReduceSum(x) > 0): then Conv (4->4, 1x1, weight and bias initializers of the branch)
#                              else Conv (4->4, 1x1, weight in a Constant node of the branch)
#     -> Loop 2 times: h = Relu(h * scale + shift), scale and shift [1, 4, 1, 1] in the body
#     -> GlobalAveragePool -> Flatten -> Gemm head (4 -> 3)
# Parameters: stem 3*4*9 + 4 = 112; then 16 + 4 = 20; else 16; loop body 8; head 12 + 3 = 15.
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(3)


def init(name, *shape):
    return numpy_helper.from_array(rng.normal(size=shape).astype(np.float32) * 0.3, name)


def main():
    then_branch = helper.make_graph(
        [helper.make_node("Conv", ["h1", "then.conv.weight", "then.conv.bias"], ["then_out"], name="then_conv")],
        "then", [], [helper.make_tensor_value_info("then_out", TensorProto.FLOAT, None)],
        [init("then.conv.weight", 4, 4, 1, 1), init("then.conv.bias", 4)])
    else_branch = helper.make_graph(
        [helper.make_node("Constant", [], ["else.conv.weight"], value=init("else.conv.weight", 4, 4, 1, 1)),
         helper.make_node("Conv", ["h1", "else.conv.weight"], ["else_out"], name="else_conv")],
        "else", [], [helper.make_tensor_value_info("else_out", TensorProto.FLOAT, None)])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Mul", ["h_in", "loop.scale"], ["scaled"]),
         helper.make_node("Add", ["scaled", "loop.shift"], ["shifted"]),
         helper.make_node("Relu", ["shifted"], ["h_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("h_in", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("h_out", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(1 + 0.1 * rng.normal(size=(1, 4, 1, 1)).astype(np.float32), "loop.scale"), init("loop.shift", 1, 4, 1, 1)])
    nodes = [
        helper.make_node("Conv", ["x", "stem.weight", "stem.bias"], ["c0"], name="stem_conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c0"], ["h1"], name="stem_relu"),
        helper.make_node("ReduceSum", ["x"], ["total"], name="total", keepdims=0),
        helper.make_node("Greater", ["total", "zero"], ["positive"], name="positive"),
        helper.make_node("If", ["positive"], ["h2"], name="branch", then_branch=then_branch, else_branch=else_branch),
        helper.make_node("Loop", ["trips", "", "h2"], ["h3"], name="repeat", body=body),
        helper.make_node("GlobalAveragePool", ["h3"], ["pooled"], name="pool"),
        helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "head.weight", "head.bias"], ["logits"], name="head", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "control_flow", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])],
        [init("stem.weight", 4, 3, 3, 3), init("stem.bias", 4), init("head.weight", 3, 4), init("head.bias", 3),
         numpy_helper.from_array(np.array(0, dtype=np.float32), "zero"), numpy_helper.from_array(np.array(2, dtype=np.int64), "trips")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "control_flow", "model.onnx"))


if __name__ == "__main__":
    main()
