# The ground truth for optimizers.test.ts: trains the test's small network
# (Linear -> ReLU -> Linear, mean cross-entropy) with torch.optim for a few steps and
# writes the final weights. Usage: torch_reference.py problem.json result.json
#
# problem.json: {"params": {name: {"dims": [...], "data": [...]}}, "x": {...}, "y": [...],
#                "runs": [{"optimizer": "sgd" | "adamw", "options": {...}, "lrs": [...],
#                          "clipNorm": number | null, "lrMultipliers": {name: number}}]}
# Parameter names: w1, b1 (first Linear), w2, b2 (second); weights are [out, in] as in Gemm transB=1.
import json
import sys

import torch

NAMES = ["w1", "b1", "w2", "b2"]


def tensor(spec):
    return torch.tensor(spec["data"], dtype=torch.float32).reshape(spec["dims"])


def make_optimizer(run, params):
    # One param group per parameter, so each can carry its own lr multiplier.
    mult = run.get("lrMultipliers") or {}
    groups = [{"params": [params[n]], "mult": mult.get(n, 1.0)} for n in NAMES]
    opts = run["options"]
    if run["optimizer"] == "sgd":
        return torch.optim.SGD(groups, lr=run["lrs"][0], momentum=opts.get("momentum", 0.0),
                               dampening=opts.get("dampening", 0.0), nesterov=opts.get("nesterov", False),
                               weight_decay=opts.get("weightDecay", 0.0))
    return torch.optim.AdamW(groups, lr=run["lrs"][0], betas=(opts.get("beta1", 0.9), opts.get("beta2", 0.999)),
                             eps=opts.get("eps", 1e-8), weight_decay=opts.get("weightDecay", 0.01))


def train(problem, run):
    params = {n: tensor(problem["params"][n]).requires_grad_(True) for n in NAMES}
    x = tensor(problem["x"])
    y = torch.tensor(problem["y"], dtype=torch.int64)
    optimizer = make_optimizer(run, params)
    for lr in run["lrs"]:
        for group in optimizer.param_groups:
            group["lr"] = lr * group["mult"]
        optimizer.zero_grad()
        hidden = torch.relu(x @ params["w1"].T + params["b1"])
        loss = torch.nn.functional.cross_entropy(hidden @ params["w2"].T + params["b2"], y)
        loss.backward()
        if run.get("clipNorm") is not None:
            torch.nn.utils.clip_grad_norm_([params[n] for n in NAMES], run["clipNorm"])
        optimizer.step()
    return {n: params[n].detach().reshape(-1).tolist() for n in NAMES}


def main():
    with open(sys.argv[1]) as f:
        problem = json.load(f)
    result = [train(problem, run) for run in problem["runs"]]
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
