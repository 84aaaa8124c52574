import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CameraStatus, InferencePoolStatus } from '../core/camera-status';
import type { FeedbackRow } from '../alerts/feedback-counts';
import type { OutboxHealth } from '../alerts/outbox';

export interface MetricsSource {
  cameras(): CameraStatus[];
  alertsByRule(): Map<string, number>;
  outboxDepth(): number;
  outboxDropped(): number;
  feedback(): FeedbackRow[];
  /** The inference worker pool; undefined when the model runs on the main thread. */
  inferencePool?(): InferencePoolStatus | undefined;
  outbox?(): OutboxHealth | undefined;
}

/** Prometheus metrics of one daemon (its own registry: no global state). */
export class Metrics {
  readonly registry = new Registry();
  private readonly inference: Histogram<'camera'>;

  constructor(src: MetricsSource) {
    const r = this.registry;
    // process_resident_memory_bytes, nodejs_heap_size_used_bytes, nodejs_external_memory_bytes,
    // event loop lag...: what an integrator sizing a box or chasing a leak needs.
    collectDefaultMetrics({ register: r });
    const perCamera = (name: string, help: string, pick: (c: CameraStatus) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['camera'],
        registers: [r],
        collect() {
          this.reset();
          for (const c of src.cameras()) this.set({ camera: c.id }, pick(c));
        },
      });
    perCamera(
      'vigil_camera_input_fps',
      'Frames per second arriving from the camera.',
      (c) => c.inputFps,
    );
    perCamera(
      'vigil_camera_analysed_fps',
      'Frames per second analysed (by the model or, when it is busy, on track predictions).',
      (c) => c.analysedFps,
    );
    perCamera(
      'vigil_camera_model_fps',
      'Analysed frames per second that the pose model saw.',
      (c) => c.modelFps,
    );
    perCamera(
      'vigil_camera_degraded',
      '1 while the model runs under inference.minModelFps for this camera (overload), else 0.',
      (c) => (c.degraded ? 1 : 0),
    );
    new Gauge({
      name: 'vigil_camera_degraded_reason',
      help: '1 for the reason a degraded camera is degraded: overloaded (the model cannot give every camera its floor), workers_down, inference_failing.',
      labelNames: ['camera', 'reason'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras())
          if (c.degradedReason) this.set({ camera: c.id, reason: c.degradedReason }, 1);
      },
    });
    perCamera(
      'vigil_camera_tampered',
      '1 while the picture looks covered, blinded, moved or defocused (a tamper alert is open), else 0.',
      (c) => (c.tamper ? 1 : 0),
    );
    perCamera(
      'vigil_camera_coasted_frames_total',
      'Frames analysed on track predictions while the model was busy.',
      (c) => c.framesCoasted,
    );
    perCamera(
      'vigil_camera_dropped_frames_total',
      "Frames replaced before analysis (the camera's frame slot was full).",
      (c) => c.droppedFrames,
    );
    perCamera('vigil_camera_reconnects_total', 'ffmpeg restarts of the camera.', (c) => c.restarts);
    perCamera('vigil_camera_streaming', '1 while the camera streams.', (c) =>
      c.state === 'streaming' ? 1 : 0,
    );
    new Gauge({
      name: 'vigil_camera_state_seconds_total',
      help: 'Seconds each camera spent in each stream state since the daemon started.',
      labelNames: ['camera', 'state'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras())
          for (const [state, secs] of Object.entries(c.secondsInStates))
            this.set({ camera: c.id, state }, secs);
      },
    });
    perCamera('vigil_camera_tracks', 'People tracked in the last analysed frame.', (c) => c.tracks);
    this.inference = new Histogram({
      name: 'vigil_inference_seconds',
      help: 'Pose inference time per analysed frame.',
      labelNames: ['camera'],
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
      registers: [r],
    });
    new Gauge({
      name: 'vigil_alerts_total',
      help: 'Incidents started, by rule.',
      labelNames: ['rule'],
      registers: [r],
      collect() {
        this.reset();
        for (const [rule, n] of src.alertsByRule()) this.set({ rule }, n);
      },
    });
    new Gauge({
      name: 'vigil_alert_feedback_total',
      help: 'Alerts by camera, zone and rule and how clerks judged them: confirmed, false_alarm, or unanswered (no verdict yet; a later verdict moves an alert between them).',
      labelNames: ['camera', 'zone', 'rule', 'verdict'],
      registers: [r],
      collect() {
        this.reset();
        for (const f of src.feedback()) {
          const labels = { camera: f.camera, zone: f.zone, rule: f.rule };
          this.set({ ...labels, verdict: 'confirmed' }, f.confirmed);
          this.set({ ...labels, verdict: 'false_alarm' }, f.falseAlarm);
          this.set({ ...labels, verdict: 'unanswered' }, f.unanswered);
        }
      },
    });
    this.poolMetrics(src);
    new Gauge({
      name: 'vigil_outbox_depth',
      help: 'MQTT messages waiting on disk for the broker.',
      registers: [r],
      collect() {
        this.set(src.outboxDepth());
      },
    });
    new Gauge({
      name: 'vigil_outbox_dropped_total',
      help: 'Messages dropped because the outbox was full (oldest status messages first, alerts last).',
      registers: [r],
      collect() {
        this.set(src.outboxDropped());
      },
    });
    this.outboxGauges(src);
  }

  private outboxGauges(src: MetricsSource): void {
    const gauge = (name: string, help: string, pick: (h: OutboxHealth) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const h = src.outbox?.();
          if (h) this.set(pick(h));
        },
      });
    gauge(
      'vigil_outbox_disk_ok',
      '0 while the disk refuses the outbox log (full, read-only): messages are held in memory only; 1 otherwise.',
      (h) => (h.disk === 'ok' ? 1 : 0),
    );
    gauge('vigil_outbox_file_bytes', 'Bytes of the outbox log on disk.', (h) => h.fileBytes);
    gauge(
      'vigil_outbox_dropped_alerts_total',
      'Alert messages dropped because the outbox was full of alerts (included in vigil_outbox_dropped_total).',
      (h) => h.droppedAlerts,
    );
    gauge(
      'vigil_outbox_rejected_total',
      'Messages set aside, never sent: a topic Vigil may not publish.',
      (h) => h.rejected,
    );
  }

  /** The worker pool: how many run and are wanted, and what went wrong with them. */
  private poolMetrics(src: MetricsSource): void {
    const r = this.registry;
    new Gauge({
      name: 'vigil_inference_workers',
      help: 'Inference worker threads: running, wanted, and being replaced (on the backoff ladder).',
      labelNames: ['state'],
      registers: [r],
      collect() {
        this.reset();
        const p = src.inferencePool?.();
        if (!p) return;
        this.set({ state: 'running' }, p.workers);
        this.set({ state: 'wanted' }, p.wanted);
        this.set({ state: 'replacing' }, p.replacing);
      },
    });
    new Gauge({
      name: 'vigil_inference_worker_failures_total',
      help: 'Inference workers lost, by kind: timeout (stuck, terminated), exit (died), start (a replacement that could not start).',
      labelNames: ['kind'],
      registers: [r],
      collect() {
        this.reset();
        const p = src.inferencePool?.();
        if (!p) return;
        this.set({ kind: 'timeout' }, p.timeouts);
        this.set({ kind: 'exit' }, p.deaths);
        this.set({ kind: 'start' }, p.respawnFailures);
      },
    });
    new Gauge({
      name: 'vigil_inference_busy_seconds_total',
      help: 'Time the inference workers spent running the model, all workers together: its rate over the worker count is how busy the engine is.',
      registers: [r],
      collect() {
        this.set((src.inferencePool?.()?.busyMs ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'vigil_inference_waiting',
      help: 'Tiles or frames waiting for a free inference worker now.',
      registers: [r],
      collect() {
        this.set(src.inferencePool?.()?.waiting ?? 0);
      },
    });
  }

  observeInference(camera: string, ms: number): void {
    this.inference.observe({ camera }, ms / 1000);
  }
}
