// Where the run computes: the execution providers this machine offers, asked of the engine
// (which probes them once, in a worker process). One that does not work stays listed,
// disabled, with the reason it is missing, so a user knows what to install.
import { useEffect, useState } from 'react';
import type { DeviceChoice, DeviceReport } from '../../../../src-main/api/training.js';
import { host } from '../../host.js';

const LABELS: Record<DeviceChoice, string> = { auto: 'Auto', cpu: 'CPU', webgpu: 'GPU (WebGPU)', cuda: 'GPU (CUDA)' };

export function DeviceField({ value, onChange }: { value: DeviceChoice; onChange: (d: DeviceChoice) => void }) {
  const [reports, setReports] = useState<DeviceReport[] | null>(null);
  useEffect(() => {
    let live = true;
    host.api.devices().then(
      (r) => live && setReports(r),
      () => live && setReports([{ device: 'cpu', available: true, reason: null }]),
    );
    return () => {
      live = false;
    };
  }, []);
  // `auto` takes the fastest that works: CUDA, then WebGPU, then the CPU.
  const fastest = reports && (['cuda', 'webgpu', 'cpu'] as const).find((d) => reports.find((r) => r.device === d)?.available);
  const chosen = reports?.find((r) => r.device === value);
  const missing = reports?.filter((r) => !r.available) ?? [];
  return (
    <label className="field" title={reports ? missing.map((r) => `${LABELS[r.device]}: ${r.reason}`).join('\n') : 'Checking which devices work here…'}>
      <span>Device</span>
      <select value={value} data-testid="set-device" onChange={(e) => onChange(e.target.value as DeviceChoice)}>
        <option value="auto">{reports ? `Auto (${LABELS[fastest ?? 'cpu']})` : 'Auto (…)'}</option>
        {(reports ?? [{ device: 'cpu', available: true, reason: null }]).map((r) => (
          <option key={r.device} value={r.device} disabled={!r.available}>
            {LABELS[r.device]}
            {r.available ? '' : ' — not available'}
          </option>
        ))}
      </select>
      {chosen && !chosen.available && <small className="warn" data-testid="device-warning">{chosen.reason}</small>}
    </label>
  );
}
