# PyTorch side of bench/recurrent.ts: nn.RNN / nn.LSTM / nn.GRU (batch_first, one layer,
# forward) + nn.Linear on the last step, CrossEntropyLoss, SGD(momentum=0.9), random data.
# Line protocol on stdin/stdout (JSON): {"cmd":"setup","cell":"LSTM"} then {"cmd":"step"}.
import json
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
T, N, F, H, C = 100, 64, 32, 128, 10


class Model(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[cell](F, H, num_layers=1, batch_first=True)
        self.head = nn.Linear(H, C)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])


def main():
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    state = None
    for line in sys.stdin:
        try:
            msg = json.loads(line)
            if msg["cmd"] == "setup":
                torch.manual_seed(0)
                model = Model(msg["cell"])
                model.train()
                opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
                x = torch.randn(N, T, F)
                y = torch.randint(0, C, (N,))
                state = (model, opt, x, y, nn.CrossEntropyLoss())
                print(json.dumps({"ok": True}), flush=True)
            elif msg["cmd"] == "step":
                model, opt, x, y, crit = state
                t0 = time.perf_counter()
                opt.zero_grad()
                loss = crit(model(x), y)
                loss.backward()
                opt.step()
                ms = (time.perf_counter() - t0) * 1000
                print(json.dumps({"ms": ms, "loss": loss.item()}), flush=True)
        except Exception as e:  # report, keep serving
            print(json.dumps({"error": repr(e)}), flush=True)


if __name__ == "__main__":
    main()
